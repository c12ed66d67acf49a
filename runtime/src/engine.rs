//! The wasmtime engine shared by every component: pooling allocator, epoch-based
//! time limits, and a cache of compiled components so restarts skip compilation.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the epoch advances; time limits are counted in these ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// What one instance may use, and how many may be alive at once.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Upper bound on one instance's linear memory.
    pub max_memory_bytes: usize,
    /// Wall-clock bound on handling one request or one cron event.
    pub timeout: Duration,
    /// Instances alive at once (the pool's size).
    pub max_instances: u32,
}

impl Default for Limits {
    /// `zhanye up`'s defaults: 256 MiB, 30 s, 1,000 instances.
    fn default() -> Self {
        Self {
            max_memory_bytes: 256 << 20,
            timeout: Duration::from_secs(30),
            max_instances: 1000,
        }
    }
}

/// Compiled components are cached per user, like Spin's wasmtime cache:
/// `$ZHANYE_CACHE_DIR`, else `zhanye/components` in the user's cache folder.
pub fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("ZHANYE_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("zhanye").join("components")
}

pub fn build_engine(limits: &Limits) -> Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.wasm_component_model_async(true);
    config.epoch_interruption(true);

    let mut pool = PoolingAllocationConfig::default();
    let n = limits.max_instances;
    pool.total_component_instances(n);
    // A component built by Rust for wasip2 links a handful of core instances
    // (its module plus adapter shims), one memory, a couple of tables.
    pool.total_core_instances(n * 8);
    pool.total_memories(n * 2);
    pool.total_tables(n * 4);
    pool.total_stacks(n);
    pool.max_memory_size(limits.max_memory_bytes);
    pool.max_memories_per_component(4);
    pool.max_tables_per_component(8);
    pool.max_core_instances_per_component(32);
    pool.max_component_instance_size(1 << 20);
    pool.max_core_instance_size(1 << 20);
    pool.table_elements(20_000);
    // Reset a freed instance by rewriting only the pages it dirtied (PAGEMAP_SCAN,
    // Linux 6.7+) and keep them resident: the next instance starts without page
    // faults, and no madvise means no TLB shoot-downs across cores per request.
    // Where the kernel lacks the ioctl, decommits are batched instead.
    pool.pagemap_scan(wasmtime::Enabled::Auto);
    pool.linear_memory_keep_resident(16 << 20);
    pool.table_keep_resident(1 << 20);
    pool.decommit_batch_size(32);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));

    let engine = Engine::new(&config)
        .map_err(anyhow::Error::from)
        .context("cannot configure wasmtime")?;
    // One thread advances the epoch for every store's deadline.
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("zhanye-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })?;
    Ok(engine)
}

/// Loads a component, reusing the compiled artefact from `cache_dir` when the Wasm
/// bytes and the engine's settings are unchanged.
pub fn load_component(engine: &Engine, wasm_path: &Path, cache_dir: &Path) -> Result<Component> {
    let bytes = std::fs::read(wasm_path)
        .with_context(|| format!("cannot read component {}", wasm_path.display()))?;
    let mut hasher = Sha256::new();
    hasher.update(&bytes);
    let mut compat = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut compat);
    hasher.update(std::hash::Hasher::finish(&compat).to_le_bytes());
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    let key = hex::encode(hasher.finalize());
    let cached: PathBuf = cache_dir.join(format!("{key}.cwasm"));
    if cached.exists() {
        // SAFETY: the file was written by `Component::serialize` of an engine with the
        // same compatibility hash (part of the key) into our own cache folder.
        match unsafe { Component::deserialize_file(engine, &cached) } {
            Ok(c) => return Ok(c),
            Err(_) => {
                let _ = std::fs::remove_file(&cached);
            }
        }
    }
    let component = Component::new(engine, &bytes)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot compile component {}", wasm_path.display()))?;
    if let (Ok(()), Ok(serialized)) = (std::fs::create_dir_all(cache_dir), component.serialize()) {
        // Write then rename, so a concurrent reader never sees half a file.
        let tmp = cache_dir.join(format!("{key}.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, serialized).is_ok() {
            let _ = std::fs::rename(&tmp, &cached);
        }
    }
    Ok(component)
}
