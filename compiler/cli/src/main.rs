//! `cvl`: the command line over the compiler. Exit status: 0 success, 1 the sources have
//! errors, 2 usage or IO problems. Diagnostics go to stderr; stdout carries only what a command
//! is asked to print (`cvl params`, `cvl diff`, `cvl graph`).

// The command line is the one place that prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod commands;
mod disk_loader;
mod render;
mod staging;

/// mimalloc instead of the system allocator: a build allocates and frees millions of small
/// values (records, JSON nodes, strings), and glibc's malloc/free were about 40% of the
/// instructions of a large build (docs/performance.md, F8). Only this binary: the compiler
/// library, the language server crate and the wasm playground keep their allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status: the sources have errors.
pub const EXIT_SOURCE_ERRORS: u8 = 1;
/// Exit status: usage or IO problems.
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "cvl",
    version,
    about = "cvl: a statically typed language for AWS infrastructure, compiled to CloudFormation",
    long_about = "cvl: a statically typed language for AWS infrastructure.\n\n\
A project is one or more `.cvl` files; its entry file (`main.cvl`) declares the build's params \
and its stacks. `cvl build` turns it into one CloudFormation template per stack.\n\n\
Exit status: 0 success, 1 the sources have errors, 2 usage or IO problems.\n\
Diagnostics go to stderr (`--message-format json` for one JSON object per line).",
    after_help = "Examples:\n  \
cvl build examples/canvalo env=gamma          write out/<stack>.template.json and out/manifest.json\n  \
cvl check examples/canvalo                    check every env, write nothing\n  \
cvl params examples/canvalo                   list the params: name, type, allowed values, default, doc\n  \
cvl diff examples/canvalo env=gamma env=prod  what differs between two builds\n  \
cvl graph examples/canvalo env=prod           the resource graph (Graphviz DOT, or --format mermaid)\n  \
cvl fmt --check .                             name the files whose layout is not canonical\n  \
cvl lsp                                       the language server on stdio (for editors)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build a project: one CloudFormation template per stack, and a manifest
    #[command(
        long_about = "Build a project: one CloudFormation template per stack, and a manifest.\n\n\
Writes DIR/<stack>.template.json (or .template.yaml with --format yaml) for each stack and \
DIR/manifest.json (the stacks in deploy order, their parameters, outputs and exports, and the \
values of the build's params).\n\n\
Nothing is written unless the whole build succeeds: the files are written into a fresh \
temporary folder beside DIR, which then replaces DIR in one rename, so a failed or interrupted \
build leaves the previous output as it was and never a half-written file. DIR is replaced as a \
whole; an existing DIR that cvl did not write (one with no manifest.json that is not empty) is \
never replaced.",
        after_help = "Arguments are PATH and NAME=VALUE pairs, in any order: PATH is the first \
argument without `=`.\n\n\
Examples:\n  \
cvl build                                        build ./main.cvl into ./out\n  \
cvl build examples/canvalo env=gamma             the canvalo example for gamma, into ./out\n  \
cvl build infra/main.cvl env=prod --out dist     a file as entry, into ./dist\n  \
cvl build . env=beta --format yaml               YAML templates\n  \
cvl build . env=beta --message-format json       diagnostics as JSON lines on stderr"
    )]
    Build(BuildArgs),

    /// Check a project without writing anything
    #[command(
        long_about = "Check a project: everything `cvl build` checks (syntax, types, schemas, \
checks), without writing anything.\n\n\
A literal-union param that is left unset (such as `env: \"beta\" | \"gamma\" | \"prod\"`) is \
checked with every one of its values.",
        after_help = "Arguments are PATH and NAME=VALUE pairs, in any order: PATH is the first \
argument without `=`.\n\n\
Examples:\n  \
cvl check                                   check ./main.cvl for every env\n  \
cvl check examples/canvalo env=prod         check only env=prod\n  \
cvl check . --message-format json           diagnostics as JSON lines on stderr"
    )]
    Check(CheckArgs),

    /// List the params of a project: name, type, allowed values, default, doc
    #[command(
        long_about = "List the params of a project (the `param` declarations of its entry \
file): name, type, allowed values, default and doc comment. The list goes to stdout.",
        after_help = "Examples:\n  \
cvl params examples/canvalo                 a table\n  \
cvl params examples/canvalo --format json   {\"params\": [{\"name\", \"type\", \"allowed\", \"default\", \"doc\"}]}"
    )]
    Params(ParamsArgs),

    /// Show what differs between two builds, per stack, resource and property
    #[command(
        long_about = "Show what differs between two builds of a project: stacks, resources, \
parameters and outputs added, removed or changed, and for each changed one the properties that \
differ, by JSON path (`Properties.Tags[0].Value`).\n\n\
A param given twice names the two builds: its first value is build A, its second build B. \
Params given once apply to both. Nothing is written; the differences go to stdout (coloured \
on a terminal unless NO_COLOR is set), diagnostics to stderr. The exit status is 0 whether or \
not the builds differ.",
        after_help = "Examples:\n  \
cvl diff examples/canvalo env=gamma env=prod              gamma against prod\n  \
cvl diff . env=prod branch=main branch=dev                two branches, both for prod\n  \
cvl diff . env=beta env=prod --format json                {\"a\", \"b\", \"stacks\": [{\"name\", \"status\", \"entries\"}]}"
    )]
    Diff(DiffArgs),

    /// Print the resource graph of a build: stacks, resources and their references
    #[command(
        long_about = "Print the resource graph of one build on stdout: stacks as clusters, \
resources as nodes, and references as edges (Ref, GetAtt, the variables of Sub, DependsOn, and \
imports of another stack's exports, dashed). An edge goes from the resource that refers to the \
one it refers to.",
        after_help = "Examples:\n  \
cvl graph examples/canvalo env=prod | dot -Tsvg > graph.svg     Graphviz\n  \
cvl graph examples/canvalo env=prod --format mermaid            a Mermaid flowchart\n  \
cvl graph . --format json                                       {\"stacks\", \"edges\"}"
    )]
    Graph(GraphArgs),

    /// Format .cvl files in the one canonical layout
    #[command(
        long_about = "Format .cvl files in the one canonical layout, in place.\n\n\
Each PATH is a .cvl file or a folder (searched recursively for .cvl files); the default is \
`.`. With --check nothing is written: the files that would change are named and the exit \
status is 1 if there are any.",
        after_help = "Examples:\n  \
cvl fmt                          format every .cvl file under .\n  \
cvl fmt main.cvl lib/            a file and a folder\n  \
cvl fmt --check .                exit 1 and name the files that are not formatted"
    )]
    Fmt(FmtArgs),

    /// Run the language server on stdio
    #[command(
        long_about = "Run the language server on stdin/stdout (the Language Server Protocol), \
for editors: diagnostics while typing, hover, completion, go to definition and more.",
        after_help = "Example (Neovim 0.10+):\n  \
vim.lsp.start({ name = 'cvl', cmd = { 'cvl', 'lsp' }, root_dir = vim.fs.root(0, { 'main.cvl' }) })\n\
(Neovim 0.7 or later: editors/nvim/cvl.lua; see docs/editors.md)"
    )]
    Lsp,
}

/// How diagnostics are printed on stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Rendered with source snippets, labels and help
    Human,
    /// One JSON object per line: code, severity, message, file, line, column, end_line,
    /// end_column, help (lines and columns 1-based)
    Json,
}

/// The format of the templates `cvl build` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    /// `<stack>.template.json`
    Json,
    /// `<stack>.template.yaml`
    Yaml,
}

/// How `cvl params` prints the params.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ParamsFormat {
    /// A table
    Text,
    /// One JSON document: `{"params": [...]}`
    Json,
}

/// How `cvl diff` prints the differences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people: `+` added, `-` removed, `~` changed
    Text,
    /// One JSON document: `{"a": {params}, "b": {params}, "stacks": [...]}`
    Json,
}

/// How `cvl graph` prints the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT
    Dot,
    /// A Mermaid flowchart
    Mermaid,
    /// One JSON document: `{"stacks": [...], "edges": [...]}`
    Json,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// PATH (a .cvl file, or a folder with main.cvl; default `.`) and NAME=VALUE params; a
    /// param given twice names the two builds
    #[arg(value_name = "PATH | NAME=VALUE")]
    pub args: Vec<String>,
    /// How the differences are printed on stdout
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// How diagnostics are printed on stderr
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    /// PATH (a .cvl file, or a folder with main.cvl; default `.`) and NAME=VALUE params
    #[arg(value_name = "PATH | NAME=VALUE")]
    pub args: Vec<String>,
    /// How the graph is printed on stdout
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// How diagnostics are printed on stderr
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// PATH (a .cvl file, or a folder with main.cvl; default `.`) and NAME=VALUE params
    #[arg(value_name = "PATH | NAME=VALUE")]
    pub args: Vec<String>,
    /// The output folder (relative to the current directory), replaced as a whole by a
    /// successful build
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// The format of the templates
    #[arg(long, value_enum, default_value_t = TemplateFormat::Json)]
    pub format: TemplateFormat,
    /// How diagnostics are printed on stderr
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// PATH (a .cvl file, or a folder with main.cvl; default `.`) and NAME=VALUE params
    #[arg(value_name = "PATH | NAME=VALUE")]
    pub args: Vec<String>,
    /// How diagnostics are printed on stderr
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(clap::Args, Debug)]
pub struct ParamsArgs {
    /// A .cvl file, or a folder with main.cvl
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
    /// How the params are printed on stdout
    #[arg(long, value_enum, default_value_t = ParamsFormat::Text)]
    pub format: ParamsFormat,
    /// How diagnostics are printed on stderr
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// .cvl files or folders (searched recursively); default `.`
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write nothing; exit 1 and name the files that would change
    #[arg(long)]
    pub check: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build(args) => commands::build::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Params(args) => commands::params::run(args),
        Command::Diff(args) => commands::diff::run(args),
        Command::Graph(args) => commands::graph::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Lsp => commands::lsp::run(),
    };
    ExitCode::from(code)
}
