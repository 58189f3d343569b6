//! The server and the disk: formatting never rewrites a file that does not parse (it says so
//! with a `format-refused` warning), and files changed on disk (`didChangeWatchedFiles`) are
//! read again.

mod common;

use common::{Server, at, scratch, uri_of};
use serde_json::{Value, json};

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn formatting_a_file_that_does_not_parse_is_refused_until_the_next_edit() {
    let root = scratch("format-refused");
    let main = root.join("main.cvl");
    let broken =
        "stack app {\n  resource Queue: AWS::SQS::Queue {\n    QueueName:   \"jobs\",\n  \n}\n";
    std::fs::write(&main, broken).expect("write main.cvl");
    let uri = uri_of(&main);
    let mut server = Server::start(&root);
    server.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri_of(&root), "capabilities": {} }),
    );
    server.notify("initialized", json!({}));
    server.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": broken } }));
    assert_eq!(codes(&server.diagnostics(&uri, 1)), ["syntax-error"]);

    // no edits, and a warning on the file next to the syntax error
    let options = json!({ "tabSize": 2, "insertSpaces": true });
    assert_eq!(
        server.request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": options })
        ),
        Value::Null
    );
    let diagnostics = server.diagnostics(&uri, 1);
    assert_eq!(
        codes(&diagnostics),
        ["syntax-error", "format-refused"],
        "{diagnostics:?}"
    );
    let refused = &diagnostics[1];
    assert_eq!(refused["severity"], json!(2), "a warning");
    assert!(
        refused["message"]
            .as_str()
            .unwrap_or_default()
            .contains("syntax errors"),
        "{refused}"
    );
    let range =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 4, "character": 1 } });
    assert_eq!(
        server.request(
            "textDocument/rangeFormatting",
            json!({ "textDocument": { "uri": uri }, "range": range, "options": options })
        ),
        Value::Null
    );
    assert_eq!(
        codes(&server.diagnostics(&uri, 1)),
        ["syntax-error", "format-refused"]
    );
    assert_eq!(
        std::fs::read_to_string(&main).expect("main.cvl"),
        broken,
        "the file on disk is untouched"
    );

    // the next edit clears it; a file that parses is formatted
    let fixed = broken.replace("  \n}", "  }\n}");
    server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": fixed }] }));
    assert_eq!(codes(&server.diagnostics(&uri, 2)), Vec::<String>::new());
    let edits = server.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": options }),
    );
    assert_eq!(edits.as_array().map_or(0, Vec::len), 1, "{edits}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn imported_files_changed_on_disk_are_read_again() {
    let root = scratch("watch");
    let (main, lib) = (root.join("main.cvl"), root.join("lib.cvl"));
    let text = "import \"./lib.cvl\" as lib\n\nstack app {\n  check lib.delay < 10, \"short delays\"\n  resource Queue: AWS::SQS::Queue { DelaySeconds: lib.delay }\n}\n";
    std::fs::write(&main, text).expect("write main.cvl");
    std::fs::write(&lib, "let delay = 5\n").expect("write lib.cvl");
    let (uri, lib_uri) = (uri_of(&main), uri_of(&lib));
    let mut server = Server::start(&root);
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    server.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri_of(&root), "capabilities": capabilities }),
    );
    server.notify("initialized", json!({}));

    // the server asks to be told about .cvl files
    let registration = server.wait("client/registerCapability", |m| {
        m["method"] == json!("client/registerCapability")
    });
    let registered = &registration["params"]["registrations"][0];
    assert_eq!(
        registered["method"],
        json!("workspace/didChangeWatchedFiles"),
        "{registration}"
    );
    assert_eq!(
        registered["registerOptions"]["watchers"][0]["globPattern"],
        json!("**/*.cvl"),
        "{registration}"
    );

    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": text } }),
    );
    assert_eq!(server.diagnostics(&uri, 1), Vec::<Value>::new());
    assert_eq!(
        server.diagnostics(&uri, 1),
        Vec::<Value>::new(),
        "evaluated: the check holds"
    );
    let hover = server.request("textDocument/hover", at(&uri, text, "delay <", 1));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Value: `5`"),
        "{hover}"
    );

    // lib.cvl changes on disk: the check now fails in main.cvl
    std::fs::write(&lib, "let delay = 50\n").expect("write lib.cvl");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": lib_uri, "type": 2 }] }),
    );
    let failing = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri) && !p["diagnostics"].as_array().is_none_or(Vec::is_empty)
    });
    assert_eq!(
        codes(failing["diagnostics"].as_array().expect("diagnostics")),
        ["check-failed"],
        "{failing}"
    );
    let hover = server.request("textDocument/hover", at(&uri, text, "delay <", 1));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Value: `50`"),
        "{hover}"
    );

    // a type error on disk is shown in lib.cvl, which is not even open
    std::fs::write(&lib, "let delay: int = \"soon\"\n").expect("write lib.cvl");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": lib_uri, "type": 2 }] }),
    );
    let in_lib = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(lib_uri)
    });
    assert_eq!(
        in_lib["diagnostics"].as_array().map_or(0, Vec::len),
        1,
        "{in_lib}"
    );

    // deleted: the import no longer resolves
    std::fs::remove_file(&lib).expect("remove lib.cvl");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": lib_uri, "type": 3 }] }),
    );
    let unresolved = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri)
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == json!("unresolved-import")))
    });
    assert!(!unresolved.is_null());

    // an open file's text is the editor's: a change on disk to it is ignored
    let edited = text.replace("< 10", "< 100");
    server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": edited }] }));
    std::fs::write(&main, "this does not parse").expect("write main.cvl");
    let still = server.diagnostics(&uri, 2);
    assert!(
        still
            .iter()
            .any(|d| d["code"] == json!("unresolved-import")),
        "{still:?}"
    );
    std::fs::write(&lib, "let delay = 5\n").expect("write lib.cvl");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 2 }, { "uri": lib_uri, "type": 1 }] }),
    );
    assert_eq!(
        server.diagnostics(&uri, 2),
        Vec::<Value>::new(),
        "lib.cvl resolves again; main.cvl keeps the editor's text"
    );
    let _ = std::fs::remove_dir_all(&root);
}
