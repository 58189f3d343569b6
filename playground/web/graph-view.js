// The resource graph as an SVG picture (layout in graph-layout.js). A click on a resource (or
// Enter on it) calls `onSelect(node)`; the page then shows its declaration in the editor.
import { layoutGraph } from './graph-layout.js';

const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text = null) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== null) e.textContent = text;
  return e;
}

/// `AWS::EC2::SecurityGroup` as `EC2::SecurityGroup` (every type in a template is AWS's).
const shortType = (type) => type.replace(/^AWS::/, '');
const clip = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * @param {HTMLElement} container emptied and filled with the picture
 * @param {object} graph the compiler's graph (`compile(...).graph`)
 * @param {{onSelect: (node: object) => void, describe: (node: object) => string}} handlers
 */
export function renderGraph(container, graph, { onSelect, describe }) {
  container.replaceChildren();
  const layout = layoutGraph(graph);
  if (layout.nodes.length === 0) {
    const p = document.createElement('p');
    p.className = 'graph-empty';
    p.textContent = 'No resources.';
    container.append(p);
    return layout;
  }
  const margin = 10;
  const svg = el('svg', {
    width: layout.width + 2 * margin,
    height: layout.height + 2 * margin,
    viewBox: `${-margin} ${-margin} ${layout.width + 2 * margin} ${layout.height + 2 * margin}`,
    role: 'img',
    'aria-label': `Resource graph: ${layout.nodes.length} resources in ${layout.stacks.length} stacks`,
  });
  const defs = el('defs');
  for (const [id, cls] of [['arrow', 'arrow'], ['arrow-hot', 'arrow hot']]) {
    const marker = el('marker', { id: `graph-${id}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
    defs.append(marker);
  }
  svg.append(defs);
  for (const s of layout.stacks) {
    const g = el('g', { class: 'graph-stack', 'data-stack': s.name });
    g.append(el('rect', { x: s.x, y: s.y, width: s.w, height: s.h, rx: 8 }));
    g.append(el('text', { x: s.x + 12, y: s.y + 17 }, `stack ${s.name}`));
    svg.append(g);
  }
  const edgeLayer = el('g', { class: 'graph-edges' });
  const edgesOf = new Map();
  for (const e of layout.edges) {
    const path = el('path', { d: e.path, class: e.imported ? 'edge imported' : 'edge', 'marker-end': 'url(#graph-arrow)' });
    path.append(el('title', {}, e.kinds.join(', ')));
    edgeLayer.append(path);
    for (const k of [e.from, e.to]) {
      if (!edgesOf.has(k)) edgesOf.set(k, []);
      edgesOf.get(k).push(path);
    }
  }
  svg.append(edgeLayer);
  for (const n of layout.nodes) {
    const g = el('g', {
      class: 'graph-node',
      transform: `translate(${n.x},${n.y})`,
      tabindex: 0,
      role: 'button',
      'data-stack': n.stack,
      'data-id': n.id,
      'aria-label': `${n.id} (${n.type}) in stack ${n.stack}`,
    });
    g.append(el('title', {}, `${n.id}\n${n.type}\n${describe(n)}`));
    g.append(el('rect', { width: n.w, height: n.h, rx: 6 }));
    g.append(el('text', { x: 10, y: 17, class: 'id' }, clip(n.id, 24)));
    g.append(el('text', { x: 10, y: 32, class: 'type' }, clip(shortType(n.type), 32)));
    const hot = (on) => {
      g.classList.toggle('hot', on);
      for (const p of edgesOf.get(n.key) ?? []) {
        p.classList.toggle('hot', on);
        p.setAttribute('marker-end', on ? 'url(#graph-arrow-hot)' : 'url(#graph-arrow)');
      }
    };
    g.addEventListener('pointerenter', () => hot(true));
    g.addEventListener('pointerleave', () => hot(false));
    g.addEventListener('click', () => onSelect(n));
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        onSelect(n);
      }
    });
    svg.append(g);
  }
  const legend = document.createElement('p');
  legend.className = 'graph-legend';
  legend.textContent = `${layout.nodes.length} resources, ${layout.edges.length} references. An arrow points from a resource to what it refers to (dashed: an import from another stack). Click a resource to see it in the source.`;
  container.append(legend, svg);
  return layout;
}
