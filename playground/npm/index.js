// cvl for browsers and bundlers: `await init()` once (it fetches cvl_playground_bg.wasm next to
// this file, or takes what you pass), then call the functions. See README.md and index.d.ts.
import initWasm, * as raw from './cvl_playground.js';
import { wrap } from './core.js';

let api = null;
let pending = null;

export function init(input) {
  if (api) return Promise.resolve();
  pending ??= initWasm(input === undefined ? undefined : { module_or_path: input }).then(() => {
    api = wrap(raw);
  });
  return pending;
}

function ready() {
  if (!api) throw new Error('cvl: call `await init()` before using the compiler');
  return api;
}

export const compile = (files, params, entry) => ready().compile(files, params, entry);
export const params = (files, entry) => ready().params(files, entry);
export const toYaml = (template) => ready().toYaml(template);
export const format = (text, file) => ready().format(text, file);
export const hover = (files, file, offset) => ready().hover(files, file, offset);
export const complete = (files, file, offset) => ready().complete(files, file, offset);
