// Hover and completion in the editor, from the compiler's IDE functions (`cvl::ide` through the
// glue's `hover` and `complete`, run in the worker; shapes in playground/README.md).
//
// Completion opens while a word is typed and after a `.`; the compiler says what the items
// replace and in which order they come (required properties first). Should the worker not offer
// them (`caps`), hover shows nothing beyond the diagnostics and completion falls back to the
// language's keywords, built-in types and built-in functions.
import { hoverTooltip } from '@codemirror/view';
import { autocompletion } from '@codemirror/autocomplete';
import { syntaxTree } from '@codemirror/language';
import { KEYWORDS, BUILTIN_TYPES, BUILTIN_FUNCTIONS } from './cvl-language.js';
import { renderMarkdown } from './markdown.js';

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

/// The compiler's items as CodeMirror options, in the compiler's order (its `sort` keys put
/// required properties first): the boost keeps that order among equally good matches.
function fromCompiler(items) {
  const ranked = items.map((item, i) => ({ item, i })).sort((a, b) => (a.item.sort < b.item.sort ? -1 : a.item.sort > b.item.sort ? 1 : a.i - b.i));
  return ranked.map(({ item }, rank) => ({
    label: item.label,
    type: item.kind,
    detail: item.detail ?? undefined,
    info: item.doc ? () => renderMarkdown(item.doc, 'cm-completion-doc') : undefined,
    apply: item.insert ?? undefined,
    boost: Math.max(-99, 99 - rank),
  }));
}

/**
 * @param {() => {compiler: object, files: () => Record<string,string>, file: string}} context
 */
export function ideExtensions(context) {
  const completion = async (ctx) => {
    const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
    const afterDot = !word && ctx.state.sliceDoc(ctx.pos - 1, ctx.pos) === '.';
    if (!ctx.explicit && !afterDot && (!word || word.from === word.to)) return null;
    if (inTextOrComment(ctx.state, ctx.pos)) return null;
    const { compiler, files, file } = context();
    let from = word ? word.from : ctx.pos;
    let options = null;
    if (compiler.caps.complete) {
      try {
        const items = await compiler.request('complete', { files: files(), file, offset: ctx.pos });
        if (Array.isArray(items)) {
          if (items.length > 0 && Number.isInteger(items[0].start) && items[0].start <= ctx.pos) from = items[0].start;
          options = fromCompiler(items);
        }
      } catch {
        // fall back to the lexical options
      }
    }
    if (options === null && afterDot) return null;
    return { from, options: options ?? lexicalOptions, validFor: /^[A-Za-z0-9_]*$/ };
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
        return { dom: renderMarkdown(info.text) };
      },
    };
  });

  return [autocompletion({ override: [completion], icons: false }), hover];
}
