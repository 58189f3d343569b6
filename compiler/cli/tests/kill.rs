//! Nothing is lost when a build is killed: `cvl build` of a large generated project is killed
//! (SIGKILL, no chance to clean up) at different moments, and each time the output folder is
//! exactly one complete output, the previous one or the new one, never a mix and never a
//! half-written file. The next build finishes normally and leaves no temporary folders behind.

#![allow(clippy::print_stderr)] // the tests report what they measured

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A project of 24 stacks of 40 topics, each carrying 20 KB of metadata: about 20 MB of
/// templates, so that writing them takes a noticeable part of the build.
fn write_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(
        dir.join("lib/note.cvl"),
        "/// 20 KB of text.\nlet text = join(\"\", [for i in 0..2000: \"note-${i % 10}-ab\"])\n",
    )
    .unwrap();
    let mut main = String::from(
        "/// Which variant to build: the two outputs differ in every template.\nparam variant: \"a\" | \"b\" = \"a\"\nimport \"./lib/note.cvl\" as note\n",
    );
    for s in 0..24 {
        main.push_str(&format!(
            "\nstack s{s} {{\n  for i in 0..40 {{\n    resource Topic: AWS::SNS::Topic {{ TopicName: \"t-{s}-${{i}}-${{variant}}\" }} with {{ Metadata: {{ note: note.text }} }}\n  }}\n}}\n"
        ));
    }
    std::fs::write(dir.join("main.cvl"), main).unwrap();
}

/// Every file of a folder, by name, with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let entry = entry.unwrap();
        assert!(
            entry.file_type().unwrap().is_file(),
            "{} holds a folder",
            dir.display()
        );
        files.insert(
            entry.file_name().into_string().unwrap(),
            std::fs::read(entry.path()).unwrap(),
        );
    }
    files
}

fn build(root: &Path, variant: &str, out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_cvl"))
        .args(["build", "proj", &format!("variant={variant}"), "--out"])
        .arg(out)
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn build_to_end(root: &Path, variant: &str, out: &Path) -> Duration {
    let started = Instant::now();
    let status = build(root, variant, out).wait().unwrap();
    assert!(status.success(), "the build of variant {variant} failed");
    started.elapsed()
}

/// What is in `root` besides the project and the output folders.
fn leftovers(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !["proj", "out", "ref-a", "ref-b"].contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

#[test]
fn a_killed_build_leaves_one_complete_output() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    write_project(&root.join("proj"));
    // the two complete outputs, for reference
    let took = build_to_end(root, "a", &root.join("ref-a"));
    build_to_end(root, "b", &root.join("ref-b"));
    let complete = [contents(&root.join("ref-a")), contents(&root.join("ref-b"))];
    assert_ne!(complete[0], complete[1]);
    assert_eq!(complete[0].len(), 25, "24 templates and the manifest");

    let out = root.join("out");
    build_to_end(root, "a", &out);
    let mut previous = 0;
    let mut outcomes = BTreeMap::new();
    // kill at moments spread over a whole build (and a little past it), each time building the
    // other variant over the last complete output
    let rounds = 10;
    for round in 0..rounds {
        let next = 1 - previous;
        let delay = took.mul_f64(0.15 + 1.0 * round as f64 / rounds as f64);
        let mut child = build(root, ["a", "b"][next], &out);
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        let now = contents(&out);
        let which = complete.iter().position(|c| *c == now);
        let Some(which) = which else {
            let names: Vec<&String> = now.keys().collect();
            panic!(
                "round {round} (killed after {delay:?}): the output is neither complete output: {names:?}"
            );
        };
        assert!(which == previous || which == next);
        if finished {
            assert_eq!(
                which, next,
                "round {round}: the build finished but its output is not in place"
            );
        }
        *outcomes
            .entry(if which == previous {
                "kept the previous output"
            } else {
                "has the new output"
            })
            .or_insert(0) += 1;
        previous = which;
    }
    eprintln!("{rounds} builds killed: {outcomes:?} (a whole build took {took:?})");

    // a build after all that cleans up what the killed ones left behind
    let last = 1 - previous;
    build_to_end(root, ["a", "b"][last], &out);
    assert_eq!(contents(&out), complete[last]);
    assert_eq!(
        leftovers(root),
        Vec::<String>::new(),
        "temporary folders of killed builds were left behind"
    );
}

#[test]
fn an_output_moved_aside_by_a_killed_build_is_put_back() {
    // Where folders cannot be exchanged in one step (not Linux, or a file system without
    // `renameat2(RENAME_EXCHANGE)`), a build replaces `out` by two renames: `out` to
    // `out.old-<pid>`, then the new folder to `out`. Killed between the two, `out` is missing
    // and the previous output waits beside it;
    // the next build puts it back before it starts, so even a build that then fails (here: a
    // syntax error) leaves the previous output where it was.
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    write_project(&root.join("proj"));
    let out = root.join("out");
    build_to_end(root, "a", &out);
    let before = contents(&out);
    // what a build killed between the renames leaves: a pid that is not running
    let dead_pid = dead_pid();
    let aside: PathBuf = root.join(format!("out.old-{dead_pid}"));
    std::fs::rename(&out, &aside).unwrap();
    std::fs::create_dir(root.join(format!("out.tmp-{dead_pid}"))).unwrap();
    std::fs::write(
        root.join(format!("out.tmp-{dead_pid}/manifest.json")),
        "{\"half\": ",
    )
    .unwrap();
    std::fs::write(root.join("proj/main.cvl"), "let = broken\n").unwrap();
    let status = build(root, "a", &out).wait().unwrap();
    assert!(!status.success());
    assert_eq!(
        contents(&out),
        before,
        "the previous output was not put back"
    );
    assert_eq!(leftovers(root), Vec::<String>::new());
}

/// The pid of a process that has exited (and been reaped), so that it is not running.
fn dead_pid() -> u32 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cvl"))
        .arg("--version")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}
