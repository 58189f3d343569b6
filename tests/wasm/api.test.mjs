// The embeddable package's API (playground/dist-npm, assembled by scripts/build-wasm) under
// node: objects in and out, diagnostics with places, determinism, and the browser entry point.
//
// Needs scripts/build-wasm (playground/dist-npm, or CVL_NPM_PKG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = process.env.CVL_NPM_PKG ?? path.join(root, 'playground/dist-npm');
assert.ok(fs.existsSync(path.join(pkg, 'node.js')), `${pkg}/node.js is missing: run scripts/build-wasm`);
const cvl = await import(pathToFileURL(path.join(pkg, 'node.js')).href);

const MAIN = `/// Which account to build for.
param env: "beta" | "gamma" | "prod" = "beta"

/// How long logs are kept.
param retention: int = 14

import "./lib/naming.cvl" as naming

stack storage {
  resource Assets: AWS::S3::Bucket {
    BucketName: naming.bucket("assets", env),
  } with {
    DeletionPolicy: if env == "prod" { "Retain" } else { "Delete" },
  }
  output bucket_arn = Assets.Arn
}

stack logs {
  resource Logs: AWS::Logs::LogGroup {
    LogGroupName: "/demo/\${env}",
    RetentionInDays: retention,
  }
  output bucket = storage.Assets
}
`;
const NAMING = `/// The name of a bucket in an env.
fn bucket(purpose: string, env: string) -> string {
  "demo-\${env}-\${purpose}"
}
`;
const files = { 'main.cvl': MAIN, 'lib/naming.cvl': NAMING };
const errors = (result) => result.diagnostics.filter((d) => d.severity === 'error');

test('compiles a project of two files held in memory', () => {
  const out = cvl.compile(files, { env: 'prod', retention: '30' });
  assert.deepEqual(errors(out), []);
  assert.deepEqual(out.stacks.map((s) => s.name), ['storage', 'logs']);
  const storage = JSON.parse(out.stacks[0].template);
  assert.equal(storage.Resources.Assets.Type, 'AWS::S3::Bucket');
  assert.equal(storage.Resources.Assets.Properties.BucketName, 'demo-prod-assets');
  assert.equal(storage.Resources.Assets.DeletionPolicy, 'Retain');
  const logs = JSON.parse(out.stacks[1].template);
  assert.equal(logs.Resources.Logs.Properties.RetentionInDays, 30);
  assert.deepEqual(logs.Outputs.Bucket.Value, { 'Fn::ImportValue': 'prod-storage-Assets' });
  assert.equal(typeof out.manifest, 'string');
  assert.ok(out.stacks.every((s) => s.template.endsWith('}\n')));
  // defaults apply when params are left out; the entry defaults to main.cvl
  const defaults = cvl.compile(files);
  assert.deepEqual(errors(defaults), []);
  assert.equal(JSON.parse(defaults.stacks[0].template).Resources.Assets.DeletionPolicy, 'Delete');
  assert.match(cvl.toYaml(out.stacks[0].template), /DeletionPolicy: Retain/);
  assert.equal(cvl.toYaml(JSON.parse(out.stacks[0].template)), cvl.toYaml(out.stacks[0].template));
});

test('lists the params with types, allowed values, defaults and docs', () => {
  const { params, diagnostics } = cvl.params(files);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(params, [
    { name: 'env', type: '"beta" | "gamma" | "prod"', allowed: ['beta', 'gamma', 'prod'], default: '"beta"', doc: 'Which account to build for.' },
    { name: 'retention', type: 'int', allowed: [], default: '14', doc: 'How long logs are kept.' },
  ]);
});

test('bad input gives diagnostics with code, line, column and UTF-16 offsets', () => {
  // a non-ASCII character before the error: columns count characters, start/end UTF-16 units
  const broken = MAIN.replace('BucketName: naming', '"é😀": "x", BucketNam: naming');
  const out = cvl.compile({ ...files, 'main.cvl': broken }, { env: 'gamma' });
  assert.deepEqual(out.stacks, []);
  assert.equal(out.manifest, null);
  const d = out.diagnostics.find((x) => x.code === 'unknown-property' && x.message.includes('BucketNam`'));
  assert.ok(d, JSON.stringify(out.diagnostics, null, 2));
  assert.equal(d.file, 'main.cvl');
  assert.equal(d.severity, 'error');
  const lineText = broken.split('\n')[d.line - 1];
  assert.equal(d.line, broken.split('\n').findIndex((l) => l.includes('BucketNam:')) + 1);
  assert.equal(d.column, [...lineText.slice(0, lineText.indexOf('BucketNam:'))].length + 1);
  assert.equal(broken.slice(d.start, d.end), 'BucketNam');
  assert.equal(d.replacement, 'BucketName');
  assert.match(d.help ?? '', /BucketName/);

  const unknown = cvl.compile(files, { env: 'staging' });
  assert.ok(unknown.diagnostics.some((x) => x.code === 'invalid-param-value'), JSON.stringify(unknown.diagnostics));
  const syntax = cvl.compile({ 'main.cvl': 'stack {' });
  assert.equal(syntax.diagnostics[0].code, 'syntax-error');
  assert.equal(syntax.diagnostics[0].line, 1);
  assert.throws(() => cvl.compile('main.cvl'), TypeError);
});

test('deterministic: same input, same bytes, whatever the order of the files', () => {
  const a = cvl.compile(files, { env: 'gamma' });
  const b = cvl.compile({ 'lib/naming.cvl': NAMING, 'main.cvl': MAIN }, { env: 'gamma' });
  const c = cvl.compile(files, { env: 'gamma' });
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
  const broken = { 'main.cvl': MAIN.replace('retention,', 'retentoin,') };
  assert.deepEqual(cvl.compile(broken), cvl.compile(broken));
});

test('formats a file to the canonical layout, and refuses one that does not parse', () => {
  const { text, diagnostics } = cvl.format('let   x =  [1,2]\n');
  assert.deepEqual(diagnostics, []);
  assert.equal(text, 'let x = [1, 2]\n');
  assert.deepEqual(cvl.format(text), { text, diagnostics: [] });
  const bad = cvl.format('let x = \n', 'lib/a.cvl');
  assert.equal(bad.text, null);
  assert.equal(bad.diagnostics[0].file, 'lib/a.cvl');
});

test('the browser entry point works from bytes, and the example script runs', async () => {
  const web = await import(pathToFileURL(path.join(pkg, 'index.js')).href);
  assert.throws(() => web.compile(files), /init/);
  await web.init(fs.readFileSync(path.join(pkg, 'cvl_playground_bg.wasm')));
  assert.deepEqual(web.compile(files, { env: 'gamma' }), cvl.compile(files, { env: 'gamma' }));
  const run = spawnSync(process.execPath, [path.join(pkg, 'example/compile.mjs'), 'prod'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /"DeletionPolicy": "Retain"/);
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
  assert.equal(manifest.exports['.'].node, './node.js');
  for (const file of manifest.files.filter((f) => !f.endsWith('/'))) assert.ok(fs.existsSync(path.join(pkg, file)), file);
});
