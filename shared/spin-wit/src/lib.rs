//! Used from `build.rs` files. The WIT of Spin's interfaces is not retyped anywhere in
//! the repo: it is read from the `wit/` folders that ship inside the `spin-sdk` crates
//! the workspace locks (located through `Cargo.lock`, else `cargo metadata`), and the
//! app's own WIT from the repo's `wit/`.
//!
//! The workspace locks more than one spin-sdk (5.2 for the WASI 0.2 components, 7 for
//! the WASI 0.3 fixtures) and each ships a different set of Spin packages, so a
//! requested package is looked up in every locked version.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the repository's own WIT packages live (e.g. the cron world).
pub fn repo_wit_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wit")
}

/// The `wit/` folder of the newest `spin-sdk` the workspace locks.
pub fn spin_sdk_wit_dir() -> Result<PathBuf, String> {
    spin_sdk_wit_dirs()?
        .into_iter()
        .next()
        .ok_or_else(|| "no spin-sdk with a wit/ folder is locked".to_string())
}

/// The `wit/` folders of every `spin-sdk` version the workspace locks, newest first:
/// cargo's registry sources of the versions in `Cargo.lock`, else wherever
/// `cargo metadata` says they are.
pub fn spin_sdk_wit_dirs() -> Result<Vec<PathBuf>, String> {
    let dirs = locked_registry_sources("spin-sdk");
    if !dirs.is_empty() {
        return Ok(dirs.into_iter().map(|d| d.join("wit")).collect());
    }
    spin_sdk_wit_dirs_from_metadata()
}

/// Every version of `name` in `Cargo.lock`, newest first.
fn locked_versions(lock: &str, name: &str) -> Vec<String> {
    let name_line = format!("name = \"{name}\"");
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() != name_line {
            continue;
        }
        if let Some(version) = lines
            .next()
            .and_then(|v| v.trim().strip_prefix("version = \""))
            .map(|v| v.trim_end_matches('"').to_string())
        {
            versions.push(version);
        }
    }
    versions.sort_by_key(|v| std::cmp::Reverse(version_key(v)));
    versions.dedup();
    versions
}

/// Orders `x.y.z` numerically (a pre-release tail sorts by its text after the numbers).
fn version_key(version: &str) -> (Vec<u64>, String) {
    let (core, tail) = version.split_once('-').unwrap_or((version, ""));
    let numbers = core.split('.').map(|n| n.parse().unwrap_or(0)).collect();
    (numbers, tail.to_string())
}

/// `$CARGO_HOME/registry/src/*/<name>-<version>` for each locked version that is present.
fn locked_registry_sources(name: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let Ok(lock) = std::fs::read_to_string(root.join("Cargo.lock")) else {
        return Vec::new();
    };
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.lock").display()
    );
    let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    else {
        return Vec::new();
    };
    let indexes: Vec<PathBuf> = std::fs::read_dir(home.join("registry").join("src"))
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    locked_versions(&lock, name)
        .iter()
        .filter_map(|version| {
            indexes
                .iter()
                .map(|index| index.join(format!("{name}-{version}")))
                .find(|dir| dir.join("wit").is_dir())
        })
        .collect()
}

fn spin_sdk_wit_dirs_from_metadata() -> Result<Vec<PathBuf>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(&workspace)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("bad cargo metadata: {e}"))?;
    let packages = meta["packages"]
        .as_array()
        .ok_or("no packages in metadata")?;
    let mut sdks: Vec<(String, PathBuf)> = packages
        .iter()
        .filter(|p| p["name"] == "spin-sdk")
        .filter_map(|p| {
            let version = p["version"].as_str()?.to_string();
            let manifest = Path::new(p["manifest_path"].as_str()?);
            Some((version, manifest.parent()?.join("wit")))
        })
        .filter(|(_, dir)| dir.is_dir())
        .collect();
    if sdks.is_empty() {
        return Err("spin-sdk is not among the workspace's resolved packages".into());
    }
    sdks.sort_by_key(|(v, _)| std::cmp::Reverse(version_key(v)));
    Ok(sdks.into_iter().map(|(_, dir)| dir).collect())
}

/// One entry of a spin-sdk's `wit/deps`: a folder (or a single `.wit` file) holding one
/// WIT package.
#[derive(Clone, Debug)]
struct DepEntry {
    /// The entry's name in `wit/deps`, kept as its name in `dest`.
    name: String,
    path: PathBuf,
    /// Which spin-sdk (index into the newest-first list) ships it.
    sdk: usize,
    /// `namespace:name@version` as its `package` statement declares it.
    package: String,
    /// The packages its WIT refers to (`use`/`import`/`include` of `ns:pkg/...`).
    needs: BTreeSet<String>,
}

/// Copies the named packages (entry names under some locked spin-sdk's `wit/deps`,
/// e.g. `spin-sqlite@3.1.0` from spin-sdk 7 or `spin@2.0.0` from 5.2), the packages
/// they refer to (e.g. the `wasi:cli` a Spin world includes), and every package of the
/// repo's `wit/` into `dest` (normally `<crate>/wit/deps`, which is git-ignored), and
/// tells cargo when to rerun. Entries of `dest` that this call did not write are
/// removed, so a stale copy can never declare a package twice.
pub fn vendor(dest: &Path, spin_sdk_packages: &[&str]) -> Result<(), String> {
    std::fs::create_dir_all(dest).map_err(|e| e.to_string())?;
    let mut written: BTreeSet<String> = BTreeSet::new();
    let mut provided: BTreeSet<String> = BTreeSet::new();
    let mut wanted: Vec<DepEntry> = Vec::new();

    // The repo's own packages first: they may refer to Spin's too.
    let repo = repo_wit_dir();
    println!("cargo:rerun-if-changed={}", repo.display());
    for entry in std::fs::read_dir(&repo).map_err(|e| format!("{}: {e}", repo.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        if !entry.path().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let dep = read_entry(&name, &entry.path(), usize::MAX)?;
        copy_entry(&dep.path, &dest.join(&name))?;
        written.insert(name);
        provided.insert(dep.package.clone());
        wanted.push(dep);
    }

    if !spin_sdk_packages.is_empty() || wanted.iter().any(|d| !d.needs.is_empty()) {
        let index = sdk_index()?;
        for name in spin_sdk_packages {
            let dep = index
                .values()
                .flatten()
                .find(|d| d.name == *name)
                .ok_or_else(|| format!("no locked spin-sdk ships the WIT package `{name}`"))?;
            if !provided.insert(dep.package.clone()) {
                return Err(format!(
                    "`{name}` declares {}, which another requested package already declares",
                    dep.package
                ));
            }
            copy_entry(&dep.path, &dest.join(&dep.name))?;
            written.insert(dep.name.clone());
            wanted.push(dep.clone());
        }

        // Then whatever those refer to, preferring the spin-sdk that ships the referrer.
        while let Some(referrer) = wanted.pop() {
            for package in &referrer.needs {
                if provided.contains(package) {
                    continue;
                }
                let candidates = index.get(package).ok_or_else(|| {
                    format!(
                        "{} (from `{}`) needs {package}, which no locked spin-sdk ships",
                        referrer.package, referrer.name
                    )
                })?;
                let dep = candidates
                    .iter()
                    .find(|d| d.sdk == referrer.sdk)
                    .unwrap_or(&candidates[0]);
                copy_entry(&dep.path, &dest.join(&dep.name))?;
                written.insert(dep.name.clone());
                provided.insert(package.clone());
                wanted.push(dep.clone());
            }
        }
    }

    for entry in std::fs::read_dir(dest).map_err(|e| format!("{}: {e}", dest.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        if written.contains(&*entry.file_name().to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| format!("cannot remove stale {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Every `wit/deps` entry of every locked spin-sdk, by the package it declares; for each
/// package, the newest spin-sdk's entry comes first.
fn sdk_index() -> Result<BTreeMap<String, Vec<DepEntry>>, String> {
    let mut index: BTreeMap<String, Vec<DepEntry>> = BTreeMap::new();
    for (sdk, wit) in spin_sdk_wit_dirs()?.iter().enumerate() {
        let deps = wit.join("deps");
        for entry in std::fs::read_dir(&deps).map_err(|e| format!("{}: {e}", deps.display()))? {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let dep = read_entry(&name, &entry.path(), sdk)?;
            index.entry(dep.package.clone()).or_default().push(dep);
        }
    }
    Ok(index)
}

/// Reads the WIT of one entry (a package folder or a single `.wit` file).
fn read_entry(name: &str, path: &Path, sdk: usize) -> Result<DepEntry, String> {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "wit"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut package = None;
    let mut needs = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let code = strip_comments(&text);
        if package.is_none() {
            package = declared_package(&code);
        }
        needs.extend(referenced_packages(&code));
    }
    let package = package.ok_or_else(|| format!("{} declares no WIT package", path.display()))?;
    needs.remove(&package);
    Ok(DepEntry {
        name: name.to_string(),
        path: path.to_path_buf(),
        sdk,
        package,
        needs,
    })
}

/// The WIT text without its `//` and `/* */` comments (so prose naming an interface is
/// not taken for a reference).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
            out.push(' ');
        } else {
            let c = rest.chars().next().expect("rest is not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `ns:name@version` from the first `package ns:name@version;` statement.
fn declared_package(code: &str) -> Option<String> {
    code.split(';').find_map(|statement| {
        let id = statement.trim().strip_prefix("package ")?;
        let id = id.split(['{', ' ', '\n', '\t', '\r']).next()?.trim();
        id.contains(':').then(|| id.to_string())
    })
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// The packages named by foreign references `ns:pkg/item[@version]` in `code`, as
/// `ns:pkg@version` (or `ns:pkg` when unversioned).
fn referenced_packages(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != ':' || i == 0 || !is_id_char(chars[i - 1]) {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > 0 && is_id_char(chars[start - 1]) {
            start -= 1;
        }
        let mut end = i + 1;
        while end < chars.len() && is_id_char(chars[end]) {
            end += 1;
        }
        // A reference has `/item` after the package name; `package ns:pkg@v;` has not.
        if end == i + 1 || chars.get(end) != Some(&'/') {
            i = end.max(i + 1);
            continue;
        }
        let package: String = chars[start..end].iter().collect();
        let mut item_end = end + 1;
        while item_end < chars.len() && is_id_char(chars[item_end]) {
            item_end += 1;
        }
        let mut version = String::new();
        if chars.get(item_end) == Some(&'@') {
            let mut v_end = item_end + 1;
            while v_end < chars.len()
                && (is_id_char(chars[v_end]) || matches!(chars[v_end], '.' | '+'))
            {
                v_end += 1;
            }
            // `use ns:pkg/item@1.0.0.{name}`: the dot before `{` is not the version's.
            version = chars[item_end + 1..v_end]
                .iter()
                .collect::<String>()
                .trim_end_matches('.')
                .to_string();
            item_end = v_end;
        }
        found.insert(if version.is_empty() {
            package
        } else {
            format!("{package}@{version}")
        });
        i = item_end;
    }
    found
}

/// Copies a package folder (or single file) to `to`, leaving unchanged files alone so
/// their mtime does not retrigger builds.
fn copy_entry(from: &Path, to: &Path) -> Result<(), String> {
    if from.is_file() {
        return copy_file(from, to);
    }
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    let mut copied = BTreeSet::new();
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        copy_file(&entry.path(), &to.join(entry.file_name()))?;
        copied.insert(entry.file_name());
    }
    // A file the source no longer has would still be parsed as part of the package.
    for entry in std::fs::read_dir(to).map_err(|e| format!("{}: {e}", to.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        if !copied.contains(&entry.file_name()) {
            std::fs::remove_file(entry.path()).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    let bytes = std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
    if std::fs::read(to).ok().as_deref() != Some(&bytes[..]) {
        std::fs::write(to, bytes).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_newest_first() {
        let lock = "[[package]]\nname = \"spin-sdk\"\nversion = \"5.2.0\"\n\n\
                    [[package]]\nname = \"spin-sdk\"\nversion = \"7.0.0\"\n\n\
                    [[package]]\nname = \"spin-sdk-x\"\nversion = \"9.0.0\"\n";
        assert_eq!(locked_versions(lock, "spin-sdk"), ["7.0.0", "5.2.0"]);
        assert!(version_key("10.0.0") > version_key("9.1.0"));
    }

    #[test]
    fn package_and_references() {
        let wit = "// package not:this@1.0.0; wasi:fake/x@9.9.9\n\
                   package fermyon:spin@2.0.0;\n\
                   /* wasi:also-fake/y */\n\
                   world platform {\n\
                     include wasi:cli/imports@0.2.0;\n\
                     import wasi:http/outgoing-handler@0.2.0-rc-2023-10-18;\n\
                     import llm;\n\
                   }\n\
                   interface t { use wasi:io/poll@0.2.0.{pollable}; use fermyon:spin/x.{y}; }\n";
        let code = strip_comments(wit);
        assert_eq!(
            declared_package(&code).as_deref(),
            Some("fermyon:spin@2.0.0")
        );
        let refs: Vec<String> = referenced_packages(&code).into_iter().collect();
        assert_eq!(
            refs,
            [
                "fermyon:spin",
                "wasi:cli@0.2.0",
                "wasi:http@0.2.0-rc-2023-10-18",
                "wasi:io@0.2.0",
            ]
        );
    }

    /// Against the spin-sdk crates this workspace really locks.
    #[test]
    fn finds_packages_in_every_locked_sdk() {
        let index = sdk_index().expect("the locked spin-sdk crates are readable");
        for package in [
            "spin:sqlite@3.1.0",
            "spin:sqlite@3.0.0",
            "fermyon:spin@2.0.0",
            "wasi:keyvalue@0.2.0-draft2",
            "spin:postgres@4.2.0",
        ] {
            assert!(index.contains_key(package), "{package} is not found");
        }
    }
}
