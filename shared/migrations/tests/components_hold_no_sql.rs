//! Components parse, check the caller, call a domain crate and answer: the SQL lives in
//! the crate that owns the table, in named functions. This reads every component's
//! source and fails on a statement written there.

use std::path::{Path, PathBuf};

/// Words that begin a statement the app could run (upper case, as the stores write them).
const STATEMENT_STARTS: &[&str] = &["SELECT ", "INSERT INTO ", "DELETE FROM ", "UPDATE "];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The SQL-looking lines of a source file, comments left out.
fn statements_in(source: &str) -> Vec<String> {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//"))
        .filter(|line| {
            STATEMENT_STARTS
                .iter()
                .any(|start| line.contains(&format!("\"{start}")) || line.starts_with(start))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn no_component_writes_sql() {
    let components = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../components");
    let mut files = Vec::new();
    rust_files(&components, &mut files);
    assert!(files.len() > 20, "the components' sources are found");
    let offending: Vec<String> = files
        .iter()
        .flat_map(|file| {
            let source = std::fs::read_to_string(file).unwrap();
            statements_in(&source)
                .into_iter()
                .map(move |line| format!("{}: {line}", file.display()))
        })
        .collect();
    assert!(
        offending.is_empty(),
        "SQL in components:\n{}",
        offending.join("\n")
    );
}

#[test]
fn statements_are_recognised_and_comments_are_not() {
    let source = "//! SELECT in a doc\nlet x = db.query(\"SELECT id FROM t\", []);\n    \"INSERT INTO t (a) VALUES (?1)\",\n  UPDATE t SET a = 1 \\\n// DELETE FROM t\n";
    assert_eq!(
        statements_in(source),
        [
            "let x = db.query(\"SELECT id FROM t\", []);",
            "\"INSERT INTO t (a) VALUES (?1)\",",
            "UPDATE t SET a = 1 \\",
        ]
    );
}
