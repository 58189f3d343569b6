// Hover and completion in the editor: the extension points for the compiler's IDE functions.
//
// Both ask the worker, which calls the glue's `hover` / `complete` when this build of the
// compiler exports them (`caps.hover`, `caps.complete`; shapes in playground/README.md). Until
// then hover shows nothing beyond the diagnostics, and completion offers the language's
// keywords, built-in types and built-in functions (lexical facts, as the highlighter uses).
import { hoverTooltip } from '@codemirror/view';
import { autocompletion } from '@codemirror/autocomplete';
import { syntaxTree } from '@codemirror/language';
import { KEYWORDS, BUILTIN_TYPES, BUILTIN_FUNCTIONS } from './cvl-language.js';

const lexicalOptions = [
  ...KEYWORDS.map((label) => ({ label, type: 'keyword' })),
  ...BUILTIN_TYPES.map((label) => ({ label, type: 'type' })),
  ...BUILTIN_FUNCTIONS.map((label) => ({ label, type: 'function', apply: `${label}(` })),
  { label: 'aws', type: 'namespace', detail: 'deploy-time values' },
];

/// Whether `pos` is inside a string or a comment (no completion there).
function inTextOrComment(state, pos) {
  const node = syntaxTree(state).resolveInner(pos, -1);
  return /string|comment/i.test(node.name);
}

/**
 * @param {() => {compiler: object, files: () => Record<string,string>, file: string}} context
 */
export function ideExtensions(context) {
  const completion = async (ctx) => {
    const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
    if (!ctx.explicit && (!word || word.from === word.to)) return null;
    if (inTextOrComment(ctx.state, ctx.pos)) return null;
    const { compiler, files, file } = context();
    let options = null;
    if (compiler.caps.complete) {
      try {
        const items = await compiler.request('complete', { files: files(), file, offset: ctx.pos });
        if (Array.isArray(items)) {
          options = items.map((i) => ({ label: i.label, type: i.kind, detail: i.detail ?? undefined, info: i.doc ?? undefined }));
        }
      } catch {
        // fall back to the lexical options
      }
    }
    return { from: word ? word.from : ctx.pos, options: options ?? lexicalOptions, validFor: /^[A-Za-z0-9_]*$/ };
  };

  const hover = hoverTooltip(async (view, pos) => {
    const { compiler, files, file } = context();
    if (!compiler.caps.hover) return null;
    let info = null;
    try {
      info = await compiler.request('hover', { files: files(), file, offset: pos });
    } catch {
      return null;
    }
    if (!info || !info.text) return null;
    return {
      pos: info.start ?? pos,
      end: info.end ?? pos,
      above: true,
      create() {
        const dom = document.createElement('div');
        dom.className = 'cm-hover-doc';
        dom.textContent = info.text;
        return { dom };
      },
    };
  });

  return [autocompletion({ override: [completion], icons: false }), hover];
}
