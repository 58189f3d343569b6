//! The `cvl` binary from the outside: arguments, exit statuses, files written, stderr formats.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MAIN: &str = r#"/// Which account to build for.
param env: "beta" | "gamma" = "beta"

stack storage {
  resource Assets: AWS::S3::Bucket {
    BucketName: "demo-${env}-assets",
    VersioningConfiguration: { Status: "Enabled" },
  }
  output bucket_arn = Assets.Arn
}
"#;

/// `BucketNam` is misspelt.
const BROKEN: &str = r#"param env: "beta" | "gamma" = "beta"

stack storage {
  resource Assets: AWS::S3::Bucket {
    BucketNam: "demo-${env}-assets",
  }
}
"#;

/// A temporary folder with a project in `proj/` and room for output beside it.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new(main: &str) -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("proj")).unwrap();
        std::fs::write(dir.path().join("proj/main.cvl"), main).unwrap();
        Scratch { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs `cvl` in the scratch folder.
    fn cvl(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_cvl"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn json_file(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The JSON objects of `--message-format json` output, each checked for exactly the fields.
fn json_diagnostics(stderr: &[u8]) -> Vec<Value> {
    let fields = [
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "help",
    ];
    text(stderr)
        .lines()
        .map(|line| {
            let v: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, fields, "{line}");
            v
        })
        .collect()
}

#[test]
fn help_lists_the_commands_with_examples() {
    let s = Scratch::new(MAIN);
    let out = s.cvl(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for command in ["build", "check", "fmt", "lsp", "params"] {
        assert!(help.contains(command), "`{command}` missing from:\n{help}");
    }
    assert!(help.contains("Exit status"), "{help}");
    for command in ["build", "check", "fmt", "lsp", "params"] {
        let out = s.cvl(&[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command}");
        assert!(
            text(&out.stdout).contains("Example"),
            "{command} --help has no example"
        );
    }
    let build = text(&s.cvl(&["build", "--help"]).stdout);
    for needle in [
        "NAME=VALUE",
        "--out",
        "--format",
        "--message-format",
        "manifest.json",
    ] {
        assert!(
            build.contains(needle),
            "`{needle}` missing from build --help:\n{build}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let s = Scratch::new(MAIN);
    assert_eq!(s.cvl(&[]).status.code(), Some(2));
    assert_eq!(s.cvl(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(s.cvl(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(s.cvl(&["build", "proj", "other"]).status.code(), Some(2));
    assert_eq!(s.cvl(&["build", "proj", "=gamma"]).status.code(), Some(2));
    assert_eq!(
        s.cvl(&["build", "proj", "--format", "toml"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_missing_path_exits_2() {
    let s = Scratch::new(MAIN);
    let out = s.cvl(&["build", "nowhere", "env=gamma"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("nowhere"),
        "{}",
        text(&out.stderr)
    );
    assert!(!s.path("out").exists());

    let out = s.cvl(&["build", "nowhere", "--message-format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let diags = json_diagnostics(&out.stderr);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["code"], "io-error");

    // a folder without main.cvl, and a file that is not .cvl
    std::fs::create_dir(s.path("empty")).unwrap();
    assert_eq!(s.cvl(&["check", "empty"]).status.code(), Some(2));
    std::fs::write(s.path("notes.txt"), "").unwrap();
    assert_eq!(s.cvl(&["params", "notes.txt"]).status.code(), Some(2));
}

#[test]
fn build_writes_templates_and_manifest() {
    let s = Scratch::new(MAIN);
    let out = s.cvl(&["build", "proj", "env=gamma"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        out.stdout.is_empty(),
        "stdout must stay clean: {}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("built 1 stack (1 resource) into out/"),
        "{}",
        text(&out.stderr)
    );

    assert_eq!(
        listing(&s.path("out")),
        ["manifest.json", "storage.template.json"]
    );
    let template = json_file(&s.path("out/storage.template.json"));
    assert_eq!(template["Resources"]["Assets"]["Type"], "AWS::S3::Bucket");
    assert_eq!(
        template["Resources"]["Assets"]["Properties"]["BucketName"],
        "demo-gamma-assets"
    );
    assert_eq!(
        template["Resources"]["Assets"]["Properties"]["VersioningConfiguration"]["Status"],
        "Enabled"
    );
    let manifest = json_file(&s.path("out/manifest.json"));
    assert!(manifest.to_string().contains("storage"), "{manifest}");
    assert!(
        manifest.to_string().contains("gamma"),
        "the params' values belong in the manifest: {manifest}"
    );
    // the exact text: pretty JSON with a final newline, as the playground writes it too
    let written = std::fs::read_to_string(s.path("out/storage.template.json")).unwrap();
    let mut pretty = serde_json::to_string_pretty(&template).unwrap();
    pretty.push('\n');
    assert_eq!(written, pretty);
    // no temporary folders left beside the output
    assert_eq!(listing(s.dir.path()), ["out", "proj"]);

    // a second build replaces the folder whole
    std::fs::write(s.path("out/stale.template.json"), "{}").unwrap();
    let out = s.cvl(&["build", "proj/main.cvl", "env=beta", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        listing(&s.path("out")),
        ["manifest.json", "storage.template.json"]
    );
    let template = json_file(&s.path("out/storage.template.json"));
    assert_eq!(
        template["Resources"]["Assets"]["Properties"]["BucketName"],
        "demo-beta-assets"
    );
}

#[test]
fn build_writes_yaml_on_request() {
    let s = Scratch::new(MAIN);
    let out = s.cvl(&["build", "proj", "--out", "dist/yaml", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        listing(&s.path("dist/yaml")),
        ["manifest.json", "storage.template.yaml"]
    );
    let yaml = std::fs::read_to_string(s.path("dist/yaml/storage.template.yaml")).unwrap();
    assert!(yaml.contains("Type: AWS::S3::Bucket"), "{yaml}");
    assert!(yaml.contains("BucketName: demo-beta-assets"), "{yaml}");
    let manifest = std::fs::read_to_string(s.path("dist/yaml/manifest.json")).unwrap();
    assert!(
        !manifest.contains(".template.json"),
        "the manifest names the YAML files: {manifest}"
    );
}

#[test]
fn a_build_with_errors_exits_1_and_keeps_the_previous_output() {
    let s = Scratch::new(BROKEN);
    std::fs::create_dir(s.path("out")).unwrap();
    std::fs::write(s.path("out/manifest.json"), "previous\n").unwrap();
    std::fs::write(s.path("out/storage.template.json"), "previous template\n").unwrap();

    let out = s.cvl(&["build", "proj", "env=gamma"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[unknown-property]"), "{stderr}");
    assert!(
        stderr.contains("BucketNam"),
        "the snippet shows the source: {stderr}"
    );
    assert!(stderr.contains("BucketName"), "did you mean: {stderr}");
    assert!(out.stdout.is_empty());

    assert_eq!(
        std::fs::read_to_string(s.path("out/manifest.json")).unwrap(),
        "previous\n"
    );
    assert_eq!(
        std::fs::read_to_string(s.path("out/storage.template.json")).unwrap(),
        "previous template\n"
    );
    assert_eq!(listing(s.dir.path()), ["out", "proj"]);

    // without a previous output, nothing at all is written
    let out = s.cvl(&["build", "proj", "--out", "fresh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!s.path("fresh").exists());
}

/// The templates are written into the temporary folder while the build goes on: here stack
/// `small` is written before lowering finds stack `big` too large. The failed build still
/// leaves the previous output as it was and no temporary folder.
#[test]
fn a_build_that_fails_while_writing_templates_keeps_the_previous_output() {
    let s = Scratch::new(
        r#"let note = join("", [for i in 0..60000: "0123456789"])

stack small {
  resource Topic: AWS::SNS::Topic { TopicName: "small" }
}

stack big {
  resource One: AWS::SNS::Topic { TopicName: "one" } with { Metadata: { note: note } }
  resource Two: AWS::SNS::Topic { TopicName: "two" } with { Metadata: { note: note } }
}
"#,
    );
    std::fs::create_dir(s.path("out")).unwrap();
    std::fs::write(s.path("out/manifest.json"), "previous\n").unwrap();

    let out = s.cvl(&["build", "proj"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[template-quota]"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(listing(&s.path("out")), ["manifest.json"]);
    assert_eq!(listing(s.dir.path()), ["out", "proj"]);

    // the same project without the second large resource builds, into the same folder
    let fixed = std::fs::read_to_string(s.path("proj/main.cvl"))
        .unwrap()
        .replace("  resource Two", "  // resource Two");
    std::fs::write(s.path("proj/main.cvl"), fixed).unwrap();
    let out = s.cvl(&["build", "proj"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        listing(&s.path("out")),
        ["big.template.json", "manifest.json", "small.template.json"]
    );
    let small = json_file(&s.path("out/small.template.json"));
    assert_eq!(
        small["Resources"]["Topic"]["Properties"]["TopicName"],
        "small"
    );
    assert_eq!(listing(s.dir.path()), ["out", "proj"]);
}

#[test]
fn message_format_json_gives_one_object_per_diagnostic() {
    let s = Scratch::new(BROKEN);
    let out = s.cvl(&["build", "proj", "env=gamma", "--message-format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let diags = json_diagnostics(&out.stderr);
    let d = diags
        .iter()
        .find(|d| d["code"] == "unknown-property")
        .unwrap_or_else(|| panic!("no unknown-property in {diags:?}"));
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "main.cvl");
    // `BucketNam` is on line 5, column 5 (1-based)
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(5)),
        "{d}"
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(5), Some(14)),
        "{d}"
    );
    assert!(
        d["help"]
            .as_str()
            .unwrap_or_default()
            .contains("BucketName"),
        "{d}"
    );
    assert!(d["message"].as_str().unwrap().contains("BucketNam"), "{d}");

    let out = s.cvl(&["check", "proj", "--message-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        json_diagnostics(&out.stderr)
            .iter()
            .any(|d| d["code"] == "unknown-property")
    );
}

#[test]
fn an_unknown_param_exits_1() {
    let s = Scratch::new(MAIN);
    let out = s.cvl(&["build", "proj", "nope=1"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("unknown-param"),
        "{}",
        text(&out.stderr)
    );
    assert!(!s.path("out").exists());

    let out = s.cvl(&["build", "proj", "env=delta", "--message-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let diags = json_diagnostics(&out.stderr);
    let d = diags
        .iter()
        .find(|d| d["code"] == "invalid-param-value")
        .expect("invalid-param-value");
    let listed = format!("{} {}", d["message"], d["help"]);
    assert!(
        listed.contains("beta") && listed.contains("gamma"),
        "the allowed values are listed: {d}"
    );
}

#[test]
fn check_checks_every_env_and_writes_nothing() {
    let s = Scratch::new(MAIN);
    let out = s.cvl(&["check", "proj"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(listing(s.dir.path()), ["proj"]);
    let out = s.cvl(&["check", "proj", "env=gamma"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let s = Scratch::new(BROKEN);
    let out = s.cvl(&["check", "proj"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("unknown-property"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn params_lists_name_type_allowed_default_doc() {
    let s = Scratch::new(MAIN);
    let out = s.cvl(&["params", "proj"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let header = table.lines().next().unwrap_or_default();
    for column in ["NAME", "TYPE", "ALLOWED", "DEFAULT", "DOC"] {
        assert!(header.contains(column), "{table}");
    }
    let row = table.lines().nth(1).unwrap_or_default();
    for needle in ["env", "beta, gamma", "Which account to build for."] {
        assert!(row.contains(needle), "`{needle}` missing from:\n{table}");
    }

    let out = s.cvl(&["params", "proj", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let env = &v["params"][0];
    assert_eq!(env["name"], "env");
    assert_eq!(env["allowed"], serde_json::json!(["beta", "gamma"]));
    assert_eq!(env["doc"], "Which account to build for.");
    assert!(
        env["default"].as_str().unwrap_or_default().contains("beta"),
        "{env}"
    );
}

#[test]
fn an_out_folder_cvl_did_not_write_is_never_replaced() {
    let s = Scratch::new(MAIN);
    let out = s.cvl(&["build", "proj", "--out", "proj", "--message-format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    // policy warnings about the sources may come first; the refusal is an io-error
    let diagnostics = json_diagnostics(&out.stderr);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "io-error"),
        "{diagnostics:?}"
    );
    assert_eq!(listing(&s.path("proj")), ["main.cvl"]);
}
