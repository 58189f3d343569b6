// The package's API over the raw wasm-bindgen exports: JSON text in and out becomes objects in
// and out. Conversion only; the compiler does everything else. Shared by the package's entry
// points (index.js for browsers and bundlers, node.js for Node) and the playground's worker.

/**
 * @param {object} raw the wasm-bindgen module (`cvl_playground.js`), initialised
 */
export function wrap(raw) {
  const filesJson = (files) => {
    if (files === null || typeof files !== 'object') throw new TypeError('files must be an object of path to text');
    return JSON.stringify(files);
  };
  return {
    compile(files, params = {}, entry = 'main.cvl') {
      return JSON.parse(raw.compile(filesJson(files), entry, JSON.stringify(params ?? {})));
    },
    params(files, entry = 'main.cvl') {
      return JSON.parse(raw.params(filesJson(files), entry));
    },
    toYaml(template) {
      return raw.to_yaml(typeof template === 'string' ? template : JSON.stringify(template));
    },
    format(text, file = 'main.cvl') {
      return JSON.parse(raw.format(file, text));
    },
    hover(files, file, offset) {
      return JSON.parse(raw.hover(filesJson(files), file, offset));
    },
    complete(files, file, offset) {
      return JSON.parse(raw.complete(filesJson(files), file, offset));
    },
  };
}
