//! Editing one file re-runs only that file's queries and those of the files that depend on
//! it; proven from salsa's log of executed queries.

use cvl::db::{CvlDb, check_file, static_diagnostics};
use salsa::plumbing::AsId;

fn id(file: cvl::db::SourceFile) -> String {
    format!("{:?}", file.as_id())
}

/// The executed queries that mention a file: `parse(Id(1))` and so on.
fn queries_of(log: &[String], file: cvl::db::SourceFile) -> Vec<String> {
    let needle = format!("({})", id(file));
    let mut out: Vec<String> = log
        .iter()
        .filter(|q| q.ends_with(&needle))
        .cloned()
        .collect();
    out.sort();
    out
}

fn project() -> (
    CvlDb,
    cvl::db::SourceFile,
    cvl::db::SourceFile,
    cvl::db::SourceFile,
) {
    let mut db = CvlDb::new();
    let main = db.set_file(
        "main.cvl",
        "import \"./naming.cvl\" as naming\nimport \"./sizes.cvl\" as sizes\n\
         resource T: AWS::SNS::Topic { TopicName: naming.name(\"t\") }\n\
         output cpu = sizes.cpu\n"
            .to_string(),
    );
    let naming = db.set_file(
        "naming.cvl",
        "fn name(x: string) -> string { \"canvalo-${x}\" }\n".to_string(),
    );
    let sizes = db.set_file("sizes.cvl", "let cpu = 256\n".to_string());
    (db, main, naming, sizes)
}

#[test]
fn editing_a_body_reruns_only_that_file() {
    let (mut db, main, naming, sizes) = project();
    assert!(static_diagnostics(&db, main).is_empty());
    let first = db.take_executed();
    assert!(
        !queries_of(&first, naming).is_empty(),
        "the first run executes every file's queries"
    );

    // a body edit that keeps the module's interface (`name` is still `fn(string) -> string`)
    db.set_file(
        "naming.cvl",
        "fn name(x: string) -> string { \"canvalo-app-${x}\" }\n".to_string(),
    );
    assert!(static_diagnostics(&db, main).is_empty());
    let second = db.take_executed();
    let rerun = queries_of(&second, naming);
    let own = ["parse", "resolve_imports", "check_file", "module_interface"]
        .map(|q| format!("{q}({})", id(naming)));
    assert!(
        rerun.contains(&own[0]) && rerun.contains(&own[2]),
        "the edited file was not re-parsed and re-checked: {rerun:?}"
    );
    assert!(
        rerun.iter().all(|q| own.contains(q)),
        "unexpected queries re-ran: {rerun:?}"
    );
    assert!(
        queries_of(&second, sizes).is_empty(),
        "an unrelated module re-ran: {second:?}"
    );
    assert!(
        !queries_of(&second, main)
            .iter()
            .any(|q| q.starts_with("parse(") || q.starts_with("check_file(")),
        "the importer re-ran: {second:?}"
    );

    // nothing changed: nothing executes
    assert!(static_diagnostics(&db, main).is_empty());
    assert!(db.take_executed().is_empty());
}

#[test]
fn changing_an_interface_rechecks_the_importers_only() {
    let (mut db, main, naming, sizes) = project();
    let _ = static_diagnostics(&db, main);
    let _ = db.take_executed();

    // `cpu` becomes a string: the importer must be re-checked, the other module must not
    db.set_file("sizes.cvl", "let cpu = \"256\"\n".to_string());
    let _ = static_diagnostics(&db, main);
    let log = db.take_executed();
    assert!(
        queries_of(&log, main)
            .iter()
            .any(|q| q.starts_with("check_file(")),
        "the importer was not re-checked: {log:?}"
    );
    assert!(
        !queries_of(&log, main)
            .iter()
            .any(|q| q.starts_with("parse(")),
        "the importer was re-parsed: {log:?}"
    );
    assert!(
        queries_of(&log, naming).is_empty(),
        "an unrelated module re-ran: {log:?}"
    );
    let _ = check_file(&db, sizes);
}
