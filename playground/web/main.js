// The playground page: an editor on the left, the CloudFormation of each stack on the right,
// compiled in a Web Worker as you type. No compiler logic here: the page shows what the
// compiler (playground/src/lib.rs over the `cvl` crate) returns.
import './style.css';
import examples from 'cvl:examples';
import { EditorState, Compartment } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
} from '@codemirror/view';
import { defaultKeymap, history as undoHistory, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  syntaxHighlighting, bracketMatching, indentOnInput, indentUnit, StreamLanguage, foldGutter, codeFolding,
} from '@codemirror/language';
import { setDiagnostics, lintGutter, lintKeymap } from '@codemirror/lint';
import { closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { json } from '@codemirror/lang-json';
import { tags } from '@lezer/highlight';
import { yaml as yamlMode } from '@codemirror/legacy-modes/mode/yaml';
import { cvlLanguage, cvlHighlightStyle, countPlainComments } from './cvl-language.js';
import { encodeShare, decodeShare, sharePayload } from './share.js';
import { ideExtensions } from './ide.js';
import { renderGraph } from './graph-view.js';

/* global __WORKER_FILE__ */
const ENTRY = 'main.cvl';
const DEBOUNCE_MS = 150;
const $ = (id) => document.getElementById(id);

// --- the compiler, in a worker -----------------------------------------------------------------

class Compiler {
  constructor(onReady) {
    this.onReady = onReady;
    this.nextId = 1;
    this.waiting = new Map();
    this.caps = {};
    this.start();
  }

  start() {
    this.worker = new Worker(new URL(__WORKER_FILE__, import.meta.url), { type: 'module' });
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => this.failAll(`the compiler did not start: ${e.message ?? 'worker error'}`);
  }

  receive(m) {
    if (m.type === 'ready') {
      this.caps = m.caps;
      this.onReady(m.caps);
      return;
    }
    if (m.type === 'failed') {
      this.failAll(`the compiler did not load: ${m.error}`);
      return;
    }
    const w = this.waiting.get(m.id);
    this.waiting.delete(m.id);
    if (!w) return;
    if (m.ok) {
      w.resolve(m.result);
    } else {
      w.reject(new Error(m.error));
      if (m.crashed) this.restart();
    }
  }

  failAll(message) {
    for (const w of this.waiting.values()) w.reject(new Error(message));
    this.waiting.clear();
  }

  restart() {
    this.worker.terminate();
    this.failAll('the compiler restarted');
    this.start();
  }

  request(type, payload) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...payload });
    });
  }
}

// --- state -------------------------------------------------------------------------------------

const state = {
  files: new Map(), // name -> EditorState (the active file's live state is view.state)
  active: ENTRY,
  example: null, // the example the code came from, for the URL
  paramInfo: [], // the entry file's params, from the last listing
  paramValues: {}, // values chosen in the selectors or given by the URL
  seq: 0, // bumped by every edit and every param change: older results are dropped
  diagnostics: [],
  output: null, // the last successful build: { stacks, manifest, manifestYaml, graph }
  failed: false,
  tab: null, // 'stack:<name>', 'manifest' or 'graph'
  format: 'json',
  ms: null,
};

let compiler;
let view;
let outputView;
const outputLanguage = new Compartment();
// YAML keys look like JSON's property names; its booleans like JSON's.
const yamlLanguage = StreamLanguage.define({ ...yamlMode, tokenTable: { atom: tags.propertyName, keyword: tags.bool } });

const currentFiles = () => {
  const files = {};
  for (const [name, s] of state.files) files[name] = (name === state.active ? view.state : s).doc.toString();
  return files;
};

// --- the editor --------------------------------------------------------------------------------

const editorTheme = EditorView.theme({
  '&': { height: '100%', fontSize: '13px', backgroundColor: '#fff' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-gutters': { backgroundColor: '#fafbfc', borderRight: '1px solid var(--line)', color: '#9aa3af' },
  '.cm-activeLine': { backgroundColor: '#f5f8ff' },
  '.cm-activeLineGutter': { backgroundColor: '#eef3ff', color: '#4b5563' },
  '&.cm-focused': { outline: 'none' },
  '.cm-tooltip': { fontFamily: 'var(--sans)', fontSize: '12.5px', borderRadius: '6px' },
  '.cm-diagnostic': { fontFamily: 'var(--sans)' },
});

function editorExtensions() {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    undoHistory(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    indentUnit.of('  '),
    EditorState.tabSize.of(2),
    cvlLanguage,
    syntaxHighlighting(cvlHighlightStyle),
    lintGutter(),
    ideExtensions(() => ({ compiler, files: currentFiles, file: state.active })),
    keymap.of([
      { key: 'Shift-Alt-f', run: () => (formatActive(), true) },
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      ...completionKeymap,
      ...lintKeymap,
      indentWithTab,
    ]),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) onEdit();
    }),
    editorTheme,
  ];
}

function outputExtensions() {
  return [
    lineNumbers(),
    codeFolding(),
    foldGutter(),
    highlightSelectionMatches(),
    keymap.of([...defaultKeymap, ...searchKeymap]),
    EditorState.readOnly.of(true),
    EditorView.editable.of(true), // focusable, selectable, searchable; read-only
    EditorView.contentAttributes.of({ 'aria-label': 'CloudFormation template', 'aria-readonly': 'true' }),
    outputLanguage.of(json()),
    syntaxHighlighting(cvlHighlightStyle),
    editorTheme,
  ];
}

// --- loading a project -------------------------------------------------------------------------

const mainFirst = ([a], [b]) => (a === ENTRY ? -1 : b === ENTRY ? 1 : a < b ? -1 : a > b ? 1 : 0);

function loadProject({ files, params, example }) {
  state.files = new Map(
    Object.entries(files).sort(mainFirst).map(([name, text]) => [name, EditorState.create({ doc: text, extensions: editorExtensions() })]),
  );
  if (state.files.size === 0) state.files.set(ENTRY, EditorState.create({ doc: '', extensions: editorExtensions() }));
  state.active = state.files.has(ENTRY) ? ENTRY : state.files.keys().next().value;
  view.setState(state.files.get(state.active));
  state.example = example;
  state.paramValues = { ...params };
  state.paramInfo = []; // the new project's come with its first build
  renderParams();
  state.output = null;
  state.tab = null;
  state.diagnostics = [];
  $('example').value = example ?? '';
  renderFileTabs();
  renderOutput();
  compileNow();
}

function switchFile(name) {
  if (name === state.active || !state.files.has(name)) return;
  state.files.set(state.active, view.state);
  state.active = name;
  view.setState(state.files.get(name));
  renderFileTabs();
  renderLint();
}

function renderFileTabs() {
  const tabs = $('file-tabs');
  tabs.replaceChildren();
  tabs.hidden = state.files.size < 2;
  for (const name of state.files.keys()) {
    const b = document.createElement('button');
    b.className = 'tab';
    b.textContent = name;
    b.setAttribute('role', 'tab');
    b.setAttribute('aria-selected', String(name === state.active));
    b.onclick = () => switchFile(name);
    tabs.append(b);
  }
}

// --- compiling ---------------------------------------------------------------------------------

let timer = null;

function onEdit() {
  state.seq++;
  document.body.classList.add('pending');
  clearTimeout(timer);
  timer = setTimeout(compileNow, DEBOUNCE_MS);
}

/// The param values to compile with: the chosen ones that the entry file declares (all of them
/// while it declares none that we know of), and the first allowed value of a literal union
/// without default (such a param must be set, and its selector shows that value).
function effectiveParams() {
  if (state.paramInfo.length === 0) return { ...state.paramValues };
  const values = {};
  for (const p of state.paramInfo) {
    const chosen = state.paramValues[p.name];
    if (p.allowed.length > 0) {
      if (chosen !== undefined && p.allowed.includes(chosen)) values[p.name] = chosen;
      else if (p.default === null) values[p.name] = p.allowed[0];
    } else if (chosen !== undefined && chosen !== '') {
      values[p.name] = chosen;
    }
  }
  return values;
}

async function compileNow(again = 0) {
  clearTimeout(timer);
  const seq = ++state.seq;
  const params = effectiveParams();
  let result;
  try {
    result = await compiler.request('compile', { files: currentFiles(), params, entry: ENTRY, yaml: state.format === 'yaml' });
  } catch (e) {
    if (seq === state.seq) showCrash(e.message);
    return;
  }
  if (result === null || seq !== state.seq) return; // superseded by a newer edit
  applyParams(result.params, result.paramDiagnostics);
  // A new param (or a fixed one) may change what to send: compile again with it, once.
  if (again < 2 && JSON.stringify(effectiveParams()) !== JSON.stringify(params)) {
    compileNow(again + 1);
    return;
  }
  document.body.classList.remove('pending');
  state.diagnostics = result.diagnostics;
  state.failed = result.diagnostics.some((d) => d.severity === 'error');
  state.ms = result.ms;
  if (!state.failed) state.output = { stacks: result.stacks, manifest: result.manifest, manifestYaml: result.manifestYaml, graph: result.graph ?? null };
  renderDiagnostics();
  renderLint();
  renderOutput();
}

function showCrash(message) {
  document.body.classList.remove('pending');
  state.failed = true;
  state.diagnostics = [
    { code: 'internal', severity: 'error', message: `the compiler stopped: ${message}`, file: null, line: null, column: null, help: 'this is a bug in cvl: the compiler has been restarted, edit the code to try again' },
  ];
  renderDiagnostics();
  renderLint();
  renderOutput();
}

// --- params ------------------------------------------------------------------------------------

/// The literal a default like `"beta"` stands for, when it is one.
const defaultLiteral = (p) => {
  try {
    const v = p.default === null ? null : JSON.parse(p.default);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
};

function applyParams(list, diagnostics) {
  // While the file does not parse, keep the selectors as they are.
  if (list.length === 0 && diagnostics.some((d) => d.severity === 'error')) return;
  const same = JSON.stringify(list) === JSON.stringify(state.paramInfo);
  state.paramInfo = list;
  if (!same) renderParams();
}

function renderParams() {
  const box = $('params');
  box.replaceChildren();
  for (const p of state.paramInfo) {
    const label = document.createElement('label');
    label.className = 'param';
    label.title = [p.doc, `${p.name}: ${p.type}${p.default !== null ? ` = ${p.default}` : ''}`].filter(Boolean).join('\n');
    const name = document.createElement('span');
    name.textContent = p.name;
    label.append(name);
    let input;
    const chosen = state.paramValues[p.name];
    if (p.allowed.length > 0 || p.type === 'bool') {
      input = document.createElement('select');
      const allowed = p.allowed.length > 0 ? p.allowed : ['true', 'false'];
      for (const v of allowed) input.append(new Option(v, v));
      const fallback = p.type === 'bool' ? p.default ?? 'false' : defaultLiteral(p) ?? allowed[0];
      input.value = chosen !== undefined && allowed.includes(chosen) ? chosen : fallback;
      input.onchange = () => setParam(p.name, input.value);
    } else {
      input = document.createElement('input');
      input.type = 'text';
      input.spellcheck = false;
      input.placeholder = p.default ?? p.type;
      input.value = chosen ?? '';
      input.size = Math.min(18, Math.max(8, (input.value || input.placeholder).length + 1));
      input.oninput = () => setParam(p.name, input.value, true);
    }
    input.name = p.name;
    input.dataset.param = p.name;
    label.append(input);
    box.append(label);
  }
}

function setParam(name, value, debounce = false) {
  state.paramValues[name] = value;
  if (value === '') delete state.paramValues[name];
  updateUrl();
  if (debounce) onEdit();
  else compileNow();
}

/// `?example=<name>&<param>=<value>...` for a page that shows an example.
function updateUrl() {
  if (state.example === null) return;
  const q = new URLSearchParams({ example: state.example });
  for (const [k, v] of Object.entries(state.paramValues)) q.set(k, v);
  window.history.replaceState(null, '', `${location.pathname}?${q}`);
}

// --- diagnostics -------------------------------------------------------------------------------

/// Text with `code` spans for the parts in backticks.
function richText(text) {
  const frag = document.createDocumentFragment();
  text.split('`').forEach((part, i) => {
    if (i % 2 === 1) {
      const c = document.createElement('code');
      c.textContent = part;
      frag.append(c);
    } else if (part) {
      frag.append(part);
    }
  });
  return frag;
}

function renderDiagnostics() {
  const list = $('problem-list');
  list.replaceChildren();
  const errors = state.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = state.diagnostics.length - errors;
  const title = $('problems-count');
  title.textContent = errors + warnings === 0 ? 'No problems' : [errors && `${errors} error${errors > 1 ? 's' : ''}`, warnings && `${warnings} warning${warnings > 1 ? 's' : ''}`].filter(Boolean).join(', ');
  $('problems').dataset.state = errors ? 'error' : warnings ? 'warning' : 'ok';
  for (const d of state.diagnostics) {
    const li = document.createElement('li');
    li.className = `diag ${d.severity}`;
    const b = document.createElement('button');
    b.type = 'button';
    const meta = document.createElement('span');
    meta.className = 'meta';
    const code = document.createElement('span');
    code.className = 'code';
    code.textContent = d.code;
    const loc = document.createElement('span');
    loc.className = 'loc';
    loc.textContent = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column}` : ''}` : '';
    meta.append(code, loc);
    const msg = document.createElement('span');
    msg.className = 'msg';
    msg.append(richText(d.message));
    b.append(msg, meta);
    if (d.help) {
      const help = document.createElement('span');
      help.className = 'help';
      help.append('help: ', richText(d.help));
      b.append(help);
    }
    b.onclick = () => reveal(d);
    li.append(b);
    list.append(li);
  }
}

/// Puts the cursor on a diagnostic's place (opening its file when it is one of the project's).
function reveal(d) {
  if (!d.file || d.start === null) return;
  if (!state.files.has(d.file)) {
    toast(`${d.file} is part of the standard library, not of this project`);
    return;
  }
  switchFile(d.file);
  const len = view.state.doc.length;
  const from = Math.min(d.start, len);
  const to = Math.min(Math.max(d.end ?? from, from), len);
  view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
  view.focus();
}

function renderLint() {
  const len = view.state.doc.length;
  const diagnostics = state.diagnostics
    .filter((d) => d.file === state.active && d.start !== null)
    .map((d) => {
      const from = Math.min(d.start, len);
      const to = Math.min(Math.max(d.end ?? from, from), len);
      return {
        from,
        to,
        severity: d.severity === 'error' ? 'error' : 'warning',
        source: d.code,
        message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
        actions: d.replacement !== null && d.replacement !== undefined
          ? [{ name: `Replace with ${d.replacement}`, apply: (v, f, t) => v.dispatch({ changes: { from: f, to: t, insert: d.replacement } }) }]
          : [],
      };
    });
  view.dispatch(setDiagnostics(view.state, diagnostics));
}

// --- output ------------------------------------------------------------------------------------

function outputFiles() {
  const out = state.output;
  if (!out) return [];
  const yaml = state.format === 'yaml';
  const files = out.stacks.map((s) => ({
    key: `stack:${s.name}`,
    label: s.name,
    file: `${s.name}.template.${yaml ? 'yaml' : 'json'}`,
    text: yaml ? s.yaml : s.template,
  }));
  if (out.manifest !== null) files.push({ key: 'manifest', label: 'manifest', file: `manifest.${yaml ? 'yaml' : 'json'}`, text: yaml ? out.manifestYaml : out.manifest });
  return files;
}

function renderOutput() {
  const files = outputFiles();
  const graph = state.output?.graph ?? null;
  if (graph) files.push({ key: 'graph', label: 'graph', file: 'the resource graph' });
  if (!files.some((f) => f.key === state.tab)) state.tab = files[0]?.key ?? null;
  const tabs = $('stack-tabs');
  tabs.replaceChildren();
  for (const f of files) {
    const b = document.createElement('button');
    b.className = 'tab';
    b.setAttribute('role', 'tab');
    b.setAttribute('aria-selected', String(f.key === state.tab));
    b.dataset.key = f.key;
    b.title = f.file;
    b.textContent = f.label;
    if (f.key === 'manifest') b.classList.add('manifest');
    if (f.key === 'graph') b.classList.add('graph-tab');
    b.onclick = () => {
      state.tab = f.key;
      renderOutput();
      outputView.scrollDOM.scrollTop = 0;
    };
    tabs.append(b);
  }
  const shown = files.find((f) => f.key === state.tab);
  const showGraph = shown?.key === 'graph';
  $('graph').hidden = !showGraph;
  $('output').hidden = showGraph;
  $('format-toggle').hidden = showGraph;
  if (showGraph && drawnGraph !== graph) {
    drawnGraph = graph;
    renderGraph($('graph'), graph, { onSelect: revealResource, describe: (n) => placeText(sourcePlace(n)) });
  }
  const text = showGraph ? '' : shown?.text ?? '';
  if (outputView.state.doc.toString() !== text) {
    outputView.dispatch({ changes: { from: 0, to: outputView.state.doc.length, insert: text } });
  }
  const stacks = state.output?.stacks.length ?? 0;
  const empty = $('output-empty');
  empty.hidden = Boolean(shown);
  empty.textContent = state.output
    ? 'This project declares no stacks.'
    : state.failed
      ? 'No templates yet: fix the errors listed under the editor.'
      : 'Compiling…';
  $('stale').hidden = !(state.failed && state.output);
  $('output').classList.toggle('is-stale', state.failed && Boolean(state.output));
  $('graph').classList.toggle('is-stale', state.failed && Boolean(state.output));
  const built = state.failed ? 'build failed' : `${stacks} stack${stacks === 1 ? '' : 's'}`;
  $('status').textContent = state.ms === null ? '' : `${built} · ${Math.round(state.ms)} ms`;
  $('download').disabled = !state.output;
}

let drawnGraph = null;

/// Where a resource of the graph is shown in the editor: its declaration when that is in one of
/// the project's files, else the innermost component instance in them that it comes from
/// (a resource of a standard-library component shows the `let` that instantiates it).
function sourcePlace(node) {
  const open = (p) => p && p.start !== null && state.files.has(p.file);
  if (open(node.decl)) return node.decl;
  return [...(node.via ?? [])].reverse().find(open) ?? null;
}

const placeText = (p) => (p ? `${p.file}:${p.line}:${p.column}` : 'declared in the standard library');

function revealResource(node) {
  const place = sourcePlace(node);
  if (!place) {
    toast(`${node.id} is declared in ${node.decl?.file ?? 'the standard library'}, not in this project`);
    return;
  }
  reveal(place);
}

function setFormat(format) {
  if (format === state.format) return;
  state.format = format;
  for (const b of document.querySelectorAll('#format-toggle button')) b.setAttribute('aria-pressed', String(b.dataset.format === format));
  outputView.dispatch({ effects: outputLanguage.reconfigure(format === 'yaml' ? yamlLanguage : json()) });
  renderOutput();
  const out = state.output;
  if (format === 'yaml' && out && out.stacks.some((s) => s.yaml === undefined)) {
    // The last good build was compiled for JSON: convert it (the code may not compile now).
    const texts = [...out.stacks.map((s) => s.template), ...(out.manifest === null ? [] : [out.manifest])];
    compiler.request('yaml', { texts }).then((yaml) => {
      if (state.output !== out) return;
      out.stacks.forEach((s, i) => (s.yaml = yaml[i]));
      if (out.manifest !== null) out.manifestYaml = yaml[out.stacks.length];
      renderOutput();
    }, (e) => toast(`YAML failed: ${e.message}`));
  }
}

// --- format, share, download -------------------------------------------------------------------

async function formatActive() {
  if (!compiler.caps.format) return;
  const text = view.state.doc.toString();
  let r;
  try {
    r = await compiler.request('format', { text, file: state.active });
  } catch (e) {
    toast(`Formatting failed: ${e.message}`);
    return;
  }
  if (!r || view.state.doc.toString() !== text) return;
  if (r.text === null) {
    toast('The file has syntax errors: fix them to format it.');
    return;
  }
  if (r.text === text) {
    toast('Already formatted.');
    return;
  }
  const apply = () => {
    if (view.state.doc.toString() !== text) return;
    view.dispatch({ changes: { from: 0, to: text.length, insert: r.text }, userEvent: 'format' });
    toast('Formatted.');
  };
  // The printer of this compiler version does not keep plain `//` comments: ask first.
  const lost = countPlainComments(text) - countPlainComments(r.text);
  if (lost > 0) {
    toast(`Formatting would drop ${lost} // comment${lost > 1 ? 's' : ''}: this version of the formatter does not keep them.`, {
      label: 'Format anyway',
      run: apply,
    });
  } else {
    apply();
  }
}

async function share() {
  const payload = await encodeShare({ files: currentFiles(), params: { ...state.paramValues } });
  const url = `${location.href.split(/[?#]/)[0]}#code=${payload}`;
  window.history.replaceState(null, '', url);
  const input = $('share-url');
  input.value = url;
  $('share-pop').hidden = false;
  input.focus();
  input.select();
  let note = 'Anyone with this link sees this code.';
  try {
    await navigator.clipboard.writeText(url);
    note = 'Copied to the clipboard.';
  } catch {
    // the clipboard may be unavailable: the link is selected for copying by hand
  }
  $('share-note').textContent = `${note} ${url.length.toLocaleString()} characters.`;
}

function download(name, text, type) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function renderDownloads() {
  const list = $('download-list');
  list.replaceChildren();
  const files = outputFiles();
  const type = state.format === 'yaml' ? 'application/yaml' : 'application/json';
  for (const f of files) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = f.file;
    b.onclick = () => download(f.file, f.text, type);
    list.append(b);
  }
  if (state.output) {
    const all = document.createElement('button');
    all.type = 'button';
    all.className = 'all';
    all.textContent = 'All stacks, one JSON file';
    all.onclick = () => {
      const out = state.output;
      const combined = { stacks: Object.fromEntries(out.stacks.map((s) => [s.name, JSON.parse(s.template)])), manifest: out.manifest === null ? null : JSON.parse(out.manifest) };
      download(`${state.example ?? 'cvl'}-templates.json`, `${JSON.stringify(combined, null, 2)}\n`, 'application/json');
    };
    list.append(all);
  }
}

let toastTimer = null;
/// A message at the bottom for a few seconds, with an optional action button.
function toast(message, action = null) {
  const t = $('toast');
  t.replaceChildren(message);
  if (action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = action.label;
    b.onclick = () => {
      t.hidden = true;
      action.run();
    };
    t.append(b);
  }
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.hidden = true), action ? 8000 : 4000);
}

// --- layout ------------------------------------------------------------------------------------

function setupSplitter() {
  const panes = $('panes');
  const splitter = $('splitter');
  const set = (ratio) => panes.style.setProperty('--split', `${Math.min(80, Math.max(20, ratio)).toFixed(1)}%`);
  splitter.addEventListener('pointerdown', (e) => {
    splitter.setPointerCapture(e.pointerId);
    const rect = panes.getBoundingClientRect();
    const move = (ev) => set(((ev.clientX - rect.left) / rect.width) * 100);
    const up = () => {
      splitter.removeEventListener('pointermove', move);
      splitter.removeEventListener('pointerup', up);
    };
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', up);
  });
  splitter.addEventListener('keydown', (e) => {
    const current = parseFloat(getComputedStyle(panes).getPropertyValue('--split')) || 50;
    if (e.key === 'ArrowLeft') set(current - 5);
    if (e.key === 'ArrowRight') set(current + 5);
  });
}

function setupMenus() {
  const menu = $('download-list');
  $('download').onclick = (e) => {
    e.stopPropagation();
    if (menu.hidden) renderDownloads();
    menu.hidden = !menu.hidden;
    $('share-pop').hidden = true;
  };
  $('share').onclick = (e) => {
    e.stopPropagation();
    menu.hidden = true;
    share();
  };
  $('share-close').onclick = () => ($('share-pop').hidden = true);
  document.addEventListener('click', (e) => {
    if (!menu.contains(e.target)) menu.hidden = true;
    if (!$('share-pop').contains(e.target)) $('share-pop').hidden = true;
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      menu.hidden = true;
      $('share-pop').hidden = true;
    }
  });
  $('format').onclick = () => formatActive();
  for (const b of document.querySelectorAll('#format-toggle button')) b.onclick = () => setFormat(b.dataset.format);
}

function setupExamples() {
  const select = $('example');
  const custom = new Option('(your code)', '');
  custom.disabled = true;
  select.append(custom);
  for (const ex of examples) {
    const o = new Option(ex.title ? `${ex.name}: ${ex.title}` : ex.name, ex.name);
    if (ex.summary) o.title = ex.summary;
    select.append(o);
  }
  select.onchange = () => {
    const ex = examples.find((e) => e.name === select.value);
    if (!ex) return;
    loadProject({ files: ex.files, params: {}, example: ex.name });
    updateUrl();
  };
}

/// What the URL asks for: `#code=` (a share link), else `?example=<name>&<param>=<value>`, else
/// the first example.
async function initialProject() {
  const payload = sharePayload(location.hash);
  if (payload) {
    try {
      const p = await decodeShare(payload);
      return { files: p.files, params: p.params, example: null };
    } catch (e) {
      toast(`The link's code could not be read (${e.message}): showing an example instead.`);
    }
  }
  const query = new URLSearchParams(location.search);
  const name = query.get('example');
  const params = {};
  for (const [k, v] of query) if (k !== 'example') params[k] = v;
  let ex = examples.find((e) => e.name === name);
  if (name && !ex) toast(`There is no example named “${name}”.`);
  ex ??= examples[0];
  return { files: ex.files, params: ex.name === name ? params : {}, example: ex.name };
}

async function main() {
  view = new EditorView({ parent: $('editor') });
  outputView = new EditorView({ parent: $('output'), state: EditorState.create({ doc: '', extensions: outputExtensions() }) });
  compiler = new Compiler((caps) => {
    $('format').hidden = !caps.format;
  });
  setupExamples();
  setupMenus();
  setupSplitter();
  loadProject(await initialProject());
  view.focus();
  // For tests and the curious: the whole texts (the editors only render what is visible).
  window.playground = {
    code: () => view.state.doc.toString(),
    output: () => outputView.state.doc.toString(),
    files: currentFiles,
    examples: examples.map((e) => e.name),
    cursor: () => ({ file: state.active, line: view.state.doc.lineAt(view.state.selection.main.head).number }),
    coordsAt: (pos) => {
      const c = view.coordsAtPos(pos);
      return c ? { x: (c.left + c.right) / 2, y: (c.top + c.bottom) / 2 } : null;
    },
  };
}

main();
