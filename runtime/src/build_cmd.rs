//! `zhanye build`: runs each component's `[component.x.build]` commands in its
//! `workdir` (relative to the manifest), one after another, as `spin build` does.
//!
//! Before compiling anything it makes sure the Rust toolchain of every workdir whose
//! commands build for `wasm32-wasip2` has that target: `rust-toolchain.toml`'s
//! `targets` only applies when rustup installs the toolchain, so a toolchain that was
//! already there lacks it, and the build would fail late with "can't find crate for
//! core".

use crate::manifest::LoadedManifest;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Wasm target Spin components are compiled for.
const WASM_TARGET: &str = "wasm32-wasip2";

pub fn build(manifest: &LoadedManifest, only: &[String]) -> Result<()> {
    let mut steps = Vec::new();
    for (id, decl) in &manifest.manifest.component {
        if !only.is_empty() && !only.contains(id) {
            continue;
        }
        let Some(build) = &decl.build else {
            continue;
        };
        let dir = match &build.workdir {
            Some(w) => manifest.dir.join(w),
            None => manifest.dir.clone(),
        };
        steps.push((id, dir, build.command.commands()));
    }
    let target_dirs: BTreeSet<&PathBuf> = steps
        .iter()
        .filter(|(_, _, commands)| needs_wasm_target(commands))
        .map(|(_, dir, _)| dir)
        .collect();
    for dir in target_dirs {
        ensure_wasm_target(dir)?;
    }
    for (id, dir, commands) in &steps {
        for command in commands {
            eprintln!("Building component {id} with `{command}`");
            let status = Command::new("sh")
                .arg("-c")
                .arg(command)
                .current_dir(dir)
                .status()
                .with_context(|| format!("cannot run the build command of {id}"))?;
            if !status.success() {
                bail!("build command for component {id} failed: {status}");
            }
        }
    }
    eprintln!("Finished building all Spin components");
    Ok(())
}

/// Whether any of a component's build commands compiles for the Wasm target.
fn needs_wasm_target(commands: &[&str]) -> bool {
    commands.iter().any(|c| c.contains(WASM_TARGET))
}

/// Whether `rustup target list --installed` printed the Wasm target.
fn lists_wasm_target(installed: &str) -> bool {
    installed.lines().any(|line| line.trim() == WASM_TARGET)
}

/// What to do about the Wasm target in one workdir, from what rustup answered.
#[derive(Debug, PartialEq)]
enum TargetAction {
    /// The toolchain has it.
    Ready,
    /// The toolchain lacks it: `rustup target add` it.
    Add,
    /// No rustup: check the toolchain's own files instead.
    NoRustup,
    /// rustup could not list the targets (e.g. the pinned toolchain is missing).
    Fail(String),
}

fn decide(listing: std::io::Result<std::process::Output>) -> TargetAction {
    match listing {
        Err(e) if e.kind() == ErrorKind::NotFound => TargetAction::NoRustup,
        Err(e) => TargetAction::Fail(e.to_string()),
        Ok(out) if !out.status.success() => {
            TargetAction::Fail(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
        Ok(out) if lists_wasm_target(&String::from_utf8_lossy(&out.stdout)) => TargetAction::Ready,
        Ok(_) => TargetAction::Add,
    }
}

/// The command a user runs to add the target by hand.
fn add_command() -> String {
    format!("rustup target add {WASM_TARGET}")
}

/// Makes sure the toolchain that builds in `dir` (rustup reads `rust-toolchain.toml`
/// from there) has the Wasm target, adding it when it is missing.
fn ensure_wasm_target(dir: &Path) -> Result<()> {
    let listing = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(dir)
        .output();
    match decide(listing) {
        TargetAction::Ready => Ok(()),
        TargetAction::Add => {
            eprintln!(
                "The Rust toolchain for {} lacks the {WASM_TARGET} target; running `{}`",
                dir.display(),
                add_command()
            );
            let status = Command::new("rustup")
                .args(["target", "add", WASM_TARGET])
                .current_dir(dir)
                .status()
                .with_context(|| format!("cannot run `{}`", add_command()))?;
            if !status.success() {
                bail!(
                    "`{}` failed ({status}) in {}; run it there yourself, then build again",
                    add_command(),
                    dir.display()
                );
            }
            Ok(())
        }
        TargetAction::NoRustup => {
            if sysroot_has_wasm_target(dir) {
                return Ok(());
            }
            bail!(
                "the build commands compile for {WASM_TARGET}, which this Rust toolchain lacks, and rustup was not found to add it: install rustup (https://rustup.rs), then run `{}` in {}",
                add_command(),
                dir.display()
            )
        }
        TargetAction::Fail(why) => bail!(
            "cannot check for the {WASM_TARGET} target: `rustup target list --installed` failed in {}: {why}",
            dir.display()
        ),
    }
}

/// Without rustup, whether the `rustc` on the path ships the Wasm target's library.
fn sysroot_has_wasm_target(dir: &Path) -> bool {
    let Ok(out) = Command::new("rustc")
        .args(["--print", "sysroot"])
        .current_dir(dir)
        .output()
    else {
        return false;
    };
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    out.status.success() && sysroot.join("lib/rustlib").join(WASM_TARGET).is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{ExitStatus, Output};

    fn output(code: i32, stdout: &str, stderr: &str) -> std::io::Result<Output> {
        Ok(Output {
            status: ExitStatus::from_raw(code << 8),
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.as_bytes().to_vec(),
        })
    }

    #[test]
    fn only_commands_for_the_wasm_target_need_it() {
        assert!(needs_wasm_target(&[
            "npm ci",
            "cargo build --target wasm32-wasip2 --release -p x"
        ]));
        assert!(!needs_wasm_target(&["npm run build"]));
        assert!(!needs_wasm_target(&["cargo build --target wasm32-wasip1"]));
        assert!(!needs_wasm_target(&[]));
    }

    #[test]
    fn the_installed_list_is_read_line_by_line() {
        assert!(lists_wasm_target(
            "wasm32-wasip2\nx86_64-unknown-linux-gnu\n"
        ));
        assert!(!lists_wasm_target("x86_64-unknown-linux-gnu\n"));
        assert!(!lists_wasm_target("wasm32-wasip2-threads\n"));
        assert!(!lists_wasm_target(""));
    }

    #[test]
    fn what_rustups_answer_means() {
        assert_eq!(
            decide(output(0, "x86_64-unknown-linux-gnu\nwasm32-wasip2\n", "")),
            TargetAction::Ready
        );
        assert_eq!(
            decide(output(0, "x86_64-unknown-linux-gnu\n", "")),
            TargetAction::Add
        );
        assert_eq!(
            decide(Err(std::io::Error::from(ErrorKind::NotFound))),
            TargetAction::NoRustup
        );
        assert_eq!(
            decide(output(
                1,
                "",
                "error: toolchain '1.95.0' is not installed\n"
            )),
            TargetAction::Fail("error: toolchain '1.95.0' is not installed".into())
        );
    }
}
