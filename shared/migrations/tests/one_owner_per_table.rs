//! One owner per table: of all the app's native code, only the crate that owns a table
//! writes it; every other crate calls that crate. This reads the sources of the domain
//! crates, the host and the tools, finds every statement that writes (`INSERT INTO`,
//! `UPDATE … SET`, `DELETE FROM`), and fails when a table has writers in two crates or
//! when a write names something the migrations never created. (Components hold no SQL
//! at all: `components_hold_no_sql`.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A crate that writes scratch databases of its own, not the app's: the plan tests'.
const NOT_APP_WRITERS: &[&str] = &["shared/query-plans"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The app's tables: the migrations' `CREATE TABLE`s and the tracking tables the
/// migrations crate creates itself.
fn tables() -> BTreeSet<String> {
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(repo().join("migrations"))
        .unwrap()
        .flatten()
    {
        sources.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    let tracking = std::fs::read_to_string(repo().join("shared/migrations/src/lib.rs")).unwrap();
    sources.push(without_unit_tests(&tracking).to_owned());
    let mut tables = BTreeSet::new();
    for sql in &sources {
        let words: Vec<&str> = sql
            .split(|c: char| c.is_whitespace() || c == '"')
            .filter(|w| !w.is_empty())
            .collect();
        for (at, word) in words.iter().enumerate() {
            if *word != "CREATE" || words.get(at + 1) != Some(&"TABLE") {
                continue;
            }
            let name = match words.get(at + 2) {
                Some(&"IF") => words.get(at + 5),
                other => other,
            };
            if let Some(name) = name {
                tables.insert(identifier(name).to_owned());
            }
        }
    }
    tables
}

/// A source file without its unit tests (whose statements run on scratch tables).
fn without_unit_tests(source: &str) -> &str {
    source
        .find("#[cfg(test)]")
        .map_or(source, |at| &source[..at])
}

/// The leading identifier of a word (`approval_events` of `approval_events(`).
fn identifier(word: &str) -> &str {
    let end = word
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(word.len());
    &word[..end]
}

/// The tables a source file writes, each with the line that writes it. Comments are
/// left out; `ON CONFLICT … DO UPDATE SET` is part of an insert, not an update.
fn writes_in(source: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in source.lines().map(str::trim) {
        if line.starts_with("//") {
            continue;
        }
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == '"')
            .filter(|w| !w.is_empty())
            .collect();
        for (at, word) in words.iter().enumerate() {
            let table = match (*word, words.get(at + 1), words.get(at + 2)) {
                ("INSERT", Some(&"INTO"), Some(name)) => name,
                ("DELETE", Some(&"FROM"), Some(name)) => name,
                ("UPDATE", Some(name), Some(&"SET")) if at == 0 || words[at - 1] != "DO" => name,
                _ => continue,
            };
            found.push((identifier(table).to_owned(), line.to_owned()));
        }
    }
    found
}

/// Every crate's writes: crate folder → table → lines.
fn writers() -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let root = repo();
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("shared"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    crates.extend(["host", "tools", "components"].map(|c| root.join(c)));
    let mut writers: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for dir in crates {
        let name = dir
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if NOT_APP_WRITERS.contains(&name.as_str()) {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        if name == "components" {
            rust_files(&dir, &mut files);
        }
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            for (table, line) in writes_in(without_unit_tests(&source)) {
                writers
                    .entry(name.clone())
                    .or_default()
                    .entry(table)
                    .or_default()
                    .push(format!(
                        "{}: {line}",
                        file.strip_prefix(&root).unwrap().display()
                    ));
            }
        }
    }
    writers
}

#[test]
fn every_table_has_one_writing_crate() {
    let tables = tables();
    assert!(
        tables.len() > 40,
        "the migrations' tables are found: {tables:?}"
    );
    let writers = writers();
    assert!(
        writers.len() >= 8,
        "the domain crates' writes are found: {:?}",
        writers.keys()
    );
    let mut owners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for (krate, written) in &writers {
        for (table, lines) in written {
            if tables.contains(table) {
                owners.entry(table).or_default().push(krate);
            } else {
                unknown.extend(lines.iter().cloned());
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "writes to something no migration creates (a table built from text?):\n{}",
        unknown.join("\n")
    );
    let shared: Vec<String> = owners
        .iter()
        .filter(|(_, crates)| crates.len() > 1)
        .map(|(table, crates)| {
            let lines: Vec<&String> = crates
                .iter()
                .flat_map(|c| writers[*c][*table].iter())
                .collect();
            format!("{table}: written by {crates:?}\n  {lines:#?}")
        })
        .collect();
    assert!(
        shared.is_empty(),
        "tables with more than one writing crate:\n{}",
        shared.join("\n")
    );
    // The owners the product's modules are built around.
    for (table, owner) in [
        ("customers", "shared/customers"),
        ("approval_requests", "shared/approvals"),
        ("approval_events", "shared/approvals"),
        ("manual_reset_requests", "shared/accounts"),
        ("staff", "shared/accounts"),
        ("tasks", "shared/tasks"),
        ("assessment_results", "shared/assessment"),
        // The one audit statement, used by the db helper and the host's migrations.
        ("audit_log", "shared/migrations"),
    ] {
        assert_eq!(owners.get(table), Some(&vec![owner]), "{table}");
    }
}

#[test]
fn writes_are_recognised_and_reads_and_comments_are_not() {
    let source = "// UPDATE t SET a = 1\n\
        db.execute(\"INSERT INTO a (x) VALUES (?1) ON CONFLICT (x) DO UPDATE SET x = 1\", []);\n\
        \"UPDATE b SET y = 2 WHERE id IN (SELECT id FROM c)\",\n\
        DELETE FROM d WHERE e = 1\n\
        \"SELECT * FROM e JOIN f ON f.id = e.id\"\n\
        \"INSERT INTO g(x) SELECT x FROM h\"";
    let tables: Vec<String> = writes_in(source).into_iter().map(|(t, _)| t).collect();
    assert_eq!(tables, ["a", "b", "d", "g"]);
}
