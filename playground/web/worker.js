// The compiler's thread: the WebAssembly runs here so that typing never waits for a build.
//
// Requests are `{id, type, ...}`; every reply is `{id, ok, result}` or `{id, ok: false, error}`.
// Compile requests coalesce: when several wait, only the newest runs (the page drops results
// older than its latest edit anyway, by sequence number).
import initWasm, * as raw from 'cvl-pkg';
import { wrap } from '../npm/core.js';

/* global __WASM_FILE__ */
/// Whether the glue has an export (looked up by name: a stale playground/pkg may lack one).
const has = (name) => typeof raw[name] === 'function';

const ready = initWasm({ module_or_path: new URL(__WASM_FILE__, import.meta.url) }).then(() => {
  const api = wrap(raw);
  // What this build of the compiler offers beyond compile/params/to_yaml.
  const caps = { format: has('format'), hover: has('hover'), complete: has('complete') };
  self.postMessage({ type: 'ready', caps });
  return { api, caps };
});
ready.catch((e) => self.postMessage({ type: 'failed', error: String(e?.message ?? e) }));

const handlers = {
  /// params and compile in one go: the page rebuilds its param selectors from the former.
  compile({ api }, { files, params, entry, yaml }) {
    const started = performance.now();
    const listed = api.params(files, entry);
    const result = api.compile(files, params, entry);
    const ms = performance.now() - started;
    if (yaml) {
      for (const stack of result.stacks) stack.yaml = api.toYaml(stack.template);
      if (result.manifest !== null) result.manifestYaml = api.toYaml(result.manifest);
    }
    return { ...result, params: listed.params, paramDiagnostics: listed.diagnostics, ms };
  },
  /// Templates (or the manifest) as YAML.
  yaml({ api }, { texts }) {
    return texts.map((text) => api.toYaml(text));
  },
  params({ api }, { files, entry }) {
    return api.params(files, entry);
  },
  format({ api, caps }, { text, file }) {
    return caps.format ? api.format(text, file) : null;
  },
  // The compiler's IDE functions (shapes in playground/npm/index.d.ts).
  hover({ api, caps }, { files, file, offset }) {
    return caps.hover ? api.hover(files, file, offset) : null;
  },
  complete({ api, caps }, { files, file, offset }) {
    return caps.complete ? api.complete(files, file, offset) : null;
  },
};

let waitingCompile = null;

async function run(message) {
  let wasm;
  try {
    wasm = await ready;
  } catch (e) {
    self.postMessage({ id: message.id, ok: false, error: `the compiler did not load: ${e?.message ?? e}` });
    return;
  }
  try {
    const result = handlers[message.type](wasm, message);
    self.postMessage({ id: message.id, ok: true, result });
  } catch (e) {
    // A panic in the compiler leaves the module unusable: the page starts a new worker.
    self.postMessage({ id: message.id, ok: false, crashed: true, error: String(e?.message ?? e) });
  }
}

self.onmessage = (event) => {
  const message = event.data;
  if (!(message.type in handlers)) {
    self.postMessage({ id: message.id, ok: false, error: `unknown request ${message.type}` });
    return;
  }
  if (message.type !== 'compile') {
    run(message);
    return;
  }
  if (waitingCompile) {
    // superseded before it ran
    self.postMessage({ id: waitingCompile.id, ok: true, result: null, superseded: true });
  }
  waitingCompile = message;
  setTimeout(() => {
    if (waitingCompile === message) {
      waitingCompile = null;
      run(message);
    }
  }, 0);
};
