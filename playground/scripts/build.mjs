// Builds the playground page into playground/dist/: a static site (index.html, one JS bundle
// for the page, one for the compiler's worker, one CSS file and the WebAssembly), with the
// examples' .cvl files embedded at build time. Needs playground/pkg (scripts/build-wasm) and
// playground/node_modules (`npm ci` in playground/).
//   node playground/scripts/build.mjs [--pkg DIR] [--out DIR] [--examples DIR] [--dev]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const started = Date.now();
const playground = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.dirname(playground);
const web = path.join(playground, 'web');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? path.resolve(process.argv[i + 1]) : fallback;
};
const pkg = arg('--pkg', process.env.CVL_WEB_PKG ?? path.join(playground, 'pkg'));
const out = arg('--out', path.join(playground, 'dist'));
const examplesDir = arg('--examples', path.join(root, 'examples'));
const dev = process.argv.includes('--dev');

const wasmPath = path.join(pkg, 'cvl_playground_bg.wasm');
if (!fs.existsSync(wasmPath) || !fs.existsSync(path.join(pkg, 'cvl_playground.js'))) {
  console.error(`build: ${pkg} has no wasm-bindgen output: run scripts/build-wasm first`);
  process.exit(1);
}

// --- the examples, embedded --------------------------------------------------------------------

/// Every `.cvl` file under `dir`, keyed by its `/`-separated path relative to `dir`.
function readProject(dir, prefix = '', files = {}) {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) readProject(full, `${prefix}${entry.name}/`, files);
    else if (entry.name.endsWith('.cvl')) files[`${prefix}${entry.name}`] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

/// The title (first heading) and summary (first paragraph) of an example's README.
function describe(dir) {
  const readme = path.join(dir, 'README.md');
  if (!fs.existsSync(readme)) return { title: null, summary: null };
  const text = fs.readFileSync(readme, 'utf8');
  const heading = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? null;
  const paragraph = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .find((p) => p && !p.startsWith('#') && !p.startsWith('```') && !p.startsWith('|'));
  const clean = (s) => s?.replace(/\s+/g, ' ').replace(/[`*_]/g, '').trim() ?? null;
  return { title: clean(heading), summary: clean(paragraph)?.slice(0, 300) ?? null };
}

function collectExamples() {
  const found = [];
  if (fs.existsSync(examplesDir)) {
    for (const name of fs.readdirSync(examplesDir).sort()) {
      const dir = path.join(examplesDir, name);
      if (!fs.existsSync(path.join(dir, 'main.cvl'))) continue;
      const { title, summary } = describe(dir);
      // "FlowOps: a multi-tenant ..." for flowops: the part after the name
      const rest = title?.replace(new RegExp(`^${name}\\b\\s*[:—–-]?\\s*`, 'i'), '') || null;
      found.push({ name, title: rest, summary, files: readProject(dir) });
    }
  }
  // The page's own starter comes first unless the repository has an example of that name.
  if (!found.some((e) => e.name === 'hello')) {
    found.unshift({ name: 'hello', title: 'a first project', summary: 'Two stacks, an env param and a cross-stack reference.', files: readProject(path.join(web, 'hello')) });
  }
  return found;
}

const examples = collectExamples();
const examplesPlugin = {
  name: 'cvl-examples',
  setup(build) {
    build.onResolve({ filter: /^cvl:examples$/ }, (a) => ({ path: a.path, namespace: 'cvl-examples' }));
    build.onLoad({ filter: /.*/, namespace: 'cvl-examples' }, () => ({
      contents: `export default ${JSON.stringify(examples)};`,
      loader: 'js',
    }));
  },
};

// --- bundles -----------------------------------------------------------------------------------

const hash = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 10);

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

const wasm = fs.readFileSync(wasmPath);
const wasmFile = `cvl-${hash(wasm)}.wasm`;
fs.writeFileSync(path.join(out, wasmFile), wasm);

const common = {
  bundle: true,
  format: 'esm',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  target: ['es2022', 'chrome105', 'firefox115', 'safari16'],
  outdir: out,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  alias: { 'cvl-pkg': path.join(pkg, 'cvl_playground.js') },
  plugins: [examplesPlugin],
};

const outputOf = (result, entry) =>
  Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint && path.resolve(o.entryPoint) === path.resolve(entry))[0];

const workerResult = await esbuild.build({
  ...common,
  entryPoints: { worker: path.join(web, 'worker.js') },
  define: { __WASM_FILE__: JSON.stringify(`./${wasmFile}`) },
});
const workerFile = path.basename(outputOf(workerResult, path.join(web, 'worker.js')));

const appResult = await esbuild.build({
  ...common,
  entryPoints: { app: path.join(web, 'main.js') },
  define: { __WORKER_FILE__: JSON.stringify(`./${workerFile}`) },
});
const appOut = outputOf(appResult, path.join(web, 'main.js'));
const appFile = path.basename(appOut);
const cssFile = path.basename(appResult.metafile.outputs[appOut].cssBundle);

const html = fs
  .readFileSync(path.join(web, 'index.html'), 'utf8')
  .replace('%APP%', `./${appFile}`)
  .replace('%CSS%', `./${cssFile}`);
fs.writeFileSync(path.join(out, 'index.html'), html);

// --- sizes -------------------------------------------------------------------------------------

const sizes = {};
for (const file of fs.readdirSync(out).sort()) {
  const bytes = fs.readFileSync(path.join(out, file));
  sizes[file] = { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
}
fs.writeFileSync(path.join(out, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const [file, s] of Object.entries(sizes)) console.log(`  ${file.padEnd(34)} ${kb(s.raw).padStart(11)} raw ${kb(s.gzip).padStart(11)} gzip`);
const js = Object.entries(sizes).filter(([f]) => f.endsWith('.js'));
const sum = (key) => js.reduce((n, [, s]) => n + s[key], 0);
console.log(
  `build: ${path.relative(root, out) || out}/ in ${Date.now() - started} ms: ${examples.length} examples (${examples.map((e) => e.name).join(', ')}, ` +
    `${kb(JSON.stringify(examples).length)} of the JS); ` +
    `page JS ${kb(sum('raw'))} raw, ${kb(sum('gzip'))} gzip; wasm ${kb(sizes[wasmFile].raw)} raw, ${kb(sizes[wasmFile].gzip)} gzip`,
);
