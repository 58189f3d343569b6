// Builds the extension: esbuild bundles extension.js with vscode-languageclient into
// dist/extension.js (the `main` of package.json; `vscode` stays external, VS Code provides it).
// With --package, @vscode/vsce then packages the folder as cvl-<version>.vsix (.vscodeignore
// keeps the sources, tests and node_modules out: the bundle has everything).
//
//   node scripts/build.mjs              dist/extension.js
//   node scripts/build.mjs --package    dist/extension.js and cvl-<version>.vsix
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: [path.join(root, "extension.js")],
  outfile: path.join(root, "dist/extension.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  external: ["vscode"],
  minify: true,
  sourcemap: false,
  logLevel: "warning",
});
console.log("built dist/extension.js");

if (process.argv.includes("--package")) {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const vsix = `${name}-${version}.vsix`;
  const vsce = path.join(root, "node_modules/@vscode/vsce/vsce");
  // the bundle holds the dependencies; no repository URL or licence file in this folder yet
  execFileSync(process.execPath, [vsce, "package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", vsix], {
    cwd: root,
    stdio: "inherit",
  });
  console.log(`packaged ${vsix}`);
}
