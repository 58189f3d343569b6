// The TextMate grammar (syntaxes/cvl.tmLanguage.json) tokenized the way VS Code does it:
// vscode-textmate with the Oniguruma regex engine (vscode-oniguruma's wasm).
"use strict";

const { test, before } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.resolve(__dirname, "..");
let grammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.cvl") return null;
      const file = path.join(root, "syntaxes/cvl.tmLanguage.json");
      return textmate.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  grammar = await registry.loadGrammar("source.cvl");
});

/** Every token of `source` (lines tokenized in order, as an editor does): { text, scopes }. */
function tokenize(source) {
  const tokens = [];
  let state = textmate.INITIAL;
  for (const line of source.split("\n")) {
    const result = grammar.tokenizeLine(line, state);
    for (const t of result.tokens) tokens.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = result.ruleStack;
  }
  return tokens;
}

/** The innermost scope of the first token whose text is `text` (after `after` tokens with that text). */
function scopeOf(tokens, text, nth = 0) {
  const found = tokens.filter((t) => t.text === text)[nth];
  assert.ok(found, `a token \`${text}\` in ${JSON.stringify(tokens.map((t) => t.text))}`);
  return found.scopes;
}

const has = (scopes, scope) => assert.ok(scopes.includes(scope), `${scope} in ${JSON.stringify(scopes)}`);

test("the grammar loads with its scope name", () => {
  assert.ok(grammar, "source.cvl loads");
});

test("keywords and declarations", () => {
  const tokens = tokenize('import std.vpc\nparam env: "beta" | "prod"\nstack app {\n  let n = if env == "prod" { 2 } else { 1 }\n  for x in [1] {}\n  check n > 0, "n"\n}\n');
  has(scopeOf(tokens, "import"), "keyword.control.import.cvl");
  has(scopeOf(tokens, "std.vpc"), "entity.name.namespace.cvl");
  has(scopeOf(tokens, "param"), "storage.type.cvl");
  has(scopeOf(tokens, "env"), "entity.name.cvl");
  has(scopeOf(tokens, "stack"), "storage.type.cvl");
  has(scopeOf(tokens, "let"), "storage.type.cvl");
  for (const keyword of ["if", "else", "for", "in", "check"]) has(scopeOf(tokens, keyword), "keyword.control.cvl");
  has(scopeOf(tokens, "2"), "constant.numeric.cvl");
  has(scopeOf(tokens, "=="), "keyword.operator.cvl");
});

test("strings with ${} interpolation: the code inside is code, the rest is string", () => {
  const tokens = tokenize('let name = "canvalo-${env}-${len([1, 2])}\\n"\n');
  has(scopeOf(tokens, "canvalo-"), "string.quoted.double.cvl");
  has(scopeOf(tokens, "${"), "punctuation.section.interpolation.begin.cvl");
  const env = scopeOf(tokens, "env");
  has(env, "meta.interpolation.cvl");
  assert.ok(!env.some((s) => s.startsWith("constant")), JSON.stringify(env));
  has(scopeOf(tokens, "len"), "support.function.builtin.cvl");
  has(scopeOf(tokens, "\\n"), "constant.character.escape.cvl");
  // after the string ends, code again
  const after = tokenize('let a = "x${b}" let c = 1\n');
  assert.ok(!scopeOf(after, "let", 1).some((s) => s.startsWith("string")), "the second let is code");
});

test("triple-quoted strings span lines", () => {
  const tokens = tokenize('let doc = """\nfirst ${x} line\nlet not_code\n"""\nlet code = 1\n');
  has(scopeOf(tokens, "let not_code"), "string.quoted.triple.cvl");
  has(scopeOf(tokens, "x"), "meta.interpolation.cvl");
  assert.ok(!scopeOf(tokens, "let", 1).some((s) => s.startsWith("string")), "code after the closing quotes");
});

test("comments and doc comments", () => {
  const tokens = tokenize('/// The sizes.\nlet size = 1 // one\n// let hidden = 2\n');
  has(scopeOf(tokens, "/// The sizes."), "comment.line.documentation.cvl");
  has(scopeOf(tokens, "// one"), "comment.line.double-slash.cvl");
  has(scopeOf(tokens, "// let hidden = 2"), "comment.line.double-slash.cvl");
});

test("resource types, properties, components", () => {
  const tokens = tokenize('stack s {\n  resource Logs: AWS::S3::Bucket {\n    BucketName: "x",\n  }\n  let net = vpc.Network { name: "n" }\n}\n');
  has(scopeOf(tokens, "AWS::S3::Bucket"), "entity.name.type.resource.cvl");
  has(scopeOf(tokens, "Logs"), "entity.name.cvl");
  has(scopeOf(tokens, "BucketName"), "variable.other.property.cvl");
  has(scopeOf(tokens, "Network"), "entity.name.type.component.cvl");
  has(scopeOf(tokenize("let on = true\n"), "true"), "constant.language.cvl");
});

test("every example: each line that starts a declaration starts with a keyword token, not inside a string or comment", () => {
  const examples = path.resolve(root, "../../examples");
  for (const name of fs.readdirSync(examples)) {
    const file = path.join(examples, name, "main.cvl");
    if (!fs.existsSync(file)) continue;
    const source = fs.readFileSync(file, "utf8");
    const tokens = tokenize(source);
    const declarations = tokens.filter((t) => /^(stack|component|param|import|fn)$/.test(t.text));
    const lines = source.split("\n").filter((l) => /^\s*(stack|component|param|import|fn)\s/.test(l));
    assert.ok(lines.length > 0, name);
    assert.equal(declarations.length, lines.length, `${name}: every declaration keyword is a token of its own`);
    for (const t of declarations) {
      assert.ok(!t.scopes.some((s) => s.startsWith("string") || s.startsWith("comment") || s.startsWith("meta.interpolation")), `${name}: ${t.text} in ${t.scopes}`);
    }
  }
});
