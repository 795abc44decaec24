-- Watches Neovim's built-in LSP client run the avdsec language server as a user's init.lua starts it (the Neovim 0.7
-- setup of docs/editors.md), headless:
--   nvim --headless --noplugin -u init.lua -i NONE -n --cmd 'luafile test/editors/neovim-lsp.lua' FILE... \
--     -c 'lua AvdsecNeovimTest()'
-- Loaded with --cmd, before init.lua, so that it sees every message the server sends; then `-c 'lua AvdsecNeovimTest()'`
-- loads every file on the argument list (the setup attaches the server by file type), waits for the
-- diagnostics, asks for a hover and the code actions at given positions, optionally turns a rule off in the client's
-- settings, and writes all of it as JSON to $AVDSEC_RESULT for test/editors/neovim.test.ts to check.
--
-- Environment:
--   AVDSEC_RESULT      file to write the JSON result to
--   AVDSEC_HOVER       JSON {"file": path, "line": 0-based, "character": 0-based}: where to ask for a hover (optional)
--   AVDSEC_EXPECT      JSON {path: number}: how many diagnostics to wait for in each file (the CLI's count)
--   AVDSEC_RULE_OFF    a rule id: after the checks above, set settings.avdsec.rules[id] = 'off' in the client's
--                      config, tell the server (workspace/didChangeConfiguration), and record the diagnostics then
--   AVDSEC_TIMEOUT_MS  how long to wait for diagnostics and answers (default 30000)

local out = (assert(os.getenv('AVDSEC_RESULT'), 'AVDSEC_RESULT is not set'))
local timeout = tonumber(os.getenv('AVDSEC_TIMEOUT_MS') or '30000')
local result = {
  nvim = vim.version(),
  files = {},
  filetypes = {},
  clients = {},
  hover = vim.NIL,
  codeActions = {},
  afterSettings = vim.NIL,
  log = {},
  errors = {},
}

local published = {} -- uri -> diagnostics (the latest publication)
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  published[params.uri] = params.diagnostics
  return default_publish(err, params, ctx, config)
end
vim.lsp.handlers['window/logMessage'] = function(_, params)
  table.insert(result.log, params.message)
end

local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  vim.cmd(#result.errors == 0 and 'qall!' or 'cquit! 1')
end

local function fail(msg)
  table.insert(result.errors, tostring(msg))
end

-- vim.lsp.buf_get_clients is 0.7's way; vim.lsp.get_clients replaces it from 0.10.
local function clients_of(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
end

local function avdsec_client(bufnr)
  for _, c in ipairs(clients_of(bufnr)) do
    if c.name == 'avdsec' then
      return c
    end
  end
end

local function main()
  local hover_env = os.getenv('AVDSEC_HOVER')
  local hover_at = (hover_env and hover_env ~= '') and vim.json.decode(hover_env) or nil
  local expect = vim.json.decode(os.getenv('AVDSEC_EXPECT') or '{}')
  local rule_off = os.getenv('AVDSEC_RULE_OFF')

  -- Load every file given on the command line: file type detection and the setup's FileType autocommand do the rest.
  local buffers = {}
  for _, name in ipairs(vim.fn.argv()) do
    local path = vim.fn.fnamemodify(name, ':p')
    local bufnr = vim.fn.bufadd(path)
    vim.fn.bufload(bufnr)
    buffers[path] = bufnr
    result.filetypes[path] = vim.api.nvim_buf_get_option(bufnr, 'filetype')
  end

  local function attached()
    for _, bufnr in pairs(buffers) do
      local c = avdsec_client(bufnr)
      if not c or not c.initialized then
        return false
      end
    end
    return true
  end
  if not vim.wait(timeout, attached, 50) then
    local missing = {}
    for path, bufnr in pairs(buffers) do
      if not avdsec_client(bufnr) then
        table.insert(missing, path .. ' (filetype ' .. result.filetypes[path] .. ')')
      end
    end
    return fail('no initialized avdsec client attached within ' .. timeout .. ' ms to: ' .. table.concat(missing, ', '))
  end
  local seen = {}
  local client
  for _, bufnr in pairs(buffers) do
    client = avdsec_client(bufnr)
    if not seen[client.id] then
      seen[client.id] = true
      table.insert(result.clients, { cmd = client.config.cmd, root = client.config.root_dir })
    end
  end
  result.capabilities = {
    hover = client.server_capabilities.hoverProvider or false,
    codeAction = client.server_capabilities.codeActionProvider and true or false,
  }

  -- Wait until each file has its expected number of diagnostics (or the timeout: the test then reports what came).
  local function settled()
    for path, _ in pairs(buffers) do
      local d = published[vim.uri_from_fname(path)]
      local want = expect[path]
      if d == nil or (want ~= nil and #d < want) then
        return false
      end
    end
    return true
  end
  if not vim.wait(timeout, settled, 50) then
    fail('diagnostics did not arrive for every file within ' .. timeout .. ' ms')
  end
  for path, _ in pairs(buffers) do
    result.files[path] = published[vim.uri_from_fname(path)] or vim.NIL
  end

  if hover_at then
    local bufnr = buffers[hover_at.file]
    if not bufnr then
      fail('hover file is not attached: ' .. hover_at.file)
    else
      local uri = vim.uri_from_fname(hover_at.file)
      local position = { line = hover_at.line, character = hover_at.character }
      local r, err = client.request_sync('textDocument/hover', { textDocument = { uri = uri }, position = position }, timeout, bufnr)
      if not r then
        fail('hover request failed: ' .. tostring(err))
      elseif r.err then
        fail('hover error: ' .. vim.json.encode(r.err))
      else
        result.hover = r.result or vim.NIL
      end
    end
  end

  -- The code actions offered at each diagnostic, as a user pressing `vim.lsp.buf.code_action()` there would see them.
  for path, bufnr in pairs(buffers) do
    local uri = vim.uri_from_fname(path)
    for _, d in ipairs(published[uri] or {}) do
      local r = client.request_sync('textDocument/codeAction', {
        textDocument = { uri = uri },
        range = d.range,
        context = { diagnostics = { d } },
      }, timeout, bufnr)
      local titles = {}
      for _, a in ipairs((r and r.result) or {}) do
        table.insert(titles, a.title)
      end
      table.insert(result.codeActions, { file = path, code = d.code, range = d.range, titles = titles })
    end
  end

  -- The editor-only rule levels: where the setup keeps them (settings.avdsec.rules) is where the server reads them.
  if rule_off and rule_off ~= '' then
    local settings = client.config.settings
    settings.avdsec = settings.avdsec or {}
    settings.avdsec.rules = settings.avdsec.rules or {}
    settings.avdsec.rules[rule_off] = 'off'
    client.notify('workspace/didChangeConfiguration', { settings = settings })
    local function gone()
      for path, _ in pairs(buffers) do
        for _, d in ipairs(published[vim.uri_from_fname(path)] or {}) do
          if d.code == rule_off then
            return false
          end
        end
      end
      return true
    end
    if not vim.wait(timeout, gone, 50) then
      fail(rule_off .. ' was still reported ' .. timeout .. ' ms after it was turned off in the settings')
    end
    result.afterSettings = {}
    for path, _ in pairs(buffers) do
      result.afterSettings[path] = published[vim.uri_from_fname(path)] or vim.NIL
    end
  end

  for id, _ in pairs(seen) do
    vim.lsp.stop_client(id)
  end
  vim.wait(5000, function()
    for id, _ in pairs(seen) do
      if not vim.lsp.client_is_stopped(id) then
        return false
      end
    end
    return true
  end, 50)
end

-- Called by `-c 'lua AvdsecNeovimTest()'`, once Neovim has loaded init.lua and the first file. (Not from a VimEnter
-- autocommand: files loaded there do not all get their file type in Neovim 0.7, even with nested = true.)
function AvdsecNeovimTest()
  local ok, err = xpcall(main, debug.traceback)
  if not ok then
    fail(err)
  end
  finish()
end
