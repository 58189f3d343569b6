// cvl for CodeMirror 6: a stream tokenizer (keywords, strings with `${}` interpolation,
// triple-quoted strings, `//` and `///` comments, numbers, CloudFormation resource types such as
// AWS::S3::Bucket) and a highlight style. Lexical only: the compiler (in the worker) does the rest.
import { StreamLanguage, HighlightStyle, StringStream } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

// The lexical facts below follow docs/language.md ("Lexical structure", "Built-in functions").
export const KEYWORDS = [
  'as', 'check', 'component', 'else', 'export', 'false', 'fn', 'for', 'if', 'import', 'in', 'let',
  'match', 'null', 'output', 'param', 'resource', 'stack', 'tags', 'true', 'type', 'with',
];
export const BUILTIN_TYPES = ['string', 'int', 'number', 'bool', 'map'];
export const BUILTIN_FUNCTIONS = [
  'len', 'keys', 'values', 'contains', 'upper', 'lower', 'replace', 'to_string', 'to_json', 'min',
  'max', 'flatten', 'join', 'split', 'select', 'cidr', 'base64', 'import_value', 'secret', 'ssm',
];

const keywords = new Set(KEYWORDS);
const atoms = new Set(['true', 'false', 'null']);
const types = new Set(BUILTIN_TYPES);
const builtins = new Set(BUILTIN_FUNCTIONS);
/// Keywords after which the next name is being declared.
const definers = new Set(['let', 'param', 'resource', 'output', 'stack', 'component', 'fn', 'type', 'as']);

/// The state: a stack of contexts (`code` with its bracket depth, `str`, `triple`) and the
/// previous significant word (to mark declared names).
function startState() {
  return { stack: [{ kind: 'code', depth: 0 }], prev: null, decl: false };
}

function copyState(s) {
  return { stack: s.stack.map((c) => ({ ...c })), prev: s.prev, decl: s.decl };
}

const top = (state) => state.stack[state.stack.length - 1];

/// Inside a string: text up to the next escape, interpolation or end.
function stringToken(stream, state, triple) {
  if (stream.match('${')) {
    state.stack.push({ kind: 'interp', depth: 0 });
    return 'interpolation';
  }
  if (stream.eat('\\')) {
    stream.next();
    if (stream.eol() && !triple) state.stack.pop();
    return 'escape';
  }
  if (triple ? stream.match('"""') : stream.eat('"')) {
    state.stack.pop();
    return 'string';
  }
  const start = stream.pos;
  while (!stream.eol()) {
    const ch = stream.peek();
    if (ch === '\\' || (ch === '$' && stream.string.charAt(stream.pos + 1) === '{')) break;
    if (ch === '"' && (!triple || stream.match('"""', false))) break; // a lone `"` is text in `"""`
    stream.next();
  }
  if (stream.pos === start) stream.next();
  if (stream.eol() && !triple) state.stack.pop(); // plain strings end at a newline
  return 'string';
}

function codeToken(stream, state) {
  const ctx = top(state);
  if (stream.eatSpace()) return null;
  if (stream.match(/^\/\/\/(?!\/)/)) {
    stream.skipToEnd();
    return 'docComment';
  }
  if (stream.match('//')) {
    stream.skipToEnd();
    return 'comment';
  }
  if (stream.match('"""')) {
    state.stack.push({ kind: 'triple' });
    return 'string';
  }
  if (stream.eat('"')) {
    state.stack.push({ kind: 'str' });
    return 'string';
  }
  // Resource types: AWS::S3::Bucket, Custom::Thing (two or more `::`-separated PascalCase parts).
  if (stream.match(/^[A-Z][A-Za-z0-9]*(::[A-Za-z0-9]+)+/)) return 'resourceType';
  if (stream.match(/^\d+(\.\d+)?/)) return 'number';
  if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
    const word = stream.current();
    const declaring = state.decl;
    state.decl = definers.has(word);
    if (atoms.has(word)) return 'atom';
    if (keywords.has(word)) return 'keyword';
    if (declaring) return /^[A-Z]/.test(word) ? 'typeDef' : 'def';
    if (types.has(word)) return 'builtinType';
    if (word === 'aws' || word === 'std') return 'namespace';
    if (builtins.has(word) && stream.match(/^\s*\(/, false)) return 'builtin';
    if (stream.match(/^\s*:(?!:)/, false) && ctx.depth > 0) return 'property';
    if (/^[A-Z]/.test(word)) return 'pascal';
    return 'variable';
  }
  state.decl = false;
  const ch = stream.next();
  if ('{[('.includes(ch)) {
    ctx.depth++;
    return 'bracket';
  }
  if ('}])'.includes(ch)) {
    if (ctx.kind === 'interp' && ctx.depth === 0 && ch === '}') {
      state.stack.pop();
      return 'interpolation';
    }
    ctx.depth = Math.max(0, ctx.depth - 1);
    return 'bracket';
  }
  if (ch === '.') {
    stream.eatWhile('.');
    return 'punctuation';
  }
  if (ch === ',' || ch === ':') return 'punctuation';
  stream.eatWhile(/[=<>!&|?+\-*/%]/);
  return 'operator';
}

/// One token (strict: the tests check that every call advances).
function token(stream, state) {
  const ctx = top(state);
  if (ctx.kind === 'str') return stringToken(stream, state, false);
  if (ctx.kind === 'triple') return stringToken(stream, state, true);
  return codeToken(stream, state);
}

const parser = {
  name: 'cvl',
  startState,
  copyState,
  token(stream, state) {
    const start = stream.pos;
    const style = token(stream, state);
    if (stream.pos === start) stream.next(); // never stall the editor, whatever the text
    return style;
  },
  blankLine(state) {
    if (top(state).kind === 'str') state.stack.pop();
  },
  indent(state, textAfter, cx) {
    if (top(state).kind === 'triple') return null;
    const depth = state.stack.reduce((n, c) => n + (c.depth ?? 0), 0);
    const closing = /^\s*[}\])]/.test(textAfter) ? 1 : 0;
    return Math.max(0, depth - closing) * cx.unit;
  },
  languageData: {
    commentTokens: { line: '//' },
    closeBrackets: { brackets: ['(', '[', '{', '"'] },
    indentOnInput: /^\s*[}\])]$/,
  },
  tokenTable: {
    docComment: t.docComment,
    interpolation: t.special(t.brace),
    escape: t.escape,
    resourceType: t.typeName,
    builtinType: t.standard(t.typeName),
    typeDef: t.definition(t.typeName),
    pascal: t.className,
    namespace: t.namespace,
    builtin: t.standard(t.function(t.variableName)),
    property: t.propertyName,
    def: t.definition(t.variableName),
    variable: t.variableName,
  },
};

export const cvlLanguage = StreamLanguage.define(parser);

/// The tokens of a text, line by line: `[{line, from, to, style}]` (lines 0-based, columns
/// in UTF-16 units). Throws if the tokenizer fails to advance (a bug).
export function tokenize(text) {
  const state = startState();
  const tokens = [];
  text.split('\n').forEach((line, n) => {
    if (line.trim() === '') {
      parser.blankLine(state);
      return;
    }
    const stream = new StringStream(line, 2, 2);
    while (!stream.eol()) {
      stream.start = stream.pos;
      const style = token(stream, state);
      if (stream.pos === stream.start) throw new Error(`the tokenizer did not advance at ${n + 1}:${stream.pos + 1}`);
      if (style) tokens.push({ line: n, from: stream.start, to: stream.pos, style });
    }
  });
  return tokens;
}

/// The number of plain `//` comments in a text (doc comments excluded): the formatter of this
/// compiler version may not keep them, and the page says so.
export function countPlainComments(text) {
  try {
    return tokenize(text).filter((t) => t.style === 'comment').length;
  } catch {
    return (text.match(/\/\/(?!\/)/g) ?? []).length;
  }
}

/// Light theme colours (the page's palette).
export const cvlHighlightStyle = HighlightStyle.define([
  { tag: t.keyword, color: '#7c3aed', fontWeight: '500' },
  { tag: t.atom, color: '#b45309' },
  { tag: t.number, color: '#b45309' },
  { tag: t.string, color: '#15803d' },
  { tag: t.escape, color: '#0f766e' },
  { tag: t.special(t.brace), color: '#be185d', fontWeight: '600' },
  { tag: t.comment, color: '#6b7280', fontStyle: 'italic' },
  { tag: t.docComment, color: '#4b5563' },
  { tag: t.typeName, color: '#0369a1' },
  { tag: t.standard(t.typeName), color: '#0369a1' },
  { tag: t.definition(t.typeName), color: '#0369a1', fontWeight: '600' },
  { tag: t.className, color: '#0e7490' },
  { tag: t.namespace, color: '#9333ea' },
  { tag: t.standard(t.function(t.variableName)), color: '#1d4ed8' },
  { tag: t.definition(t.variableName), color: '#1e3a8a', fontWeight: '600' },
  { tag: t.propertyName, color: '#334155' },
  { tag: t.operator, color: '#64748b' },
  { tag: t.punctuation, color: '#64748b' },
  { tag: t.bracket, color: '#64748b' },
  // output pane (JSON / YAML)
  { tag: t.bool, color: '#b45309' },
  { tag: t.null, color: '#b45309' },
  { tag: t.labelName, color: '#334155' },
  { tag: t.meta, color: '#6b7280' },
]);
