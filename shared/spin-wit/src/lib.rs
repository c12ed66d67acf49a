//! Used from `build.rs` files. The WIT of Spin's interfaces is not retyped anywhere in
//! the repo: it is read from the `wit/` folder that ships inside the `spin-sdk` crate
//! (located through `cargo metadata`), and the app's own WIT from the repo's `wit/`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the repository's own WIT packages live (e.g. the cron world).
pub fn repo_wit_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wit")
}

/// The `wit/` folder of the `spin-sdk` package the workspace resolves to: the
/// version locked in `Cargo.lock`, in cargo's registry sources, else wherever
/// `cargo metadata` says it is.
pub fn spin_sdk_wit_dir() -> Result<PathBuf, String> {
    if let Some(dir) = locked_registry_source("spin-sdk") {
        return Ok(dir.join("wit"));
    }
    spin_sdk_wit_dir_from_metadata()
}

/// `$CARGO_HOME/registry/src/*/<name>-<locked version>`, if present.
fn locked_registry_source(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).ok()?;
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.lock").display()
    );
    let mut lines = lock.lines();
    let mut version = None;
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{name}\"") {
            version = lines
                .next()
                .and_then(|v| v.trim().strip_prefix("version = \""))
                .map(|v| v.trim_end_matches('"').to_string());
            break;
        }
    }
    let version = version?;
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let src = home.join("registry").join("src");
    std::fs::read_dir(src)
        .ok()?
        .filter_map(Result::ok)
        .map(|index| index.path().join(format!("{name}-{version}")))
        .find(|dir| dir.join("wit").is_dir())
}

fn spin_sdk_wit_dir_from_metadata() -> Result<PathBuf, String> {
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
    let sdk = packages
        .iter()
        .filter(|p| p["name"] == "spin-sdk")
        .filter_map(|p| p["manifest_path"].as_str())
        .map(|m| {
            Path::new(m)
                .parent()
                .expect("manifest has a folder")
                .join("wit")
        })
        .find(|dir| dir.is_dir())
        .ok_or("spin-sdk is not among the workspace's resolved packages")?;
    Ok(sdk)
}

/// Copies the named packages (folder names under spin-sdk's `wit/deps`, e.g.
/// `spin-sqlite@3.1.0`) and every package of the repo's `wit/` into `dest`
/// (normally `<crate>/wit/deps`, which is git-ignored), and tells cargo when to rerun.
pub fn vendor(dest: &Path, spin_sdk_packages: &[&str]) -> Result<(), String> {
    let sdk = spin_sdk_wit_dir()?;
    std::fs::create_dir_all(dest).map_err(|e| e.to_string())?;
    for name in spin_sdk_packages {
        copy_dir(&sdk.join("deps").join(name), &dest.join(name))?;
    }
    let repo = repo_wit_dir();
    println!("cargo:rerun-if-changed={}", repo.display());
    for entry in std::fs::read_dir(&repo).map_err(|e| format!("{}: {e}", repo.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest.join(entry.file_name()))?;
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        let bytes = std::fs::read(entry.path()).map_err(|e| e.to_string())?;
        // Leave unchanged files alone so their mtime does not retrigger builds.
        if std::fs::read(&target).ok().as_deref() != Some(&bytes[..]) {
            std::fs::write(&target, bytes).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
