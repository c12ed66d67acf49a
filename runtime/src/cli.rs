//! The command-line flags every verb that loads an app shares (`zhanye up`, `cron`,
//! `migrate`, `bench suite`, …), as [`clap`] arguments to flatten into a command.

use crate::app::AppOptions;
use crate::engine::Limits;
use crate::trigger::limits::ServeLimits;
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

/// The HTTP server's limits on its clients (see [`ServeLimits`]); unset flags take
/// [`ServeLimits::for_pool`]'s values.
#[derive(Args, Clone, Debug, Default)]
pub struct ServeArgs {
    /// Time from a request's first byte to the end of its head, in milliseconds.
    #[arg(long)]
    pub header_timeout_ms: Option<u64>,
    /// Time a kept-alive connection may wait idle for its next request, in milliseconds.
    #[arg(long)]
    pub idle_timeout_ms: Option<u64>,
    /// Time a request body may take after its head, in milliseconds, plus one second
    /// for every 64 KiB of it (408 past it).
    #[arg(long)]
    pub body_timeout_ms: Option<u64>,
    /// Largest request body, in MiB (413 above it).
    #[arg(long)]
    pub max_body_mb: Option<usize>,
    /// Connections one client address may hold at once (0: no cap; raise it behind a
    /// proxy, whose address every client then has).
    #[arg(long)]
    pub max_connections_per_address: Option<u32>,
    /// Instances of one component alive at once.
    #[arg(long)]
    pub max_instances_per_component: Option<u32>,
    /// Requests of one component that may wait for an instance (503 beyond).
    #[arg(long)]
    pub max_queued_per_component: Option<u32>,
    /// Time a request may wait for an instance, in milliseconds (503 past it).
    #[arg(long)]
    pub queue_timeout_ms: Option<u64>,
}

impl ServeArgs {
    /// The limits these flags stand for, for a pool of `max_instances`.
    pub fn limits(&self, max_instances: u32) -> ServeLimits {
        let mut l = ServeLimits::for_pool(max_instances);
        let ms = Duration::from_millis;
        if let Some(v) = self.header_timeout_ms {
            l.header_timeout = ms(v);
        }
        if let Some(v) = self.idle_timeout_ms {
            l.idle_timeout = ms(v);
        }
        if let Some(v) = self.body_timeout_ms {
            l.body_timeout = ms(v);
        }
        if let Some(v) = self.max_body_mb {
            l.max_body_bytes = v << 20;
        }
        if let Some(v) = self.max_connections_per_address {
            l.max_connections_per_address = v;
        }
        if let Some(v) = self.max_instances_per_component {
            l.max_instances_per_component = v;
        }
        if let Some(v) = self.max_queued_per_component {
            l.max_queued_per_component = v;
        }
        if let Some(v) = self.queue_timeout_ms {
            l.queue_timeout = ms(v);
        }
        l
    }
}
