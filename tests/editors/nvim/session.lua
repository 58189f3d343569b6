-- An editing session in a headless Neovim, with editors/nvim/cvl.lua installed as a plugin
-- (nvim.test.mjs puts it in $XDG_CONFIG_HOME/nvim/plugin/) and the real `cvl lsp` on the PATH.
--
-- CVL_NVIM_FILE: a copy of examples/canvalo/main.cvl in a folder of its own (the project root).
-- CVL_NVIM_LOG:  where every step is written, `ok <step>` or `FAIL <why>`.
--
-- Works on Neovim 0.7 (Debian bookworm's) and later: only APIs that 0.7 has, or a fallback.

local file = assert(os.getenv("CVL_NVIM_FILE"), "CVL_NVIM_FILE")
local log = assert(io.open(assert(os.getenv("CVL_NVIM_LOG"), "CVL_NVIM_LOG"), "w"))
local started = vim.loop.hrtime()

local function say(fmt, ...)
  log:write(string.format("[%6d ms] " .. fmt, (vim.loop.hrtime() - started) / 1e6, ...) .. "\n")
  log:flush()
end

local function wait(ms, condition, what)
  if not vim.wait(ms, condition, 20) then
    error("timed out after " .. ms .. " ms waiting for " .. what, 2)
  end
end

local function clients(buf)
  if vim.lsp.get_clients then -- 0.10+
    return vim.lsp.get_clients({ bufnr = buf })
  end
  local out = {}
  for _, client in pairs(vim.lsp.buf_get_clients(buf)) do
    table.insert(out, client)
  end
  return out
end

local function buffer_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n"
end

local function codes(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, tostring(d.code))
  end
  table.sort(out)
  return table.concat(out, ",")
end

local function find_diagnostic(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return d
    end
  end
end

-- the zero-based line and byte column of the first `needle`
local function find(buf, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return i - 1, col - 1
    end
  end
  error("`" .. needle .. "` is not in the buffer", 2)
end

local function request(buf, method, params)
  local responses = vim.lsp.buf_request_sync(buf, method, params, 20000)
  for _, response in pairs(responses or {}) do
    if response.error then
      error(method .. " failed: " .. vim.inspect(response.error), 2)
    end
    return response.result
  end
  error("no answer to " .. method, 2)
end

-- every diagnostics notification the server sends
local publishes = 0
local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(...)
  publishes = publishes + 1
  return publish(...)
end

local function session()
  assert(vim.fn.executable("cvl") == 1, "`cvl` is on the PATH")
  say("ok nvim %s", tostring(vim.version().major) .. "." .. vim.version().minor .. "." .. vim.version().patch)

  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.bo[buf].filetype == "cvl", "filetype is `" .. vim.bo[buf].filetype .. "`, not cvl")
  assert(vim.bo[buf].commentstring == "// %s", "commentstring")
  assert(vim.bo[buf].omnifunc == "v:lua.vim.lsp.omnifunc", "omnifunc")
  say("ok filetype cvl")

  wait(20000, function()
    local c = clients(buf)[1]
    return c ~= nil and c.initialized == true
  end, "the cvl client to attach")
  local client = clients(buf)[1]
  assert(client.name == "cvl", "client name " .. tostring(client.name))
  local root = vim.fn.fnamemodify(file, ":p:h")
  assert(client.config.root_dir == root, "root " .. tostring(client.config.root_dir) .. " ~= " .. root)
  say("ok client attached (root %s)", client.config.root_dir)

  -- opened: the static diagnostics, then those of evaluating every env
  wait(60000, function() return publishes >= 2 end, "the diagnostics of opening")
  local baseline = codes(buf)
  assert(find_diagnostic(buf, "unknown-property") == nil, "no unknown-property on open: " .. baseline)
  say("ok diagnostics after open [%s]", baseline)
  local original = buffer_text(buf)

  -- misspell a property of the alarm
  local row, col = find(buf, "AlarmDescription:")
  vim.api.nvim_buf_set_text(buf, row, col, row, col + #"AlarmDescription", { "AlarmDescriptin" })
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 4 })
  wait(30000, function() return find_diagnostic(buf, "unknown-property") ~= nil end, "unknown-property after the misspelling")
  local d = find_diagnostic(buf, "unknown-property")
  assert(d.lnum == row and d.col == col and d.end_col == col + #"AlarmDescriptin", "range " .. vim.inspect({ d.lnum, d.col, d.end_col }))
  assert(d.message:find("AlarmDescription", 1, true), "did you mean in: " .. d.message)
  say("ok unknown-property at %d:%d: %s", d.lnum + 1, d.col + 1, d.message)

  -- the quick fix, the way a user picks it: vim.lsp.buf.code_action() and its menu
  local offered = {}
  vim.ui.select = function(items, opts, on_choice)
    local choice
    for _, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or vim.inspect(item)
      table.insert(offered, title)
      if title:find("replace with `AlarmDescription`", 1, true) then
        choice = item
      end
    end
    on_choice(choice)
  end
  vim.lsp.buf.code_action()
  wait(20000, function() return buffer_text(buf) == original end, "the quick fix to restore the text (offered: " .. vim.inspect(offered) .. ")")
  say("ok quick fix applied (offered: %s)", table.concat(offered, " | "))

  -- fixed: the diagnostics are back to those of opening, after evaluation
  local before = publishes
  wait(60000, function() return publishes >= before + 2 and codes(buf) == baseline end, "the diagnostics to clear (now: " .. codes(buf) .. ")")
  say("ok diagnostics cleared [%s]", codes(buf))

  local uri = vim.uri_from_bufnr(buf)
  -- hover on the property: its CloudFormation doc
  local hover = request(buf, "textDocument/hover", { textDocument = { uri = uri }, position = { line = row, character = col + 2 } })
  local markdown = type(hover.contents) == "table" and (hover.contents.value or "") or tostring(hover.contents)
  assert(markdown:find("AlarmDescription: string", 1, true) and markdown:find("AWS::CloudWatch::Alarm", 1, true), "hover: " .. markdown)
  say("ok hover: %s", (markdown:gsub("\n", " ")):sub(1, 80))

  -- hover on a name: the value it takes in each env
  local size_row, size_col = find(buf, "let size")
  hover = request(buf, "textDocument/hover", { textDocument = { uri = uri }, position = { line = size_row, character = size_col + 5 } })
  markdown = type(hover.contents) == "table" and (hover.contents.value or "") or tostring(hover.contents)
  assert(markdown:find("env=prod", 1, true) and markdown:find("cpu: 1024", 1, true), "hover on size: " .. markdown)
  say("ok hover per env: %s", (markdown:gsub("\n", " ")):sub(1, 80))

  -- completion on a new line of the alarm's body: its properties
  local body_row = find(buf, "AlarmName:")
  vim.api.nvim_buf_set_lines(buf, body_row + 1, body_row + 1, false, { "    " })
  local completion = request(buf, "textDocument/completion", { textDocument = { uri = uri }, position = { line = body_row + 1, character = 4 } })
  local labels = {}
  for _, item in ipairs(completion.items or completion) do
    labels[item.label] = true
  end
  assert(labels["DatapointsToAlarm"] and labels["ActionsEnabled"], "completion: " .. vim.inspect(vim.tbl_keys(labels)))
  vim.api.nvim_buf_set_lines(buf, body_row + 1, body_row + 2, false, {})
  assert(buffer_text(buf) == original, "the completion probe is removed")
  say("ok completion: %d items", #vim.tbl_keys(labels))

  -- format on save (the BufWritePre autocommand of cvl.lua)
  local prod_row = find(buf, "let prod = env")
  local prod_line = vim.api.nvim_buf_get_lines(buf, prod_row, prod_row + 1, false)[1]
  vim.api.nvim_buf_set_lines(buf, prod_row, prod_row + 1, false, { (prod_line:gsub("^let prod = env", "let   prod =env")) })
  vim.cmd("write")
  local saved = table.concat(vim.fn.readfile(file), "\n") .. "\n"
  assert(saved:find("\nlet prod = env ==", 1, true) and not saved:find("let   prod", 1, true), "the edited line is saved formatted")
  -- the same as `cvl fmt` on the text before the edit (the example is not in canonical layout)
  local copy = vim.fn.fnamemodify(file, ":h") .. "/fmt-copy.cvl"
  vim.fn.writefile(vim.split(original, "\n", { plain = true }), copy, "b")
  vim.fn.system({ "cvl", "fmt", copy })
  assert(vim.v.shell_error == 0, "cvl fmt ran")
  local expected = table.concat(vim.fn.readfile(copy), "\n") .. "\n"
  if saved ~= expected then
    local a, b = vim.split(saved, "\n"), vim.split(expected, "\n")
    for i = 1, math.max(#a, #b) do
      assert(a[i] == b[i], string.format("format on save writes what `cvl fmt` writes; line %d: %q vs %q", i, tostring(a[i]), tostring(b[i])))
    end
  end
  say("ok formatted on save")
end

local ok, err = xpcall(session, debug.traceback)
if ok then
  say("ok done")
  vim.cmd("qall!")
else
  say("FAIL %s", tostring(err))
  vim.cmd("cquit 1")
end
