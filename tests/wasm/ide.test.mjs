// The package's IDE functions and the resource graph (playground/dist-npm): hover and
// completion come from the compiler (`cvl::ide`), the graph from `cvl::cfn::graph` with where
// each resource is declared. Offsets are UTF-16, as in JavaScript strings.
//
// Needs scripts/build-wasm (playground/dist-npm, or CVL_NPM_PKG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = process.env.CVL_NPM_PKG ?? path.join(root, 'playground/dist-npm');
assert.ok(fs.existsSync(path.join(pkg, 'node.js')), `${pkg}/node.js is missing: run scripts/build-wasm`);
const cvl = await import(pathToFileURL(path.join(pkg, 'node.js')).href);

// a non-ASCII comment first: UTF-16 offsets differ from byte offsets after it
const MAIN = `// Ünïcode 😀 before everything
import std.vpc

/// Where the app's logs go.
let retention = 14

stack app {
  let network = vpc.Network { name: "demo" }
  resource Logs: AWS::Logs::LogGroup { RetentionInDays: retention }
  resource Topic: AWS::SNS::Topic { DisplayName: "logs in \${Logs}" }
  output logs_arn = Logs.Arn
}
`;
const files = { 'main.cvl': MAIN };
const at = (needle, plus = 0) => {
  const i = MAIN.indexOf(needle);
  assert.ok(i >= 0, needle);
  return i + plus;
};

test('hover over a resource type shows its CloudFormation doc and attributes', () => {
  const h = cvl.hover(files, 'main.cvl', at('Logs::LogGroup', 2));
  assert.ok(h, 'a hover');
  assert.match(h.text, /```cvl\nAWS::Logs::LogGroup\n```/);
  assert.match(h.text, /Attributes: .*`Arn`/);
  assert.ok(h.text.split('\n').length > 3, `a doc follows: ${h.text}`);
  assert.equal(MAIN.slice(h.start, h.end).includes('LogGroup'), true, MAIN.slice(h.start, h.end));
});

test('hover over a name shows its declaration and doc comment, at UTF-16 offsets', () => {
  const h = cvl.hover(files, 'main.cvl', at('retention }', 3));
  assert.ok(h);
  assert.match(h.text, /let retention: int/);
  assert.match(h.text, /Where the app's logs go\./);
  assert.equal(MAIN.slice(h.start, h.end), 'retention');
  const component = cvl.hover(files, 'main.cvl', at('Network {', 2));
  assert.match(component.text, /component Network \{/);
  assert.match(component.text, /param name: string/);
  assert.equal(cvl.hover(files, 'main.cvl', at('stack app', 6) + 100000), null, 'past the end: nothing');
  assert.equal(cvl.hover(files, 'missing.cvl', 0), null);
});

test('completion after a dot lists the resource\'s attributes', () => {
  const text = MAIN.replace('Logs.Arn', 'Logs.');
  const offset = text.indexOf('Logs.\n') + 'Logs.'.length;
  const items = cvl.complete({ 'main.cvl': text }, 'main.cvl', offset);
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('Arn'), labels.join(', '));
  assert.ok(!labels.includes('retention'), 'members only, not the names in scope');
  const arn = items.find((i) => i.label === 'Arn');
  assert.equal(arn.start, offset);
  assert.equal(arn.end, offset);
  assert.equal(typeof arn.sort, 'string');
});

test('completion at a property key offers the resource\'s properties, with their docs', () => {
  const text = MAIN.replace('{ RetentionInDays: retention }', '{ Rete }');
  const offset = text.indexOf('{ Rete }') + '{ Rete'.length;
  const items = cvl.complete({ 'main.cvl': text }, 'main.cvl', offset);
  const item = items.find((i) => i.label === 'RetentionInDays');
  assert.ok(item, items.map((i) => i.label).join(', '));
  assert.equal(item.kind, 'property');
  assert.equal(text.slice(item.start, item.end), 'Rete');
  assert.ok(item.doc && item.doc.length > 10, JSON.stringify(item));
  // a broken file and a wild offset: items or nothing, never a throw
  assert.ok(Array.isArray(cvl.complete({ 'main.cvl': 'stack {' }, 'main.cvl', 999)));
  assert.deepEqual(cvl.complete(files, 'missing.cvl', 0), []);
});

test('the graph: every resource with the place of its declaration, and the references', () => {
  const out = cvl.compile(files);
  assert.deepEqual(out.diagnostics.filter((d) => d.severity === 'error'), []);
  const template = JSON.parse(out.stacks[0].template);
  const nodes = out.graph.stacks[0].nodes;
  assert.deepEqual(nodes.map((n) => n.id), Object.keys(template.Resources));
  const topic = nodes.find((n) => n.id === 'Topic');
  assert.equal(topic.type, 'AWS::SNS::Topic');
  assert.equal(topic.decl.file, 'main.cvl');
  assert.equal(MAIN.slice(topic.decl.start, topic.decl.end), 'Topic');
  assert.equal(topic.decl.line, MAIN.split('\n').findIndex((l) => l.includes('resource Topic')) + 1);
  assert.deepEqual(topic.via, []);
  // a resource of std.vpc's component: declared in std/vpc.cvl, through the `let network`
  const vpc = nodes.find((n) => n.type === 'AWS::EC2::VPC');
  assert.equal(vpc.decl.file, 'std/vpc.cvl');
  assert.equal(vpc.via.length, 1);
  assert.equal(MAIN.slice(vpc.via[0].start, vpc.via[0].end), 'network');
  const sub = out.graph.edges.find((e) => e.from.id === 'Topic');
  assert.deepEqual(sub, { from: { stack: 'app', id: 'Topic' }, to: { stack: 'app', id: 'Logs' }, kinds: ['Sub'] });
  assert.equal(cvl.compile({ 'main.cvl': 'stack {' }).graph, null);
});
