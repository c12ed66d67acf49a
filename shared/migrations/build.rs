//! Embeds the repository's `migrations/NNNN_name.sql` and `demo/NNNN_name.sql` scripts.
//!
//! For each folder this writes `$OUT_DIR/<folder>.rs`, a slice expression of `Script`s
//! sorted by version whose SQL is pulled in with `include_str!`, with the PostgreSQL
//! variant `<folder>/postgres/NNNN_name.sql` where one exists. The build fails on a
//! `.sql` file whose name does not follow `NNNN_name.sql` and on two files sharing a
//! version, so a broken plan can never be shipped.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let repo_root = manifest_dir.join("..").join("..");

    for folder in ["migrations", "demo"] {
        let dir = repo_root.join(folder);
        // A folder is watched as a whole: adding, removing or editing a file reruns this.
        println!("cargo:rerun-if-changed={}", dir.display());
        let scripts = match collect(&dir) {
            Ok(scripts) => scripts,
            Err(message) => panic!("{folder}/: {message}"),
        };
        let variants = dir.join("postgres");
        // Watched only when present (a missing path would rerun this on every build);
        // creating it changes the watched folder above.
        if variants.is_dir() {
            println!("cargo:rerun-if-changed={}", variants.display());
        }
        let code = render(&scripts, &variants);
        fs::write(out_dir.join(format!("{folder}.rs")), code)
            .unwrap_or_else(|e| panic!("writing {folder}.rs: {e}"));
    }
}

struct Found {
    name: String,
    file_name: String,
    path: PathBuf,
}

/// Reads `dir` (a missing folder holds no scripts) into version → script.
fn collect(dir: &Path) -> Result<BTreeMap<u32, Found>, String> {
    let mut scripts = BTreeMap::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(scripts),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        let Some(stem) = file_name.strip_suffix(".sql") else {
            continue; // README.md and the like
        };
        let (version, name) = parse_stem(stem).ok_or_else(|| {
            format!("`{file_name}` is not named NNNN_name.sql (digits, `_`, then [a-z0-9_])")
        })?;
        println!("cargo:rerun-if-changed={}", path.display());
        let path = fs::canonicalize(&path).unwrap_or(path);
        if let Some(previous) = scripts.insert(
            version,
            Found {
                name: name.to_owned(),
                file_name: file_name.clone(),
                path,
            },
        ) {
            return Err(format!(
                "version {version} is used twice: `{}` and `{file_name}`",
                previous.file_name
            ));
        }
    }
    Ok(scripts)
}

/// `0001_foundation` → (1, "foundation").
fn parse_stem(stem: &str) -> Option<(u32, &str)> {
    let (digits, name) = stem.split_once('_')?;
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid_name {
        return None;
    }
    let version: u32 = digits.parse().ok()?;
    (version > 0).then_some((version, name))
}

fn render(scripts: &BTreeMap<u32, Found>, variants: &Path) -> String {
    let mut code = String::from("&[\n");
    for (version, found) in scripts {
        let path = found
            .path
            .to_str()
            .expect("script paths must be valid UTF-8");
        let variant = variants.join(&found.file_name);
        let postgres = if variant.is_file() {
            println!("cargo:rerun-if-changed={}", variant.display());
            let variant = fs::canonicalize(&variant).unwrap_or(variant);
            let variant = variant.to_str().expect("script paths must be valid UTF-8");
            format!("Some(include_str!({variant:?}))")
        } else {
            "None".to_string()
        };
        writeln!(
            code,
            "    Script {{ version: {version}, name: {name:?}, sql: include_str!({path:?}), \
             postgres: {postgres} }},",
            name = found.name,
        )
        .expect("writing to a String");
    }
    code.push(']');
    code
}
