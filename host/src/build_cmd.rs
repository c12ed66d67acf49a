//! `zhanye build`: runs each component's `[component.x.build]` commands in its
//! `workdir` (relative to the manifest), one after another, as `spin build` does.

use crate::manifest::LoadedManifest;
use anyhow::{Context, Result, bail};
use std::process::Command;

pub fn build(manifest: &LoadedManifest, only: &[String]) -> Result<()> {
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
        for command in build.command.commands() {
            eprintln!("Building component {id} with `{command}`");
            let status = Command::new("sh")
                .arg("-c")
                .arg(command)
                .current_dir(&dir)
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
