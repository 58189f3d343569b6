// The graph picture's layout (playground/web/graph-layout.js), under node: on the graphs the
// compiler gives for every example, nodes never overlap, each stays inside its stack's band,
// references inside a stack point left, and the same graph gives the same picture.
//
// Needs the wasm for node (target-wasm/node-pkg, or CVL_WASM_PKG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { layoutGraph } = await import(pathToFileURL(path.join(root, 'playground/web/graph-layout.js')).href);
const wasmPkg = process.env.CVL_WASM_PKG ?? path.join(root, 'target-wasm/node-pkg');
const wasm = createRequire(import.meta.url)(path.join(wasmPkg, 'cvl_playground.js'));

function readProject(dir, prefix = '', files = {}) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) readProject(full, `${prefix}${entry.name}/`, files);
    else if (entry.name.endsWith('.cvl')) files[`${prefix}${entry.name}`] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

const examplesDir = path.join(root, 'examples');
const graphs = fs
  .readdirSync(examplesDir)
  .filter((e) => fs.existsSync(path.join(examplesDir, e, 'main.cvl')))
  .sort()
  .map((name) => {
    const files = readProject(path.join(examplesDir, name));
    const env = JSON.parse(wasm.params(JSON.stringify(files), 'main.cvl')).params.find((p) => p.name === 'env');
    const params = env ? { env: env.allowed.at(-1) } : {};
    return { name, graph: JSON.parse(wasm.compile(JSON.stringify(files), 'main.cvl', JSON.stringify(params))).graph };
  });

const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('every example: no overlaps, nodes inside their stack, references inside a stack point left', () => {
  assert.ok(graphs.length > 0, 'examples');
  for (const { name, graph } of graphs) {
    assert.ok(graph, `${name} builds`);
    const layout = layoutGraph(graph);
    const count = graph.stacks.reduce((n, s) => n + s.nodes.length, 0);
    assert.equal(layout.nodes.length, count, name);
    for (let i = 0; i < layout.nodes.length; i++) {
      for (let j = i + 1; j < layout.nodes.length; j++) {
        assert.ok(!overlap(layout.nodes[i], layout.nodes[j]), `${name}: ${layout.nodes[i].id} and ${layout.nodes[j].id} overlap`);
      }
    }
    for (let i = 0; i + 1 < layout.stacks.length; i++) assert.ok(!overlap(layout.stacks[i], layout.stacks[i + 1]), `${name}: stack bands overlap`);
    const stackOf = new Map(layout.stacks.map((s) => [s.name, s]));
    for (const n of layout.nodes) {
      const s = stackOf.get(n.stack);
      assert.ok(n.x >= s.x && n.x + n.w <= s.x + s.w && n.y >= s.y && n.y + n.h <= s.y + s.h, `${name}: ${n.id} is outside stack ${n.stack}`);
      assert.ok(n.x + n.w <= layout.width && n.y + n.h <= layout.height, `${name}: ${n.id} is outside the picture`);
    }
    const byKey = new Map(layout.nodes.map((n) => [n.key, n]));
    for (const e of layout.edges) {
      const [from, to] = [byKey.get(e.from), byKey.get(e.to)];
      if (!e.imported) assert.ok(to.x < from.x, `${name}: ${from.id} -> ${to.id} does not point left`);
      assert.match(e.path, /^M[\d.]+,[\d.]+ C/);
    }
    assert.equal(layout.edges.length, graph.edges.length, `${name}: every edge is drawn`);
  }
});

test('deterministic: the same graph, the same picture', () => {
  for (const { graph } of graphs) assert.deepEqual(layoutGraph(structuredClone(graph)), layoutGraph(graph));
});

test('small cases: an empty stack, a cycle, an edge to a missing node', () => {
  const graph = {
    stacks: [{ name: 'empty', nodes: [] }, { name: 's', nodes: [{ id: 'A', type: 'T' }, { id: 'B', type: 'T' }] }],
    edges: [
      { from: { stack: 's', id: 'A' }, to: { stack: 's', id: 'B' }, kinds: ['Ref'] },
      { from: { stack: 's', id: 'B' }, to: { stack: 's', id: 'A' }, kinds: ['Ref'] },
      { from: { stack: 's', id: 'A' }, to: { stack: 's', id: 'Gone' }, kinds: ['Ref'] },
    ],
  };
  const layout = layoutGraph(graph);
  assert.equal(layout.nodes.length, 2);
  assert.equal(layout.edges.length, 2, 'the edge to a missing node is left out');
  assert.ok(!overlap(layout.nodes[0], layout.nodes[1]));
  assert.ok(layout.stacks[0].h > 0 && layout.stacks[1].y >= layout.stacks[0].y + layout.stacks[0].h);
});
