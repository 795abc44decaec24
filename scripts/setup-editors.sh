#!/usr/bin/env bash
# Installs what the editor tests (npm run test:editors) need:
#   - Debian packages: chromium (driven by playwright-core), neovim (0.7, built-in LSP client), emacs-nox and
#     elpa-eglot (Emacs 28 with Eglot), pre-commit (the hook test),
#     libkrb5-dev and ripgrep (needed by code-server's native modules and search);
#   - code-server (VS Code in the browser), built offline from the npm registry into a cache folder outside the repository:
#     ${AVDSEC_EDITORS_CACHE:-$HOME/.cache/avdsec-editors}/code-server-<version>.
# Idempotent: what is already installed is detected and skipped, and a second run prints one line.
# On failure it prints the tail of its log and exits non-zero.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CACHE="${AVDSEC_EDITORS_CACHE:-$HOME/.cache/avdsec-editors}"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_BIN="$CS_DIR/node_modules/code-server/out/node/entry.js"
READY="$CS_DIR/.avdsec-ready"
LOG="$CACHE/setup-editors.log"

mkdir -p "$CACHE"
: >"$LOG"

step() { echo "setup-editors: $*"; }
fail() {
  echo "setup-editors: FAILED: $*" >&2
  echo "---- last lines of $LOG ----" >&2
  tail -n 40 "$LOG" >&2 || true
  exit 1
}
run() { "$@" >>"$LOG" 2>&1; }

# ---- Debian packages: only when a binary or header is missing.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
# test/editors/emacs.test.ts: Emacs 28 and Eglot (built into Emacs 29, a package for Debian 12's Emacs 28).
command -v emacs >/dev/null 2>&1 || missing+=(emacs-nox)
dpkg-query -W -f='${Status}' elpa-eglot 2>/dev/null | grep -q 'ok installed' || missing+=(elpa-eglot)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
# test/editors/ci-integrations.test.ts installs the avdsec hook with pre-commit.
command -v pre-commit >/dev/null 2>&1 || missing+=(pre-commit)
[ -x /usr/bin/krb5-config ] || dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'ok installed' || missing+=(libkrb5-dev)
# code-server's native modules are rebuilt with node-gyp.
{ command -v make && command -v g++; } >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  run $SUDO apt-get update -qq || fail "apt-get update"
  run $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" || fail "apt-get install ${missing[*]}"
fi

# ---- code-server, following the verified recipe (shared/reference/toolchain.md).
if [ ! -f "$READY" ] || [ ! -f "$CS_BIN" ]; then
  step "installing code-server $CODE_SERVER_VERSION into $CS_DIR (about 2 minutes)"
  tmp="$CS_DIR.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cat >"$tmp/package.json" <<JSON
{
  "name": "avdsec-editors-code-server",
  "private": true,
  "allowScripts": { "argon2": true, "code-server": false }
}
JSON
  export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
  (
    cd "$tmp"
    run npm install --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION" || fail "npm install code-server@$CODE_SERVER_VERSION"
    cd node_modules/code-server/lib/vscode
    run npm install --omit=dev --ignore-scripts --loglevel=error || fail "npm install in lib/vscode"
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    run npm rebuild @parcel/watcher @vscode/deviceid @vscode/spdlog kerberos native-watchdog node-pty ||
      fail "npm rebuild of code-server's native modules"
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sf code-linux.sh code-server)
    (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
    cd extensions
    run npm install --omit=dev --ignore-scripts --loglevel=error || fail "npm install in lib/vscode/extensions"
    run node postinstall.mjs || fail "extensions/postinstall.mjs"
  )
  [ -f "$tmp/node_modules/code-server/out/node/entry.js" ] || fail "code-server entry point missing after install"
  # Built under its final name's sibling, moved into place only when complete: an interrupted run leaves no half install.
  rm -rf "$CS_DIR"
  mv "$tmp" "$CS_DIR"
  run node "$CS_BIN" --version || fail "code-server --version"
  date -u +%FT%TZ >"$READY"
fi

step "ready: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), $(nvim --version | head -n1), code-server $CODE_SERVER_VERSION in $CS_DIR"
