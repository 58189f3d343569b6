// cvl for Node: the WebAssembly is loaded synchronously when this module is imported, so the
// functions can be called at once (`init()` exists for code shared with browsers).
import { readFileSync } from 'node:fs';
import * as raw from './cvl_playground.js';
import { wrap } from './core.js';

raw.initSync({ module: readFileSync(new URL('./cvl_playground_bg.wasm', import.meta.url)) });
const api = wrap(raw);

export const init = () => Promise.resolve();
export const compile = (files, params, entry) => api.compile(files, params, entry);
export const params = (files, entry) => api.params(files, entry);
export const toYaml = (template) => api.toYaml(template);
export const format = (text, file) => api.format(text, file);
export const hover = (files, file, offset) => api.hover(files, file, offset);
export const complete = (files, file, offset) => api.complete(files, file, offset);
