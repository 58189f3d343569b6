-- cvl for Neovim (0.7 or later): filetype, the `cvl lsp` language server, format on save.
-- Put this file on your runtimepath (e.g. ~/.config/nvim/plugin/cvl.lua) or source it.
-- tests/editors/nvim/ loads this very file into a headless Neovim and edits an example with it.

vim.filetype.add({ extension = { cvl = "cvl" } })
if vim.fn.has("nvim-0.8") == 0 then -- Neovim 0.7 detects filetypes with filetype.vim by default
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, { pattern = "*.cvl", command = "setfiletype cvl" })
end

-- the project: the nearest folder with main.cvl, else the git repository, else the file's folder
local function cvl_root(buf)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ":p:h")
  local main = vim.fn.findfile("main.cvl", dir .. ";")
  if main ~= "" then
    return vim.fn.fnamemodify(main, ":p:h")
  end
  local git = vim.fn.finddir(".git", dir .. ";")
  if git == "" then
    git = vim.fn.findfile(".git", dir .. ";") -- a git worktree's .git is a file
  end
  if git ~= "" then
    return vim.fn.fnamemodify(git, ":p:h:h")
  end
  return dir
end

local cvl_clients = {} -- Neovim 0.7 (no vim.lsp.start): one client per root

vim.api.nvim_create_autocmd("FileType", {
  pattern = "cvl",
  callback = function(args)
    vim.bo[args.buf].commentstring = "// %s"
    vim.bo[args.buf].omnifunc = "v:lua.vim.lsp.omnifunc" -- completion with <C-x><C-o>
    local root = cvl_root(args.buf)
    local config = {
      name = "cvl",
      cmd = { "cvl", "lsp" },
      root_dir = root,
      -- params for the evaluation diagnostics; literal-union params left out are checked with every value
      init_options = { params = vim.empty_dict(), staticOnly = false },
    }
    if vim.lsp.start then -- Neovim 0.8+
      vim.lsp.start(config)
    else
      local id = cvl_clients[root]
      if not (id and vim.lsp.get_client_by_id(id)) then
        id = vim.lsp.start_client(config)
        cvl_clients[root] = id
      end
      if id then
        vim.lsp.buf_attach_client(args.buf, id)
      end
    end
  end,
})

-- format on save through the server (the formatter keeps comments and refuses broken files)
vim.api.nvim_create_autocmd("BufWritePre", {
  pattern = "*.cvl",
  callback = function(args)
    if vim.lsp.buf.format then -- Neovim 0.8+
      vim.lsp.buf.format({ bufnr = args.buf, name = "cvl", timeout_ms = 2000 })
    else
      vim.lsp.buf.formatting_sync(nil, 2000)
    end
  end,
})

-- Inlay hints (let types, logical IDs), Neovim 0.10+:
-- vim.lsp.inlay_hint.enable(true)

--[[ With nvim-lspconfig instead of the FileType autocommand above:

local configs = require("lspconfig.configs")
if not configs.cvl then
  configs.cvl = {
    default_config = {
      cmd = { "cvl", "lsp" },
      filetypes = { "cvl" },
      root_dir = require("lspconfig.util").root_pattern("main.cvl", ".git"),
      init_options = { params = vim.empty_dict(), staticOnly = false },
    },
  }
end
require("lspconfig").cvl.setup({})

-- Neovim 0.11+ without plugins:
vim.lsp.config("cvl", { cmd = { "cvl", "lsp" }, filetypes = { "cvl" }, root_markers = { "main.cvl", ".git" } })
vim.lsp.enable("cvl")
]]
