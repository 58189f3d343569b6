-- cvl for Neovim (0.10+): filetype, the `cvl lsp` language server, format on save.
-- Put this file on your runtimepath (e.g. ~/.config/nvim/plugin/cvl.lua) or source it.

vim.filetype.add({ extension = { cvl = "cvl" } })

vim.api.nvim_create_autocmd("FileType", {
  pattern = "cvl",
  callback = function(args)
    vim.bo[args.buf].commentstring = "// %s"
    vim.lsp.start({
      name = "cvl",
      cmd = { "cvl", "lsp" },
      -- the project: the folder with main.cvl, else the git repository, else the file's folder
      root_dir = vim.fs.root(args.buf, { "main.cvl", ".git" }) or vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf)),
      -- params for the evaluation diagnostics; literal-union params left out are checked with every value
      init_options = { params = vim.empty_dict(), staticOnly = false },
    })
  end,
})

-- format on save through the server (the formatter keeps comments and refuses broken files)
vim.api.nvim_create_autocmd("BufWritePre", {
  pattern = "*.cvl",
  callback = function(args)
    vim.lsp.buf.format({ bufnr = args.buf, name = "cvl", timeout_ms = 2000 })
  end,
})

-- Inlay hints (let types, logical IDs), where the server sends them:
-- vim.lsp.inlay_hint.enable(true)

--[[ With nvim-lspconfig instead of vim.lsp.start above:

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
