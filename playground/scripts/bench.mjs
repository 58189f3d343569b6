// Playground figures for docs/performance.md: the wasm's size (raw, gzip -9) and how long the
// Canvalo example takes to compile, in Node (the npm package) and in headless Chromium (the same
// package on the page's main thread, and the playground page's own worker). A compile is timed
// after a one-character edit of main.cvl (its first doc comment), as when someone types: the
// compiler keeps its database between compiles, so an unchanged project would cost less.
// Prints figures; asserts nothing. The last line, `figures {...}`, holds them as JSON for
// `scripts/bench --playground`, which checks them against the targets.
//   node playground/scripts/bench.mjs [--example canvalo] [--env gamma] [--runs 30]
// Needs scripts/build-playground (playground/dist-npm and playground/dist) and /usr/bin/chromium.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const playground = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.dirname(playground);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const example = arg('--example', 'canvalo');
const env = arg('--env', 'gamma');
const runs = Number(arg('--runs', '30'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

function readProject(dir, prefix = '', files = {}) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) readProject(full, `${prefix}${entry.name}/`, files);
    else if (entry.name.endsWith('.cvl')) files[`${prefix}${entry.name}`] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

const stats = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { min: s[0], median: at(0.5), p90: at(0.9), runs: s.length };
};
const show = (what, s) =>
  console.log(`${what.padEnd(44)} min ${s.min.toFixed(1).padStart(6)} ms   median ${s.median.toFixed(1).padStart(6)} ms   p90 ${s.p90.toFixed(1).padStart(6)} ms   (${s.runs} runs)`);

const files = readProject(path.join(root, 'examples', example));
const params = { env };
// The same project with one more character in main.cvl's first doc comment: compiles alternate
// between the two, so each one parses and checks main.cvl again.
const edited = { ...files, 'main.cvl': files['main.cvl'].replace(/^(\s*\/\/\/.*)$/m, '$1.') };
if (edited['main.cvl'] === files['main.cvl']) throw new Error('main.cvl has no doc comment to edit');
const versions = [edited, files];

// --- size ----------------------------------------------------------------------------------------
const wasmPath = path.join(playground, 'dist-npm/cvl_playground_bg.wasm');
const wasm = fs.readFileSync(wasmPath);
const gz = zlib.gzipSync(wasm, { level: 9 }).length;
console.log(`wasm: ${wasm.length} bytes raw (${(wasm.length / 1e6).toFixed(2)} MB), ${gz} bytes gzipped by node's zlib at level 9 (${(gz / 1e6).toFixed(3)} MB; scripts/build-wasm prints gzip -9's)`);

// --- node --------------------------------------------------------------------------------------
const cvl = await import(pathToFileURL(path.join(playground, 'dist-npm/node.js')).href);
const first = performance.now();
const result = cvl.compile(files, params);
const firstMs = performance.now() - first;
const errors = result.diagnostics.filter((d) => d.severity === 'error');
if (errors.length > 0) throw new Error(`${example} has errors: ${JSON.stringify(errors)}`);
const resources = result.stacks.reduce((n, s) => n + Object.keys(JSON.parse(s.template).Resources ?? {}).length, 0);
console.log(`${example} env=${env}: ${result.stacks.length} stacks, ${resources} resources; node ${process.version}`);
console.log(`${'node: first compile (schemas decoded)'.padEnd(44)} ${firstMs.toFixed(1)} ms`);
const nodeMs = [];
for (let i = 0; i < runs; i++) {
  const project = versions[i % 2];
  const t = performance.now();
  cvl.compile(project, params);
  nodeMs.push(performance.now() - t);
}
const nodeStats = stats(nodeMs);
show('node: compile after an edit', nodeStats);
const figures = { example, env, wasm_bytes: wasm.length, wasm_gzip_bytes: gz, node_compile_median_ms: nodeStats.median };

// --- chromium ------------------------------------------------------------------------------------
const { serve } = await import(pathToFileURL(path.join(root, 'tests/browser/server.mjs')).href);
const { chromium } = createRequire(path.join(playground, 'package.json'))('playwright-core');
const server = await serve(playground);
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}dist/?example=${example}&env=${env}`);
  await page.waitForFunction(() => window.playground && !document.body.classList.contains('pending'), null, { timeout: 60_000 });
  const version = browser.version();
  const inPage = await page.evaluate(
    async ({ files, versions, params, runs }) => {
      const m = await import('/dist-npm/index.js');
      await m.init('/dist-npm/cvl_playground_bg.wasm');
      const t0 = performance.now();
      m.compile(files, params);
      const first = performance.now() - t0;
      const ms = [];
      for (let i = 0; i < runs; i++) {
        const project = versions[i % 2];
        const t = performance.now();
        m.compile(project, params);
        ms.push(performance.now() - t);
      }
      return { first, ms };
    },
    { files, versions, params, runs },
  );
  console.log(`${`chromium ${version}: first compile`.padEnd(44)} ${inPage.first.toFixed(1)} ms`);
  const chromiumStats = stats(inPage.ms);
  show('chromium: compile after an edit (main thread)', chromiumStats);
  figures.chromium = version;
  figures.chromium_compile_median_ms = chromiumStats.median;
  figures.chromium_compile_p90_ms = chromiumStats.p90;
  // the page's worker: params + compile for each change of the env selector
  const other = cvl.params(files).params.find((p) => p.name === 'env')?.allowed.find((v) => v !== env);
  const pageMs = [];
  if (other) {
    for (let i = 0; i < Math.min(runs, 20); i++) {
      const value = i % 2 === 0 ? other : env;
      await page.selectOption('#params select[data-param="env"]', value);
      await page.waitForFunction((v) => new URL(location.href).searchParams.get('env') === v && !document.body.classList.contains('pending'), value);
      await page.waitForFunction(() => /· \d+ ms$/.test(document.querySelector('#status').textContent));
      pageMs.push(Number(/(\d+) ms$/.exec(await page.locator('#status').textContent())[1]));
    }
    show('chromium: the page\'s worker (params + compile)', stats(pageMs));
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`figures ${JSON.stringify(figures)}`);
