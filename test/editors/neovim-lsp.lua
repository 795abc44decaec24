-- Drives Neovim's built-in LSP client (0.7: vim.lsp.start_client; vim.lsp.start is 0.8+) against the avdsec language
-- server, headless: `nvim --headless -u NONE FILE... -c 'luafile test/editors/neovim-lsp.lua'`.
-- Every file on the argument list is attached; the diagnostics published for each, a hover and the code actions at
-- given positions are written as JSON to $AVDSEC_RESULT for test/editors/neovim.test.ts to check.
--
-- Environment:
--   AVDSEC_RESULT      file to write the JSON result to
--   AVDSEC_SERVER_CMD  JSON array: the server command, e.g. ["node", "dist/server.js", "--stdio"]
--   AVDSEC_ROOT        the workspace folder
--   AVDSEC_HOVER       JSON {"file": path, "line": 0-based, "character": 0-based}: where to ask for a hover
--   AVDSEC_EXPECT      JSON {path: number}: how many diagnostics to wait for in each file (the CLI's count)
--   AVDSEC_TIMEOUT_MS  how long to wait for diagnostics and answers (default 30000)

local out = (assert(os.getenv('AVDSEC_RESULT'), 'AVDSEC_RESULT is not set'))
local timeout = tonumber(os.getenv('AVDSEC_TIMEOUT_MS') or '30000')
local result = { nvim = vim.version(), files = {}, hover = vim.NIL, codeActions = {}, log = {}, errors = {} }

local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  vim.cmd(#result.errors == 0 and 'qall!' or 'cquit! 1')
end

local function fail(msg)
  table.insert(result.errors, tostring(msg))
end

local FILETYPES = { bicep = 'bicep', bicepparam = 'bicep-params', tf = 'terraform', tfvars = 'terraform-vars', json = 'json' }

local function main()
  local cmd = vim.json.decode((assert(os.getenv('AVDSEC_SERVER_CMD'), 'AVDSEC_SERVER_CMD is not set')))
  local root = (assert(os.getenv('AVDSEC_ROOT'), 'AVDSEC_ROOT is not set'))
  local hover_at = vim.json.decode(os.getenv('AVDSEC_HOVER') or 'null')
  local expect = vim.json.decode(os.getenv('AVDSEC_EXPECT') or '{}')

  local published = {} -- uri -> diagnostics (the latest publication)
  local ready = false
  local client_id = vim.lsp.start_client({
    name = 'avdsec',
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'examples' } },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, params)
        published[params.uri] = params.diagnostics
      end,
      ['window/logMessage'] = function(_, params)
        table.insert(result.log, params.message)
      end,
    },
    on_init = function()
      ready = true
    end,
    on_exit = function(code, signal)
      result.exit = { code = code, signal = signal }
    end,
  })
  if not client_id then
    return fail('vim.lsp.start_client returned nil')
  end

  -- Attach every file given on the command line.
  local buffers = {}
  for _, name in ipairs(vim.fn.argv()) do
    local path = vim.fn.fnamemodify(name, ':p')
    local bufnr = vim.fn.bufadd(path)
    vim.fn.bufload(bufnr)
    local ext = path:match('%.([%w]+)$') or ''
    vim.api.nvim_buf_set_option(bufnr, 'filetype', FILETYPES[ext] or ext)
    if not vim.lsp.buf_attach_client(bufnr, client_id) then
      fail('buf_attach_client failed for ' .. path)
    end
    buffers[path] = bufnr
  end

  local client = vim.lsp.get_client_by_id(client_id)
  vim.wait(timeout, function()
    return ready or result.exit ~= nil
  end, 50)
  if not ready then
    return fail('the server did not initialize within ' .. timeout .. ' ms')
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

  if hover_at ~= vim.NIL and hover_at ~= nil then
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

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function()
    return client.is_stopped()
  end, 50)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  fail(err)
end
finish()
