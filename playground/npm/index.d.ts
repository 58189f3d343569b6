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
  diagnostics: Diagnostic[];
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
