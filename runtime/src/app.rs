//! From manifest to a runnable app: variables resolved, stores opened, components
//! compiled (or taken from the cache), linked and pre-instantiated once. Each request
//! or cron event then gets a fresh store and instance from the pre-instance.
//!
//! HTTP components serve either WASI 0.2 (`wasi:http/incoming-handler@0.2.x`, what
//! spin-sdk 5.x builds and every released Spin runs) or WASI 0.3
//! (`wasi:http/handler@0.3.0`, spin-sdk 7); which one is read from the component's
//! exports when it is loaded.

use crate::capability::outbound_http::{
    AllowedHosts, LocalDispatch, OutboundHooks, chaining_target,
};
use crate::capability::variables::{AppVariables, ComponentVariables};
use crate::capability::{self, cron_bindings::SpinCronPre, key_value, pool::SqlitePool, sqlite};
use crate::engine::{Limits, build_engine, default_cache_dir, load_component};
use crate::manifest::Manifest;
use crate::manifest::{ComponentDecl, FileMountDecl, LoadedManifest};
use crate::runtime_config::{RuntimeConfig, StoreLocation};
use crate::state::{ComponentCaps, HostState};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, Weak};
use wasmtime::component::{InstancePre, Linker, ResourceTable};
use wasmtime::{Engine, Store, StoreLimitsBuilder};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};
use wasmtime_wasi_http::WasiHttpCtx;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p3::bindings::ServicePre;

/// What [`App::load`] loads, and how.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// The manifest (`spin.toml`), an absolute path.
    pub manifest: PathBuf,
    /// Where the default stores and the components' staged `files` live.
    pub state_dir: PathBuf,
    /// Spin's `runtime-config.toml` (store locations), if any.
    pub runtime_config_file: Option<PathBuf>,
    pub limits: Limits,
    /// Where compiled components are cached between runs.
    pub cache_dir: PathBuf,
    /// `--component-id`: serve only these components (empty: all of them).
    pub components: Vec<String>,
}

impl AppOptions {
    /// Options for the manifest at `manifest`: the state directory defaults to `.spin`
    /// beside it (and is created), compiled components are cached per user
    /// (`$ZHANYE_CACHE_DIR`, else `~/.cache/zhanye/components`), every component is
    /// loaded.
    pub fn new(
        manifest: &Path,
        state_dir: Option<PathBuf>,
        runtime_config_file: Option<PathBuf>,
        limits: Limits,
    ) -> Result<Self> {
        let manifest = manifest
            .canonicalize()
            .with_context(|| format!("no manifest at {}", manifest.display()))?;
        let app_dir = manifest
            .parent()
            .context("manifest has no folder")?
            .to_path_buf();
        let state_dir = state_dir.unwrap_or_else(|| app_dir.join(".spin"));
        std::fs::create_dir_all(&state_dir)
            .with_context(|| format!("cannot create {}", state_dir.display()))?;
        Ok(Self {
            manifest,
            state_dir,
            runtime_config_file,
            limits,
            cache_dir: default_cache_dir(),
            components: Vec::new(),
        })
    }

    /// The file of the `default` SQLite database under these options (from the
    /// runtime config, else in the state directory); `None` when it is not a file.
    pub fn default_sqlite_path(&self) -> Result<Option<PathBuf>> {
        let rc = RuntimeConfig::load(&self.state_dir, self.runtime_config_file.as_deref())?;
        Ok(rc.default_sqlite_path().map(Path::to_path_buf))
    }
}

/// The `wasi:http` world an HTTP component serves, with its pre-instance.
#[derive(Clone)]
pub(crate) enum HttpHandler {
    /// `wasi:http/incoming-handler@0.2.x`: request and response-outparam resources.
    Wasi2(ProxyPre<HostState>),
    /// `wasi:http/handler@0.3.0`: component-model async.
    Wasi3(ServicePre<HostState>),
}

impl HttpHandler {
    /// Instantiates the component in `store` without calling it.
    async fn instantiate_async(&self, store: &mut Store<HostState>) -> wasmtime::Result<()> {
        match self {
            HttpHandler::Wasi2(pre) => pre.instantiate_async(store).await.map(drop),
            HttpHandler::Wasi3(pre) => pre.instantiate_async(store).await.map(drop),
        }
    }
}

/// One component, compiled, linked and pre-instantiated for the triggers that use it.
pub(crate) struct LoadedComponent {
    pub(crate) id: String,
    caps: Arc<ComponentCaps>,
    allowed_hosts: Arc<AllowedHosts>,
    files_dir: Option<PathBuf>,
    env: Vec<(String, String)>,
    pub(crate) http: Option<HttpHandler>,
    pub(crate) cron: Option<SpinCronPre<HostState>>,
}

/// A loaded app: its manifest and the components its triggers use, ready to be
/// instantiated once per request or event. Share it (`Arc`) between the triggers.
pub struct App {
    engine: Engine,
    pub(crate) manifest: LoadedManifest,
    components: BTreeMap<String, Arc<LoadedComponent>>,
    pub(crate) limits: Limits,
    local: OnceLock<Weak<dyn LocalDispatch>>,
}

impl App {
    /// Loads every component an HTTP or cron trigger uses (with `--component-id`, only
    /// the selected ones).
    pub fn load(opts: &AppOptions) -> Result<Self> {
        let manifest = LoadedManifest::load(&opts.manifest)?;
        let runtime_config =
            RuntimeConfig::load(&opts.state_dir, opts.runtime_config_file.as_deref())?;
        let variables = AppVariables::resolve(&manifest.manifest, std::env::vars())?;
        let engine = build_engine(&opts.limits)?;

        let m = &manifest.manifest;
        let http_ids: BTreeSet<&str> = m
            .trigger
            .http
            .iter()
            .map(|t| t.component.as_str())
            .collect();
        let cron_ids: BTreeSet<&str> = m
            .trigger
            .cron
            .iter()
            .map(|t| t.component.as_str())
            .collect();
        let wanted = select_components(m, &opts.components)?;
        // What `*.spin.internal` stands for: the app's components, or, when some are
        // selected, the selected ones (Spin expands the wildcard over the app it runs).
        let app_ids: Vec<&str> = if opts.components.is_empty() {
            m.component.keys().map(String::as_str).collect()
        } else {
            wanted.iter().copied().collect()
        };

        // Open only the stores some loaded component lists; refuse labels nobody defined.
        let mut databases = sqlite::AppDatabases::new();
        let mut kv_stores = key_value::AppStores::new();
        for id in &wanted {
            let decl = &m.component[*id];
            open_stores(
                id,
                &decl.sqlite_databases,
                &runtime_config.sqlite_databases,
                "SQLite database",
                |label, location| Ok(Arc::new(SqlitePool::new(label, location, "")?)),
                &mut databases,
            )?;
            open_stores(
                id,
                &decl.key_value_stores,
                &runtime_config.key_value_stores,
                "key-value store",
                key_value::Store::open,
                &mut kv_stores,
            )?;
        }
        let stores = OpenStores {
            sqlite: Arc::new(databases),
            key_value: Arc::new(kv_stores),
        };

        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi::p3::add_to_linker(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p3::add_to_linker(&mut linker)?;
        capability::add_to_linker(&mut linker)?;

        let mut components = BTreeMap::new();
        for id in wanted {
            let decl = &m.component[id];
            let loaded = load_one(
                &engine,
                &linker,
                &manifest,
                &runtime_config,
                &variables,
                &stores,
                opts,
                id,
                decl,
                &app_ids,
                http_ids.contains(id),
                cron_ids.contains(id),
            )
            .with_context(|| format!("cannot load component {id:?}"))?;
            components.insert(id.to_string(), Arc::new(loaded));
        }

        Ok(Self {
            engine,
            manifest,
            components,
            limits: opts.limits.clone(),
            local: OnceLock::new(),
        })
    }

    /// Lets components' self (`http://self.alt`, relative URL) and `*.spin.internal`
    /// requests reach `local`.
    pub(crate) fn set_local_dispatch(&self, local: Weak<dyn LocalDispatch>) {
        let _ = self.local.set(local);
    }

    /// Whether `id` was loaded (it has a trigger and, with `--component-id`, was chosen).
    pub fn is_loaded(&self, id: &str) -> bool {
        self.components.contains_key(id)
    }

    pub(crate) fn component(&self, id: &str) -> Result<&Arc<LoadedComponent>> {
        self.components
            .get(id)
            .with_context(|| format!("component {id:?} is not loaded"))
    }

    /// Instantiates the HTTP component `id` in a fresh store as a request would, without
    /// calling its handler, then drops it (its slot goes back to the pool): what a
    /// fresh instance costs each request, for benchmarks.
    pub async fn instantiate_http(&self, id: &str) -> Result<()> {
        let component = self.component(id)?;
        let handler = component
            .http
            .as_ref()
            .with_context(|| format!("{id} is not an HTTP component"))?;
        let mut store = self.new_store(component)?;
        handler
            .instantiate_async(&mut store)
            .await
            .map_err(anyhow::Error::from)?;
        Ok(())
    }

    /// A fresh store for one request or event of `component`.
    pub(crate) fn new_store(&self, component: &LoadedComponent) -> Result<Store<HostState>> {
        let mut wasi = WasiCtxBuilder::new();
        wasi.inherit_stdout().inherit_stderr();
        for (k, v) in &component.env {
            wasi.env(k, v);
        }
        if let Some(dir) = &component.files_dir {
            wasi.preopened_dir(dir, "/", FsPerms::ReadOnly)?;
        }
        let state = HostState {
            table: ResourceTable::new(),
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            hooks: OutboundHooks {
                allowed: component.allowed_hosts.clone(),
                local: self.local.get().cloned(),
            },
            caps: component.caps.clone(),
            limits: StoreLimitsBuilder::new()
                .memory_size(self.limits.max_memory_bytes)
                .trap_on_grow_failure(true)
                .build(),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        // Every epoch tick a running guest yields to the other requests on its serving
        // thread (a CPU-bound guest such as password hashing would otherwise hold the
        // thread for its whole run); past the time limit it is interrupted.
        let deadline = std::time::Instant::now() + self.limits.timeout;
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            if std::time::Instant::now() >= deadline {
                Ok(wasmtime::UpdateDeadline::Interrupt)
            } else {
                Ok(wasmtime::UpdateDeadline::YieldCustom(
                    1,
                    Box::pin(tokio::task::yield_now()),
                ))
            }
        });
        Ok(store)
    }
}

/// The world an HTTP component serves, read from its exports; as Spin, exactly one
/// HTTP handler must be exported.
fn http_handler(pre: &InstancePre<HostState>) -> Result<HttpHandler> {
    let wasi2 = ProxyPre::new(pre.clone()).ok();
    let wasi3 = ServicePre::new(pre.clone()).ok();
    match (wasi2, wasi3) {
        (Some(p), None) => Ok(HttpHandler::Wasi2(p)),
        (None, Some(s)) => Ok(HttpHandler::Wasi3(s)),
        (Some(_), Some(_)) => bail!(
            "the component exports both wasi:http/incoming-handler@0.2 and wasi:http/handler@0.3.0; an HTTP component exports exactly one"
        ),
        (None, None) => bail!(
            "an HTTP component must export wasi:http/incoming-handler@0.2.x (spin-sdk 5) or wasi:http/handler@0.3.0 (spin-sdk 7)"
        ),
    }
}

/// The components to load: those an HTTP or cron trigger uses, or, when `selected`
/// is not empty (`--component-id`), those of them that were selected. As `spin up
/// -c`: an unknown id is refused, and so is a selected component allowed to chain
/// (`*.spin.internal`) to a component that is not selected or to any component by
/// the wildcard, since those requests could not be answered. Templated entries are
/// not checked (their values may name anything).
pub fn select_components<'a>(m: &'a Manifest, selected: &[String]) -> Result<BTreeSet<&'a str>> {
    let triggered: BTreeSet<&str> = m
        .trigger
        .http
        .iter()
        .map(|t| t.component.as_str())
        .chain(m.trigger.cron.iter().map(|t| t.component.as_str()))
        .collect();
    if selected.is_empty() {
        return Ok(triggered);
    }
    for id in selected {
        if !m.component.contains_key(id) {
            let known: Vec<&str> = m.component.keys().map(String::as_str).collect();
            bail!(
                "Specified component {id:?} not found in application (its components: {})",
                known.join(", ")
            );
        }
    }
    let retained: BTreeSet<&str> = triggered
        .into_iter()
        .filter(|id| selected.iter().any(|s| s == id))
        .collect();
    for id in &retained {
        for entry in &m.component[*id].allowed_outbound_hosts {
            match chaining_target(entry).as_deref() {
                Some("*") => bail!(
                    "Selected component {id:?} cannot use wildcard service chaining: allowed_outbound_hosts = [{entry:?}]"
                ),
                Some(target) if !selected.iter().any(|s| s == target) => bail!(
                    "Selected component {id:?} cannot use service chaining to unselected component: allowed_outbound_hosts = [{entry:?}]"
                ),
                _ => {}
            }
        }
    }
    Ok(retained)
}

/// The app's stores of both kinds, opened once and shared by every instance.
struct OpenStores {
    sqlite: Arc<sqlite::AppDatabases>,
    key_value: Arc<key_value::AppStores>,
}

/// Opens (with `open_one`) each store `labels` names that is not open yet, where the
/// runtime config puts it.
fn open_stores<S>(
    component: &str,
    labels: &[String],
    defined: &BTreeMap<String, StoreLocation>,
    kind: &str,
    open_one: impl Fn(&str, &StoreLocation) -> Result<S>,
    open: &mut BTreeMap<String, S>,
) -> Result<()> {
    for label in labels {
        if open.contains_key(label) {
            continue;
        }
        let location = defined.get(label).with_context(|| {
            format!("component {component:?} uses {kind} {label:?}, which the runtime config does not define")
        })?;
        open.insert(label.clone(), open_one(label, location)?);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn load_one(
    engine: &Engine,
    linker: &Linker<HostState>,
    manifest: &LoadedManifest,
    runtime_config: &RuntimeConfig,
    variables: &AppVariables,
    stores: &OpenStores,
    opts: &AppOptions,
    id: &str,
    decl: &ComponentDecl,
    app_ids: &[&str],
    for_http: bool,
    for_cron: bool,
) -> Result<LoadedComponent> {
    let component_vars = ComponentVariables::resolve(variables, &decl.variables)?;
    let mut expanded_hosts = Vec::new();
    for h in &decl.allowed_outbound_hosts {
        let expanded = variables.expand(h)?;
        // A template that comes out empty (or as a bare scheme) allows nothing: Spin
        // skips it, so an optional endpoint can be left unset.
        if h.contains("{{") && matches!(expanded.trim(), "" | "http://" | "https://") {
            continue;
        }
        expanded_hosts.push(expanded);
    }
    let allowed_hosts = Arc::new(AllowedHosts::parse(&expanded_hosts, app_ids)?);
    let files_dir = stage_files(manifest, runtime_config, id, decl)?;
    let wasm = manifest.resolve(&decl.source);
    let component = load_component(engine, &wasm, &opts.cache_dir)?;
    let pre = linker
        .instantiate_pre(&component)
        .map_err(anyhow::Error::from)
        .context("the component imports something this runtime does not provide")?;
    let http = if for_http {
        Some(http_handler(&pre)?)
    } else {
        None
    };
    let cron =
        if for_cron {
            Some(SpinCronPre::new(pre).map_err(anyhow::Error::from).context(
                "a cron component must export fermyon:spin-cron@2.0.0's handle-cron-event",
            )?)
        } else {
            None
        };
    Ok(LoadedComponent {
        id: id.to_string(),
        caps: Arc::new(ComponentCaps {
            variables: component_vars,
            key_value: key_value::ComponentStores {
                allowed: decl.key_value_stores.clone(),
                open: stores.key_value.clone(),
            },
            sqlite: sqlite::ComponentDatabases {
                allowed: decl.sqlite_databases.clone(),
                open: stores.sqlite.clone(),
            },
            allowed_hosts: allowed_hosts.clone(),
            ai_models: decl.ai_models.clone(),
        }),
        allowed_hosts,
        files_dir,
        env: decl.environment.clone().into_iter().collect(),
        http,
        cron,
    })
}

/// Copies a component's `files` into one folder under the state dir, mounted at `/`
/// read-only — a pattern keeps its relative path, a mapping goes to its destination.
fn stage_files(
    manifest: &LoadedManifest,
    runtime_config: &RuntimeConfig,
    id: &str,
    decl: &ComponentDecl,
) -> Result<Option<PathBuf>> {
    if decl.files.is_empty() {
        return Ok(None);
    }
    let root = runtime_config.state_dir.join("files").join(id);
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    std::fs::create_dir_all(&root)?;
    let excluded = |rel: &Path| {
        decl.exclude_files
            .iter()
            .any(|pat| glob::Pattern::new(pat).is_ok_and(|p| p.matches_path(rel)))
    };
    for mount in &decl.files {
        match mount {
            FileMountDecl::Pattern(pattern) => {
                let full = manifest.dir.join(pattern);
                let pattern_text = full.to_string_lossy().into_owned();
                for entry in glob::glob(&pattern_text)
                    .with_context(|| format!("bad files pattern {pattern:?}"))?
                {
                    let path = entry?;
                    let rel = path.strip_prefix(&manifest.dir)?.to_path_buf();
                    if path.is_file() && !excluded(&rel) {
                        copy_file(&path, &root.join(&rel))?;
                    } else if path.is_dir() {
                        copy_tree(&path, &root.join(&rel), &rel, &excluded)?;
                    }
                }
            }
            FileMountDecl::Mapping {
                source,
                destination,
            } => {
                let src = manifest.dir.join(source);
                let dest = root.join(destination.trim_start_matches('/'));
                if src.is_dir() {
                    copy_tree(&src, &dest, Path::new(source), &excluded)?;
                } else {
                    copy_file(&src, &dest)?;
                }
            }
        }
    }
    Ok(Some(root))
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::copy(from, to).with_context(|| format!("cannot copy {}", from.display()))?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path, rel: &Path, excluded: &dyn Fn(&Path) -> bool) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let rel = rel.join(entry.file_name());
        if excluded(&rel) {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target, &rel, excluded)?;
        } else {
            copy_file(&entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> Manifest {
        toml::from_str(text).unwrap()
    }

    const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "x"
[[trigger.http]]
route = "/a/..."
component = "a"
[[trigger.http]]
route = "/b"
component = "b"
[[trigger.cron]]
component = "tick"
cron_expression = "*/1 * * * * *"
[component.a]
source = "a.wasm"
allowed_outbound_hosts = ["http://b.spin.internal", "http://self", "{{ origin }}"]
[component.b]
source = "b.wasm"
[component.tick]
source = "tick.wasm"
allowed_outbound_hosts = ["http://*.spin.internal"]
[component.unused]
source = "unused.wasm"
"#;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn without_a_selection_every_triggered_component_loads() {
        let m = manifest(APP);
        let all = select_components(&m, &[]).unwrap();
        assert_eq!(all.into_iter().collect::<Vec<_>>(), ["a", "b", "tick"]);
    }

    #[test]
    fn a_selection_keeps_only_the_chosen_triggered_components() {
        let m = manifest(APP);
        let chosen = select_components(&m, &ids(&["b"])).unwrap();
        assert_eq!(chosen.into_iter().collect::<Vec<_>>(), ["b"]);
        let chosen = select_components(&m, &ids(&["a", "b", "unused"])).unwrap();
        assert_eq!(chosen.into_iter().collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn unknown_ids_are_refused_by_name_with_the_known_ones() {
        let m = manifest(APP);
        let err = select_components(&m, &ids(&["b", "nope"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"nope\""), "{err}");
        assert!(err.contains("a, b, tick, unused"), "{err}");
    }

    #[test]
    fn chaining_to_an_unselected_component_is_refused() {
        let m = manifest(APP);
        let err = select_components(&m, &ids(&["a"])).unwrap_err().to_string();
        assert!(err.contains("unselected component"), "{err}");
        assert!(err.contains("b.spin.internal"), "{err}");
        let err = select_components(&m, &ids(&["tick"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("wildcard service chaining"), "{err}");
    }
}
