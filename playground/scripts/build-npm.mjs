// Assembles the embeddable package into playground/dist-npm/ from playground/npm/ (the API, the
// types, the README and the example) and the wasm-bindgen web-target output in playground/pkg/
// (scripts/build-wasm). Node built-ins only: no npm dependencies, no bundling.
//   node playground/scripts/build-npm.mjs [--pkg DIR] [--out DIR]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const playground = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.dirname(playground);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? path.resolve(process.argv[i + 1]) : fallback;
};
const pkg = arg('--pkg', process.env.CVL_WEB_PKG ?? path.join(playground, 'pkg'));
const out = arg('--out', path.join(playground, 'dist-npm'));

for (const file of ['cvl_playground.js', 'cvl_playground_bg.wasm']) {
  if (!fs.existsSync(path.join(pkg, file))) {
    console.error(`build-npm: ${path.join(pkg, file)} is missing: run scripts/build-wasm first`);
    process.exit(1);
  }
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
for (const file of ['core.js', 'index.js', 'node.js', 'index.d.ts', 'README.md']) {
  fs.copyFileSync(path.join(playground, 'npm', file), path.join(out, file));
}
fs.cpSync(path.join(playground, 'npm', 'example'), path.join(out, 'example'), { recursive: true });
for (const file of ['cvl_playground.js', 'cvl_playground_bg.wasm']) {
  fs.copyFileSync(path.join(pkg, file), path.join(out, file));
}
// the workspace's version
const cargo = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
const version = /^\s*version\s*=\s*"([^"]+)"/m.exec(cargo.slice(cargo.indexOf('[workspace.package]')))?.[1] ?? '0.0.0';
const manifest = JSON.parse(fs.readFileSync(path.join(playground, 'npm', 'package.json'), 'utf8'));
manifest.version = version;
fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const size = fs.statSync(path.join(out, 'cvl_playground_bg.wasm')).size;
console.log(`build-npm: ${path.relative(root, out)}/ (cvl-wasm ${version}, wasm ${size} bytes)`);
