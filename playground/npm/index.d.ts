// Types of the cvl WebAssembly package (browser, bundler and Node entry points alike).

/** A project held in memory: project-relative `/`-separated paths to file text. */
export type Files = Record<string, string>;

/** Param values by name, as on the command line (`env=gamma`): always strings. */
export type ParamValues = Record<string, string>;

/** A problem found in the sources, as `cvl --message-format json` prints it. */
export interface Diagnostic {
  /** A stable code such as `unknown-property` (see docs/diagnostics.md). */
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** The file id (`main.cvl`, `lib/net.cvl`, `std/vpc.cvl`); null for problems with the input itself. */
  file: string | null;
  /** 1-based; columns count characters. Null when the diagnostic has no place. */
  line: number | null;
  column: number | null;
  end_line: number | null;
  end_column: number | null;
  help: string | null;
  /** UTF-16 offsets into the file's text (what JavaScript strings and editors index by). */
  start: number | null;
  end: number | null;
  /** A quick fix: replace `start..end` with this text. */
  replacement: string | null;
}

export interface StackTemplate {
  name: string;
  /** The template's JSON text, byte-identical to `<name>.template.json` from `cvl build`. */
  template: string;
}

export interface CompileResult {
  /** In deploy order; empty when there are errors. */
  stacks: StackTemplate[];
  /** manifest.json's text as `cvl build` writes it; null when there are errors. */
  manifest: string | null;
  /** The resource graph of the build (what `cvl graph` prints); null when there are errors. */
  graph: Graph | null;
  diagnostics: Diagnostic[];
}

/** A place in a file of the project. */
export interface SourcePlace {
  /** The file id (`main.cvl`, `std/vpc.cvl`). */
  file: string;
  /** 1-based; the column counts characters. Null when the file's text is not known. */
  line: number | null;
  column: number | null;
  /** UTF-16 offsets into the file's text. */
  start: number | null;
  end: number | null;
}

export interface GraphNode {
  /** The logical ID. */
  id: string;
  /** The CloudFormation type, `AWS::S3::Bucket`. */
  type: string;
  /** The name in the resource's `resource` declaration (possibly in a `std/` module). */
  decl: SourcePlace | null;
  /** The component instances (`let api = ecs.Service {...}`) it was declared through, outermost first. */
  via: SourcePlace[];
}

export interface GraphEdge {
  /** The resource that refers... */
  from: { stack: string; id: string };
  /** ...to this one (which CloudFormation creates first). */
  to: { stack: string; id: string };
  /** How: `Ref`, `GetAtt`, `Sub`, `DependsOn`, `import` (an export of another stack). */
  kinds: string[];
}

export interface Graph {
  /** In deploy order. */
  stacks: { name: string; nodes: GraphNode[] }[];
  edges: GraphEdge[];
}

export interface HoverResult {
  /** Markdown: a `cvl` code block (the declaration or type), then the docs. */
  text: string;
  /** The UTF-16 range of the name the hover is about. */
  start: number;
  end: number;
}

export interface CompletionItem {
  label: string;
  kind: 'keyword' | 'variable' | 'function' | 'module' | 'component' | 'resource' | 'resource-type' | 'type' | 'property' | 'field' | 'value' | 'param' | 'stack';
  /** A type, or what the item is. */
  detail: string | null;
  /** Markdown. */
  doc: string | null;
  /** The text to insert when it is not the label. */
  insert: string | null;
  /** The key to sort by (required properties first). */
  sort: string;
  /** The UTF-16 range the item replaces (the word being typed). */
  start: number;
  end: number;
}

export interface ParamInfo {
  name: string;
  /** The type as written: `"beta" | "gamma" | "prod"`, `string`, `int`. */
  type: string;
  /** The literals of a literal-union type; empty otherwise. */
  allowed: string[];
  /** The default as cvl source (`"\"main\""`), or null when the param has none. */
  default: string | null;
  doc: string | null;
}

export interface ParamsResult {
  params: ParamInfo[];
  diagnostics: Diagnostic[];
}

export interface FormatResult {
  /** The canonical layout of the file; null when it does not parse. */
  text: string | null;
  diagnostics: Diagnostic[];
}

/**
 * Loads the WebAssembly. In browsers and bundlers it fetches `cvl_playground_bg.wasm` next to the
 * module unless given a URL, a Response, bytes or a compiled `WebAssembly.Module`. In Node the
 * module is ready on import and this resolves at once.
 */
export function init(input?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

/** Builds a project held in memory: one CloudFormation template per stack, and the manifest. */
export function compile(files: Files, params?: ParamValues, entry?: string): CompileResult;

/** The params the entry file declares (name, type, allowed values, default, doc). */
export function params(files: Files, entry?: string): ParamsResult;

/** A template (JSON text or value) as YAML, as `cvl build --format yaml` writes it. */
export function toYaml(template: string | object): string;

/** One file in the canonical layout (what `cvl fmt` writes). */
export function format(text: string, file?: string): FormatResult;

/** What the name at `offset` (UTF-16) of `file` is: declaration, type and docs; null if nothing. */
export function hover(files: Files, file: string, offset: number): HoverResult | null;

/** What can be written at `offset` (UTF-16) of `file`: names, members after `.`, properties, values. */
export function complete(files: Files, file: string, offset: number): CompletionItem[];
