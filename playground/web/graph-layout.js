// A deterministic layout of the resource graph (the compiler's `graph`: stacks with their
// resources, and references between them) for an SVG picture. No DOM: positions only.
//
// Stacks are bands, one below the other in deploy order. Inside a stack, a resource that refers
// to nothing in its stack is in the first column; one that refers to others is one column right
// of the rightmost of them, so references point left, towards what CloudFormation creates
// first. Within a column, resources are ordered by the rows of what they refer to (then by
// declaration order), which keeps most edges short and uncrossed.

export const SIZES = Object.freeze({ nodeW: 196, nodeH: 40, gapX: 84, gapY: 10, pad: 14, head: 26, stackGap: 18 });

const key = (stack, id) => `${stack}\u0000${id}`;

/**
 * @param {{stacks: {name: string, nodes: {id: string, type: string}[]}[], edges: {from: {stack: string, id: string}, to: {stack: string, id: string}, kinds: string[]}[]}} graph
 * @returns {{width: number, height: number, stacks: object[], nodes: object[], edges: object[]}}
 */
export function layoutGraph(graph, sizes = SIZES) {
  const { nodeW, nodeH, gapX, gapY, pad, head, stackGap } = sizes;
  const targets = new Map(); // node key -> keys it refers to in its own stack
  for (const e of graph.edges) {
    if (e.from.stack !== e.to.stack) continue;
    const k = key(e.from.stack, e.from.id);
    if (!targets.has(k)) targets.set(k, []);
    targets.get(k).push(key(e.to.stack, e.to.id));
  }
  const placed = new Map(); // node key -> laid-out node
  const stacks = [];
  let y = 0;
  for (const stack of graph.stacks) {
    const order = new Map(stack.nodes.map((n, i) => [key(stack.name, n.id), i]));
    // column: 0 for a resource that refers to nothing in its stack, else 1 + its targets' max
    const column = new Map();
    const columnOf = (k, seen) => {
      if (column.has(k)) return column.get(k);
      if (seen.has(k)) return 0; // a cycle (CloudFormation rejects them): break it here
      seen.add(k);
      let c = 0;
      for (const t of targets.get(k) ?? []) if (order.has(t)) c = Math.max(c, columnOf(t, seen) + 1);
      seen.delete(k);
      column.set(k, c);
      return c;
    };
    for (const n of stack.nodes) columnOf(key(stack.name, n.id), new Set());
    const columns = Array.from({ length: Math.max(0, ...column.values()) + 1 }, () => []);
    for (const n of stack.nodes) columns[column.get(key(stack.name, n.id))].push(key(stack.name, n.id));
    // rows: the first column in declaration order, then each by its targets' mean row
    const row = new Map();
    columns.forEach((keys, c) => {
      const weight = (k) => {
        const rows = (targets.get(k) ?? []).filter((t) => row.has(t)).map((t) => row.get(t));
        return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Infinity;
      };
      const sorted = c === 0 ? keys : [...keys].sort((a, b) => weight(a) - weight(b) || order.get(a) - order.get(b));
      sorted.forEach((k, r) => row.set(k, r));
    });
    const tallest = Math.max(1, ...columns.map((keys) => keys.length));
    const top = y;
    const nodes = new Map(stack.nodes.map((n) => [key(stack.name, n.id), n]));
    for (const [k, n] of nodes) {
      const c = column.get(k);
      placed.set(k, {
        ...n,
        key: k,
        stack: stack.name,
        x: pad + c * (nodeW + gapX),
        y: top + head + row.get(k) * (nodeH + gapY),
        w: nodeW,
        h: nodeH,
      });
    }
    const width = pad * 2 + columns.length * nodeW + (columns.length - 1) * gapX;
    const height = head + tallest * nodeH + (tallest - 1) * gapY + pad;
    stacks.push({ name: stack.name, x: 0, y: top, w: width, h: stack.nodes.length ? height : head + pad });
    y = top + stacks[stacks.length - 1].h + stackGap;
  }
  const width = Math.max(nodeW + 2 * pad, ...stacks.map((s) => s.w));
  for (const s of stacks) s.w = width;
  const edges = [];
  for (const e of graph.edges) {
    const from = placed.get(key(e.from.stack, e.from.id));
    const to = placed.get(key(e.to.stack, e.to.id));
    if (!from || !to) continue;
    edges.push({ from: from.key, to: to.key, kinds: e.kinds, imported: from.stack !== to.stack, path: edgePath(from, to) });
  }
  return { width, height: Math.max(0, y - stackGap), stacks, nodes: [...placed.values()], edges };
}

/// From the referring node to the one it refers to: left side to right side when the target is
/// to the left, else a loop out of the left sides.
function edgePath(from, to) {
  const ay = from.y + from.h / 2;
  const by = to.y + to.h / 2;
  const r = (n) => Math.round(n * 10) / 10;
  if (to.x + to.w < from.x) {
    const ax = from.x;
    const bx = to.x + to.w;
    const mid = (ax - bx) / 2;
    return `M${r(ax)},${r(ay)} C${r(ax - mid)},${r(ay)} ${r(bx + mid)},${r(by)} ${r(bx)},${r(by)}`;
  }
  const ax = from.x;
  const bx = to.x;
  const out = 12 + Math.min(40, Math.abs(ay - by) / 6);
  return `M${r(ax)},${r(ay)} C${r(ax - out)},${r(ay)} ${r(bx - out)},${r(by)} ${r(bx)},${r(by)}`;
}
