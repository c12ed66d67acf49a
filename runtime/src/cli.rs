//! The command-line flags every verb that loads an app shares (`zhanye up`, `cron`,
//! `migrate`, `bench suite`, …), as [`clap`] arguments to flatten into a command.

use crate::app::AppOptions;
use crate::engine::Limits;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

/// Which app to load, where its state lives, and the limits of its instances.
#[derive(Args, Clone, Debug)]
pub struct AppArgs {
    /// The application manifest.
    #[arg(short = 'f', long = "from", default_value = "spin.toml")]
    pub manifest: PathBuf,
    /// Where the default stores and other local state live (default: `.spin` beside the manifest).
    #[arg(long)]
    pub state_dir: Option<PathBuf>,
    /// Spin runtime configuration (store locations).
    #[arg(long)]
    pub runtime_config_file: Option<PathBuf>,
    /// Largest linear memory one instance may have, in MiB.
    #[arg(long, default_value_t = 256)]
    pub max_memory_mb: usize,
    /// Time one request or cron event may take, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    pub timeout_ms: u64,
    /// Instances alive at once.
    #[arg(long, default_value_t = 1000)]
    pub max_instances: u32,
}

impl AppArgs {
    /// The options these flags stand for (the state directory is created).
    pub fn options(&self) -> Result<AppOptions> {
        AppOptions::new(
            &self.manifest,
            self.state_dir.clone(),
            self.runtime_config_file.clone(),
            Limits {
                max_memory_bytes: self.max_memory_mb << 20,
                timeout: Duration::from_millis(self.timeout_ms),
                max_instances: self.max_instances,
            },
        )
    }
}
