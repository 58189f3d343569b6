// The playground's WebAssembly under node (`node --test tests/wasm/`): it compiles projects
// held in memory, and its output for every example and env is byte-identical to `cvl build`.
//
// Needs `scripts/build-wasm` (target-wasm/node-pkg, or CVL_WASM_PKG) and the release CLI
// (target/release/cvl, or CVL_BIN). scripts/test provides both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = process.env.CVL_WASM_PKG ?? path.join(root, 'target-wasm/node-pkg');
const cvlBin = process.env.CVL_BIN ?? path.join(root, 'target/release/cvl');
const wasm = createRequire(import.meta.url)(path.join(pkg, 'cvl_playground.js'));

const errors = (diagnostics) => diagnostics.filter((d) => d.severity === 'error');
const describe = (diagnostics) =>
  diagnostics.map((d) => `  ${d.file}:${d.line}:${d.column}: ${d.severity}[${d.code}] ${d.message}`).join('\n');
/// Fails with the diagnostics listed, one a line.
const assertNoErrors = (diagnostics, what) => {
  const found = errors(diagnostics);
  assert.ok(found.length === 0, `${what} has ${found.length} errors:\n${describe(found)}`);
};

const MAIN = `/// Which account to build for.
param env: "beta" | "gamma" = "beta"

stack storage {
  resource Assets: AWS::S3::Bucket {
    BucketName: "demo-\${env}-assets",
    VersioningConfiguration: { Status: "Enabled" },
  }
  output bucket_arn = Assets.Arn
}
`;

test('compiles a project held in memory', () => {
  const out = JSON.parse(wasm.compile(JSON.stringify({ 'main.cvl': MAIN }), 'main.cvl', '{"env": "gamma"}'));
  assertNoErrors(out.diagnostics, 'the project');
  assert.deepEqual(out.stacks.map((s) => s.name), ['storage']);
  const template = JSON.parse(out.stacks[0].template);
  const assets = template.Resources.Assets;
  assert.equal(assets.Type, 'AWS::S3::Bucket');
  assert.equal(assets.Properties.BucketName, 'demo-gamma-assets');
  assert.deepEqual(assets.Properties.VersioningConfiguration, { Status: 'Enabled' });
  assert.ok(out.stacks[0].template.endsWith('}\n'), 'templates end with a newline, as cvl build writes them');
  assert.equal(typeof out.manifest, 'string');
  JSON.parse(out.manifest);
  assert.match(wasm.to_yaml(out.stacks[0].template), /Type: AWS::S3::Bucket/);
});

test('reports errors as diagnostics with positions', () => {
  const broken = MAIN.replace('BucketName', 'BucketNam');
  const out = JSON.parse(wasm.compile(JSON.stringify({ 'main.cvl': broken }), 'main.cvl', ''));
  assert.deepEqual(out.stacks, []);
  assert.equal(out.manifest, null);
  const d = out.diagnostics.find((d) => d.code === 'unknown-property');
  assert.ok(d, JSON.stringify(out.diagnostics));
  assert.equal(d.file, 'main.cvl');
  assert.equal(d.line, 6);
  assert.equal(d.column, 5);
  assert.match(d.help ?? '', /BucketName/);
});

test('lists params and rejects bad input without crashing', () => {
  const out = JSON.parse(wasm.params(JSON.stringify({ 'main.cvl': MAIN }), 'main.cvl'));
  assert.deepEqual(out.params.map((p) => [p.name, p.allowed]), [['env', ['beta', 'gamma']]]);
  const bad = JSON.parse(wasm.compile('not json', 'main.cvl', ''));
  assert.equal(bad.diagnostics[0].code, 'io-error');
});

/// Every `.cvl` file under `dir`, keyed by its `/`-separated path relative to `dir`.
function readProject(dir, prefix = '', files = {}) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) readProject(full, `${prefix}${entry.name}/`, files);
    else if (entry.name.endsWith('.cvl')) files[`${prefix}${entry.name}`] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

const examplesDir = process.env.CVL_EXAMPLES_DIR ?? path.join(root, 'examples');
const examples = fs.existsSync(examplesDir)
  ? fs.readdirSync(examplesDir).filter((e) => fs.existsSync(path.join(examplesDir, e, 'main.cvl'))).sort()
  : [];

test('every example, every env: byte-identical to cvl build', { skip: examples.length === 0 && 'no examples yet' }, async (t) => {
  assert.ok(fs.existsSync(cvlBin), `${cvlBin} is missing: cargo build --release -p cvl`);
  for (const example of examples) {
    const dir = path.join(examplesDir, example);
    const files = JSON.stringify(readProject(dir));
    const listed = JSON.parse(wasm.params(files, 'main.cvl'));
    assertNoErrors(listed.diagnostics, `${example} (params)`);
    const env = listed.params.find((p) => p.name === 'env');
    const values = env && env.allowed.length > 0 ? env.allowed : [null];
    for (const value of values) {
      await t.test(`${example} env=${value ?? '(default)'}`, () => {
        const out = JSON.parse(wasm.compile(files, 'main.cvl', value === null ? '{}' : JSON.stringify({ env: value })));
        assertNoErrors(out.diagnostics, `the wasm build of ${example}`);
        const outDir = fs.mkdtempSync(path.join(os.tmpdir(), `cvl-${example}-`));
        try {
          const args = ['build', dir, ...(value === null ? [] : [`env=${value}`]), '--out', outDir];
          const native = spawnSync(cvlBin, args, { encoding: 'utf8' });
          assert.equal(native.status, 0, `cvl ${args.join(' ')}\n${native.stderr}`);
          const expected = [...out.stacks.map((s) => `${s.name}.template.json`), 'manifest.json'].sort();
          assert.deepEqual(fs.readdirSync(outDir).sort(), expected);
          for (const stack of out.stacks) {
            const written = fs.readFileSync(path.join(outDir, `${stack.name}.template.json`), 'utf8');
            assert.ok(written === stack.template, `${stack.name}.template.json differs between wasm and native`);
          }
          const manifest = fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8');
          assert.ok(manifest === out.manifest, 'manifest.json differs between wasm and native');
        } finally {
          fs.rmSync(outDir, { recursive: true, force: true });
        }
      });
    }
  }
});
