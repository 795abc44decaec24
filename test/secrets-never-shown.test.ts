import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { avdsec, tempTree } from './cli/run';
import { FIXTURES, listFiles } from './harness/engine';
import { parseMarkers } from './harness/markers';
import { ServerProcess } from './lsp/client';

/**
 * No output of avdsec shows a secret it found: not the text, JSON or SARIF report of the CLI, not the language
 * server's diagnostics, code actions or hovers. The workspace is every rule fixture that writes a registration token out
 * (the literal tokens are fake, but shaped as real ones); the check is that neither a token nor any 12 characters of it
 * appear anywhere.
 */

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const holdsJwt = (text: string) => new RegExp(JWT.source).test(text);
const RULES = ['registration-token-hardcoded', 'registration-token-exposed'];
const WINDOW = 12;

/** The fixture files (markers removed, `.fixed` files left out) of the cases that write a token, by relative path. */
function workspaceFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const rule of RULES) {
    const dir = path.join(FIXTURES, 'rules', rule);
    for (const c of fs.readdirSync(dir)) {
      const caseFiles = listFiles(path.join(dir, c)).filter((f) => !/\.fixed\.[a-z]+$/.test(f));
      const texts = caseFiles.map((f) => [f, parseMarkers(fs.readFileSync(f, 'utf8')).text] as const);
      if (!texts.some(([, t]) => holdsJwt(t))) continue;
      for (const [f, t] of texts) files[path.join(rule, c, path.relative(path.join(dir, c), f))] = t;
    }
  }
  return files;
}

const FILES = workspaceFiles();
const SECRETS = [...new Set(Object.values(FILES).flatMap((t) => t.match(JWT) ?? []))];

/** Fails when `output` holds a secret or any WINDOW characters of one. */
function assertNothingShown(output: string, what: string): void {
  for (const secret of SECRETS) {
    for (let i = 0; i + WINDOW <= secret.length; i++) {
      const piece = secret.slice(i, i + WINDOW);
      assert.ok(
        !output.includes(piece),
        `${what} shows ${WINDOW} characters of a token (at ${i}): …${output.slice(Math.max(0, output.indexOf(piece) - 60), output.indexOf(piece))}`,
      );
    }
  }
}

describe('secrets found in code are never shown', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    assert.ok(SECRETS.length >= 2, 'the fixtures write tokens out');
    dir = tempTree(FILES);
  });

  for (const format of ['text', 'json', 'sarif']) {
    it(`in the CLI's ${format} report`, async () => {
      const r = await avdsec(['scan', '.', '--format', format, '--fail-on', 'never'], dir);
      assert.equal(r.status, 0, r.stderr);
      // The rules did report the tokens, so the report had every chance to show them.
      for (const rule of RULES) assert.ok(r.stdout.includes(rule), `${rule} reported nothing in ${format}`);
      assertNothingShown(r.stdout + r.stderr, `the ${format} report`);
    });
  }

  for (const args of [
    ['report', '.', '--format', 'markdown'],
    ['report', '.', '--format', 'html'],
    ['graph', '.'],
  ]) {
    it(`in \`avdsec ${args.join(' ')}\``, async () => {
      const r = await avdsec(args, dir);
      assert.notEqual(r.status, 2, r.stderr);
      assertNothingShown(r.stdout + r.stderr, `avdsec ${args.join(' ')}`);
    });
  }

  it('in the language server: diagnostics, code actions and hovers', async () => {
    const server = new ServerProcess();
    try {
      await server.initialize(pathToFileURL(dir).href, { textDocument: { publishDiagnostics: { relatedInformation: true } } });
      const holding = Object.entries(FILES).filter(([, text]) => holdsJwt(text));
      const published: Diagnostic[] = [];
      for (const [rel, text] of holding) {
        const uri = pathToFileURL(path.join(dir, rel)).href;
        const languageId = rel.endsWith('.json') ? 'json' : rel.endsWith('.tf') || rel.endsWith('.tfvars') ? 'terraform' : 'bicep';
        await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
        const diags = await server.waitForDiagnostics(uri, (d) => d.some((x) => RULES.includes(String(x.code))), 30_000);
        published.push(...diags);
        const doc = TextDocument.create(uri, languageId, 1, text);
        for (const d of diags) {
          const actions = await server.connection.sendRequest('textDocument/codeAction', {
            textDocument: { uri },
            range: d.range,
            context: { diagnostics: [d] },
          });
          assertNothingShown(JSON.stringify(actions), `a code action in ${rel}`);
        }
        for (const m of text.matchAll(JWT)) {
          for (const offset of [m.index!, m.index! + 5]) {
            const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: doc.positionAt(offset) });
            assertNothingShown(JSON.stringify(hover), `the hover on a token in ${rel}`);
          }
        }
        // Hovers on the declarations around a token (the extension, the parameter, the host pool).
        for (const word of ['registrationToken', 'registration_token', 'RegistrationInfoToken', 'hostPool', 'dsc', 'register', 'bootstrap']) {
          const at = text.indexOf(word);
          if (at < 0) continue;
          const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: doc.positionAt(at + 1) });
          assertNothingShown(JSON.stringify(hover), `the hover on ${word} in ${rel}`);
        }
      }
      assert.ok(published.some((d) => d.code === 'registration-token-hardcoded'));
      assertNothingShown(JSON.stringify(published), 'the published diagnostics');
    } finally {
      await server.stop();
    }
  });
});
