//! The deployment files held to the app they deploy: the SpinKube manifests under
//! `deploy/kubernetes/`, `runtime-config.toml` and README's real-Spin command, each read
//! against `spin.toml`. Nothing is built or started: a group that loses a route, a
//! variable spin.toml no longer has or a CronJob calling a moved route fails here, before
//! anyone applies the files to a cluster.
//!
//! Each test gathers every problem it finds and fails once, naming the file and the item.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::path::{Path, PathBuf};
use zhanye_test_support::repo_root;

/// Components the Ingress must keep inside the cluster: the operator API (migrations,
/// demo data) and the demo SMS sink are reached with `kubectl port-forward`, never from
/// the internet.
const NOT_EXPOSED: &[&str] = &["admin", "sms-sink"];

/// The port of the Service the operator creates for each SpinApp.
const SPINAPP_SERVICE_PORT: u64 = 80;

/// The SpinApp spec fields of the `core.spinkube.dev/v1alpha1` CRD (spin-operator's
/// `SpinAppSpec`): a misspelt field would be dropped by the API server without a word.
const SPINAPP_SPEC_FIELDS: &[&str] = &[
    "executor",
    "image",
    "imagePullSecrets",
    "checks",
    "replicas",
    "enableAutoscaling",
    "runtimeConfig",
    "volumes",
    "volumeMounts",
    "variables",
    "serviceAnnotations",
    "deploymentAnnotations",
    "podAnnotations",
    "podLabels",
    "resources",
    "components",
    "serviceAccountName",
    "invocationLimits",
];
const RUNTIME_CONFIG_FIELDS: &[&str] = &[
    "loadFromSecret",
    "sqliteDatabases",
    "keyValueStores",
    "llmCompute",
];
const SPIN_VAR_FIELDS: &[&str] = &["name", "value", "valueFrom"];
const CHECKS_FIELDS: &[&str] = &["readiness", "liveness"];
const PROBE_FIELDS: &[&str] = &[
    "httpGet",
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
];
const HTTP_GET_FIELDS: &[&str] = &["path", "httpHeaders"];
const RESOURCES_FIELDS: &[&str] = &["limits", "requests"];

/// Problems found by one test, reported together.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, problem: impl Display) {
        self.0.push(problem.to_string());
    }

    fn assert_none(self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{what}: {} problem(s)\n  - {}",
            self.0.len(),
            self.0.join("\n  - ")
        );
    }
}

// ---------------------------------------------------------------------------------------
// spin.toml

struct Variable {
    default: Option<String>,
    secret: bool,
}

struct Component {
    /// `[component.x.variables]`: the component's own names and their templates.
    variables: BTreeMap<String, String>,
    allowed_outbound_hosts: Vec<String>,
    sqlite_databases: Vec<String>,
    key_value_stores: Vec<String>,
}

impl Component {
    /// The app variables the component reads: those its templates name.
    fn uses(&self) -> BTreeSet<String> {
        self.variables
            .values()
            .chain(&self.allowed_outbound_hosts)
            .flat_map(|template| template_names(template))
            .collect()
    }
}

struct Route {
    route: String,
    component: String,
}

/// What the tests read of `spin.toml`.
struct SpinToml {
    variables: BTreeMap<String, Variable>,
    components: BTreeMap<String, Component>,
    routes: Vec<Route>,
    /// Components with a trigger other than HTTP, and that trigger's type.
    other_triggers: BTreeMap<String, String>,
}

impl SpinToml {
    fn load() -> Self {
        let path = repo_root().join("spin.toml");
        let text = std::fs::read_to_string(&path).expect("spin.toml is readable");
        let doc: toml::Table = toml::from_str(&text).expect("spin.toml is valid TOML");
        let str_of = |v: &toml::Value| v.as_str().map(str::to_string);
        let strings = |t: &toml::Table, key: &str| -> Vec<String> {
            t.get(key)
                .and_then(toml::Value::as_array)
                .map(|a| a.iter().filter_map(str_of).collect())
                .unwrap_or_default()
        };

        let mut variables = BTreeMap::new();
        for (name, decl) in doc
            .get("variables")
            .and_then(|v| v.as_table())
            .into_iter()
            .flatten()
        {
            let decl = decl.as_table().expect("a [variables] entry is a table");
            variables.insert(
                name.clone(),
                Variable {
                    default: decl.get("default").and_then(str_of),
                    secret: decl
                        .get("secret")
                        .and_then(toml::Value::as_bool)
                        .unwrap_or(false),
                },
            );
        }

        let mut components = BTreeMap::new();
        for (id, decl) in doc
            .get("component")
            .and_then(|v| v.as_table())
            .into_iter()
            .flatten()
        {
            let decl = decl.as_table().expect("a [component.x] is a table");
            let own_variables = decl
                .get("variables")
                .and_then(|v| v.as_table())
                .map(|t| {
                    t.iter()
                        .filter_map(|(k, v)| Some((k.clone(), str_of(v)?)))
                        .collect()
                })
                .unwrap_or_default();
            components.insert(
                id.clone(),
                Component {
                    variables: own_variables,
                    allowed_outbound_hosts: strings(decl, "allowed_outbound_hosts"),
                    sqlite_databases: strings(decl, "sqlite_databases"),
                    key_value_stores: strings(decl, "key_value_stores"),
                },
            );
        }

        let mut routes = Vec::new();
        let mut other_triggers = BTreeMap::new();
        for (kind, triggers) in doc
            .get("trigger")
            .and_then(|v| v.as_table())
            .into_iter()
            .flatten()
        {
            for trigger in triggers.as_array().into_iter().flatten() {
                let component = trigger
                    .get("component")
                    .and_then(str_of)
                    .expect("every trigger names its component");
                if kind == "http" {
                    let route = trigger
                        .get("route")
                        .and_then(str_of)
                        .expect("every HTTP trigger has a route");
                    routes.push(Route { route, component });
                } else {
                    other_triggers.insert(component, kind.clone());
                }
            }
        }
        Self {
            variables,
            components,
            routes,
            other_triggers,
        }
    }

    /// Components served over HTTP: the ones a SpinApp or `spin up -c` must run.
    fn http_components(&self) -> BTreeSet<&str> {
        self.routes.iter().map(|r| r.component.as_str()).collect()
    }

    /// The component spin.toml's router gives `path` to, as Spin matches: an exact route
    /// beats a wildcard, and a longer wildcard prefix beats a shorter one.
    fn route(&self, path: &str) -> Option<&str> {
        let mut best: Option<((bool, usize), &str)> = None;
        for r in &self.routes {
            let rank = match r.route.strip_suffix("/...") {
                Some(base) => {
                    let matches = path == base
                        || path
                            .strip_prefix(base)
                            .is_some_and(|rest| rest.starts_with('/'));
                    matches.then_some((false, base.len()))
                }
                None => (path == r.route).then_some((true, r.route.len())),
            };
            if let Some(rank) = rank
                && best.is_none_or(|(b, _)| rank > b)
            {
                best = Some((rank, r.component.as_str()));
            }
        }
        best.map(|(_, c)| c)
    }

    /// Paths that reach each route: an exact route's own path, a wildcard's prefix and a
    /// path below it.
    fn sample_paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        for r in &self.routes {
            match r.route.strip_suffix("/...") {
                Some(base) => {
                    paths.push(if base.is_empty() {
                        "/".into()
                    } else {
                        base.into()
                    });
                    paths.push(format!("{base}/sample"));
                }
                None => paths.push(r.route.clone()),
            }
        }
        paths
    }
}

/// The names a Spin template refers to: `{{ name }}`.
fn template_names(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        names.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    names
}

/// The component labels of `http://<label>.spin.internal` hosts in a value.
fn spin_internal_targets(value: &str) -> Vec<String> {
    value
        .match_indices(".spin.internal")
        .map(|(at, _)| {
            let before = &value[..at];
            let start = before
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .map_or(0, |i| i + 1);
            before[start..].to_string()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// deploy/kubernetes

/// One YAML document of a manifest file.
struct Doc {
    file: String,
    value: Value,
}

impl Doc {
    fn kind(&self) -> &str {
        self.value["kind"].as_str().unwrap_or("")
    }

    fn name(&self) -> &str {
        self.value["metadata"]["name"].as_str().unwrap_or("")
    }

    fn namespace(&self) -> &str {
        self.value["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default")
    }

    /// How problems name the resource: file, kind and name.
    fn at(&self) -> String {
        format!("{}: {} {:?}", self.file, self.kind(), self.name())
    }
}

struct Manifests {
    docs: Vec<Doc>,
}

impl Manifests {
    fn load() -> Self {
        let root = repo_root().join("deploy/kubernetes");
        let mut files = Vec::new();
        collect_yaml(&root, &mut files);
        files.sort();
        assert!(!files.is_empty(), "no YAML files under deploy/kubernetes/");
        let mut docs = Vec::new();
        for path in files {
            let file = path
                .strip_prefix(repo_root())
                .unwrap_or(&path)
                .display()
                .to_string();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{file}: cannot read: {e}"));
            let values: Vec<Value> = serde_saphyr::from_multiple(&text)
                .unwrap_or_else(|e| panic!("{file}: not valid YAML: {e}"));
            for value in values {
                assert!(
                    value["apiVersion"].is_string() && value["kind"].is_string(),
                    "{file}: a document without apiVersion and kind: {value}"
                );
                docs.push(Doc {
                    file: file.clone(),
                    value,
                });
            }
        }
        Self { docs }
    }

    fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Doc> + 'a {
        self.docs.iter().filter(move |d| d.kind() == kind)
    }

    fn spinapps(&self) -> Vec<&Doc> {
        self.of_kind("SpinApp").collect()
    }

    /// The SpinApp whose Service a URL host names (`name`, `name.ns`, `name.ns.svc…`).
    fn spinapp_of_host(&self, host: &str) -> Option<&Doc> {
        let mut labels = host.split('.');
        let name = labels.next()?;
        let namespace = labels.next();
        self.of_kind("SpinApp")
            .find(|d| d.name() == name && namespace.is_none_or(|ns| ns == d.namespace()))
    }

    /// The string value of `key` in the Secret `name` of `namespace`: `Ok(None)` when the
    /// key is there only base64-encoded (`data`).
    fn secret_value(
        &self,
        namespace: &str,
        name: &str,
        key: &str,
    ) -> Result<Option<String>, String> {
        let secret = self
            .of_kind("Secret")
            .find(|d| d.name() == name && d.namespace() == namespace)
            .ok_or_else(|| {
                format!("no Secret {name:?} in namespace {namespace:?} under deploy/kubernetes/")
            })?;
        if let Some(v) = secret.value["stringData"].get(key) {
            return Ok(v.as_str().map(str::to_string));
        }
        if secret.value["data"].get(key).is_some() {
            return Ok(None);
        }
        Err(format!("{} has no key {key:?}", secret.at()))
    }
}

fn collect_yaml(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable folder entry").path();
        if path.is_dir() {
            collect_yaml(&path, files);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
}

/// The component ids a SpinApp runs (empty when it has no `components:`).
fn components_of(doc: &Doc) -> Vec<String> {
    doc.value["spec"]["components"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `spec.variables` of a SpinApp by name.
fn variables_of(doc: &Doc) -> BTreeMap<String, &Value> {
    doc.value["spec"]["variables"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| Some((v["name"].as_str()?.to_string(), v)))
        .collect()
}

/// Keys of `value` (an object) that `allowed` does not list.
fn unknown_fields(value: &Value, allowed: &[&str]) -> Vec<String> {
    value
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| !allowed.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// The host and path of an `http(s)://` URL.
fn host_and_path(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.split(':').next()?;
    let path = path.split(['?', '#']).next().unwrap_or("");
    Some((host, if path.is_empty() { "/" } else { path }))
}

/// Every `http(s)://` URL in a text.
fn urls_in(text: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for scheme in ["http://", "https://"] {
        for (at, _) in text.match_indices(scheme) {
            let url: String = text[at..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '`' | '\\'))
                .collect();
            urls.push(url);
        }
    }
    urls
}

// ---------------------------------------------------------------------------------------
// Spin's runtime config

#[derive(Clone, Copy, PartialEq)]
enum Store {
    Sqlite,
    KeyValue,
}

impl Store {
    fn table(self) -> &'static str {
        match self {
            Store::Sqlite => "sqlite_database",
            Store::KeyValue => "key_value_store",
        }
    }
}

/// Checks one `[sqlite_database.x]` / `[key_value_store.x]` against the keys Spin reads for
/// its type, and answers the type.
fn check_store(kind: Store, label: &str, decl: &toml::Value) -> Result<String, String> {
    let at = format!("[{}.{label}]", kind.table());
    let table = decl.as_table().ok_or(format!("{at} is not a table"))?;
    let ty = table
        .get("type")
        .and_then(toml::Value::as_str)
        .ok_or(format!("{at} has no string `type`"))?;
    let (required, optional): (&[&str], &[&str]) = match (kind, ty) {
        (Store::Sqlite, "spin") => (&[], &["path", "allow_attach_file"]),
        (Store::Sqlite, "libsql") => (&["url", "token"], &[]),
        (Store::KeyValue, "spin") => (&[], &["path"]),
        (Store::KeyValue, "redis") => (&["url"], &[]),
        // Spin's cloud stores: their keys are not checked here.
        (Store::KeyValue, "azure_cosmos" | "aws_dynamo") => return Ok(ty.to_string()),
        _ => return Err(format!("{at}: type {ty:?} is not one Spin offers")),
    };
    for key in required {
        if table.get(*key).and_then(toml::Value::as_str).is_none() {
            return Err(format!("{at} (type {ty:?}) needs a string `{key}`"));
        }
    }
    for key in table.keys().filter(|k| *k != "type") {
        if !required.contains(&key.as_str()) && !optional.contains(&key.as_str()) {
            return Err(format!("{at}: Spin does not read `{key}` for type {ty:?}"));
        }
    }
    if let Some(url) = table.get("url").and_then(toml::Value::as_str)
        && ty == "libsql"
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(format!(
            "{at}: Spin reaches libSQL over HTTP(S) only, not {url:?}"
        ));
    }
    Ok(ty.to_string())
}

// ---------------------------------------------------------------------------------------
// The tests

#[test]
fn runtime_config_places_the_default_stores_in_the_state_dir() {
    let app = SpinToml::load();
    let file = "runtime-config.toml";
    let text =
        std::fs::read_to_string(repo_root().join(file)).expect("runtime-config.toml is readable");
    let doc: toml::Table = toml::from_str(&text).expect("runtime-config.toml is valid TOML");
    let mut problems = Problems::default();
    // Both runtimes read these two tables; a key Spin does not know makes `spin up` refuse
    // the whole file.
    for key in doc.keys() {
        if key != "sqlite_database" && key != "key_value_store" {
            problems.add(format!("{file}: unexpected top-level key `{key}`"));
        }
    }
    for kind in [Store::Sqlite, Store::KeyValue] {
        let declared = doc.get(kind.table()).and_then(toml::Value::as_table);
        let used: BTreeSet<&String> = app
            .components
            .values()
            .flat_map(|c| match kind {
                Store::Sqlite => &c.sqlite_databases,
                Store::KeyValue => &c.key_value_stores,
            })
            .collect();
        for label in &used {
            let Some(decl) = declared.and_then(|t| t.get(label.as_str())) else {
                problems.add(format!(
                    "{file}: no [{}.{label}], which spin.toml's components use",
                    kind.table()
                ));
                continue;
            };
            match check_store(kind, label, decl) {
                Err(e) => problems.add(format!("{file}: {e}")),
                // zhanye offers only the embedded stores, and the file serves both runtimes.
                Ok(ty) if ty != "spin" => problems.add(format!(
                    "{file}: [{}.{label}] has type {ty:?}; the active store must be \"spin\" (zhanye has no other)",
                    kind.table()
                )),
                Ok(_) => match decl.get("path").and_then(toml::Value::as_str) {
                    None => problems.add(format!(
                        "{file}: [{}.{label}] has no `path`: the data would live in memory only",
                        kind.table()
                    )),
                    Some(path) if Path::new(path).is_absolute() || path.contains("..") => {
                        problems.add(format!(
                            "{file}: [{}.{label}] path {path:?} must stay inside the repo (relative, no `..`)",
                            kind.table()
                        ))
                    }
                    Some(_) => {}
                },
            }
        }
    }
    problems.assert_none(file);
}

#[test]
fn spinapps_use_only_fields_of_the_crd() {
    let manifests = Manifests::load();
    let mut problems = Problems::default();
    let spinapps = manifests.spinapps();
    if spinapps.is_empty() {
        problems.add("deploy/kubernetes/: no SpinApp");
    }
    for doc in &spinapps {
        let at = doc.at();
        if doc.value["apiVersion"] != "core.spinkube.dev/v1alpha1" {
            problems.add(format!(
                "{at}: apiVersion must be core.spinkube.dev/v1alpha1"
            ));
        }
        let spec = &doc.value["spec"];
        let mut unknown = |path: &str, value: &Value, allowed: &[&str]| {
            for field in unknown_fields(value, allowed) {
                problems.add(format!(
                    "{at}: {path}.{field} is not a field of the SpinApp CRD"
                ));
            }
        };
        unknown("spec", spec, SPINAPP_SPEC_FIELDS);
        unknown(
            "spec.runtimeConfig",
            &spec["runtimeConfig"],
            RUNTIME_CONFIG_FIELDS,
        );
        unknown("spec.checks", &spec["checks"], CHECKS_FIELDS);
        unknown("spec.resources", &spec["resources"], RESOURCES_FIELDS);
        for probe in CHECKS_FIELDS {
            unknown(
                &format!("spec.checks.{probe}"),
                &spec["checks"][probe],
                PROBE_FIELDS,
            );
            unknown(
                &format!("spec.checks.{probe}.httpGet"),
                &spec["checks"][probe]["httpGet"],
                HTTP_GET_FIELDS,
            );
        }
        for var in spec["variables"].as_array().into_iter().flatten() {
            unknown("spec.variables[]", var, SPIN_VAR_FIELDS);
        }

        // What the operator's admission webhook refuses.
        let autoscaling = spec["enableAutoscaling"].as_bool().unwrap_or(false);
        match (autoscaling, spec["replicas"].as_u64()) {
            (true, Some(_)) => problems.add(format!(
                "{at}: replicas cannot be set with enableAutoscaling"
            )),
            (false, None | Some(0)) => problems.add(format!(
                "{at}: needs replicas >= 1 or enableAutoscaling: true"
            )),
            _ => {}
        }
        if spec["image"].as_str().is_none_or(str::is_empty) {
            problems.add(format!("{at}: no image"));
        }

        // The executor: the operator looks it up in the SpinApp's namespace.
        let executor = spec["executor"].as_str().unwrap_or("");
        if executor != "containerd-shim-spin" {
            problems.add(format!(
                "{at}: executor must be containerd-shim-spin, not {executor:?}"
            ));
        }
        if !manifests
            .of_kind("SpinAppExecutor")
            .any(|e| e.name() == executor && e.namespace() == doc.namespace())
        {
            problems.add(format!(
                "{at}: no SpinAppExecutor {executor:?} in namespace {:?} under deploy/kubernetes/",
                doc.namespace()
            ));
        }

        // An autoscaled SpinApp's Deployment (named after it) needs an autoscaler.
        if autoscaling
            && !manifests.of_kind("HorizontalPodAutoscaler").any(|h| {
                let target = &h.value["spec"]["scaleTargetRef"];
                h.namespace() == doc.namespace()
                    && target["kind"] == "Deployment"
                    && target["apiVersion"] == "apps/v1"
                    && target["name"] == doc.name()
            })
        {
            problems.add(format!(
                "{at}: enableAutoscaling, but no HorizontalPodAutoscaler scales Deployment {:?}",
                doc.name()
            ));
        }
    }
    for hpa in manifests.of_kind("HorizontalPodAutoscaler") {
        let target = hpa.value["spec"]["scaleTargetRef"]["name"]
            .as_str()
            .unwrap_or("");
        let autoscaled = spinapps.iter().any(|s| {
            s.name() == target
                && s.namespace() == hpa.namespace()
                && s.value["spec"]["enableAutoscaling"] == true
        });
        if !autoscaled {
            problems.add(format!(
                "{}: scales {target:?}, which is no SpinApp with enableAutoscaling: true (the operator would fight it over the replica count)",
                hpa.at()
            ));
        }
    }
    let images: BTreeSet<&str> = spinapps
        .iter()
        .filter_map(|d| d.value["spec"]["image"].as_str())
        .collect();
    if images.len() > 1 {
        problems.add(format!(
            "deploy/kubernetes/: the SpinApps run different images {images:?}; the groups are parts of one app build"
        ));
    }
    problems.assert_none("SpinApp fields");
}

#[test]
fn spinapps_deploy_every_http_component_exactly_once() {
    let app = SpinToml::load();
    let manifests = Manifests::load();
    let mut problems = Problems::default();
    let mut deployed_by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for doc in manifests.spinapps() {
        let at = doc.at();
        let components = components_of(doc);
        if components.is_empty() {
            problems.add(format!(
                "{at}: no `components:`, so it would run every component, the cron ones too, which the shim cannot"
            ));
        }
        for id in components {
            if !app.components.contains_key(&id) {
                problems.add(format!("{at}: component {id:?} is not in spin.toml"));
            } else if let Some(kind) = app.other_triggers.get(&id) {
                problems.add(format!(
                    "{at}: component {id:?} has a `{kind}` trigger, which containerd-shim-spin does not run"
                ));
            }
            deployed_by.entry(id).or_default().push(at.clone());
        }
        // A health check must reach one of the group's own routes.
        for probe in CHECKS_FIELDS {
            if let Some(path) = doc.value["spec"]["checks"][probe]["httpGet"]["path"].as_str() {
                let target = app.route(path);
                if target.is_none_or(|c| !components_of(doc).iter().any(|x| x == c)) {
                    problems.add(format!(
                        "{at}: the {probe} check GETs {path}, which spin.toml routes to {target:?}, not a component of this SpinApp"
                    ));
                }
            }
        }
    }
    for id in app.http_components() {
        match deployed_by.get(id).map(Vec::as_slice) {
            None | Some([]) => problems.add(format!(
                "component {id:?} (HTTP routes in spin.toml) is deployed by no SpinApp under deploy/kubernetes/"
            )),
            Some([_]) => {}
            Some(many) => problems.add(format!(
                "component {id:?} is deployed by {} SpinApps, so its routes would be served twice: {}",
                many.len(),
                many.join("; ")
            )),
        }
    }
    problems.assert_none("SpinApp components");
}

#[test]
fn spinapps_set_only_spin_toml_variables_and_every_secret_they_need() {
    let app = SpinToml::load();
    let manifests = Manifests::load();
    let mut problems = Problems::default();
    for doc in manifests.spinapps() {
        let at = doc.at();
        let mut names = BTreeSet::new();
        for var in doc.value["spec"]["variables"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let Some(name) = var["name"].as_str() else {
                problems.add(format!("{at}: a variable without a name"));
                continue;
            };
            if !names.insert(name) {
                problems.add(format!("{at}: variable {name:?} is set twice"));
            }
            let Some(decl) = app.variables.get(name) else {
                problems.add(format!(
                    "{at}: variable {name:?} is not in spin.toml's [variables]"
                ));
                continue;
            };
            match (var.get("value"), var.get("valueFrom")) {
                (Some(_), Some(_)) | (None, None) => problems.add(format!(
                    "{at}: variable {name:?} needs exactly one of value and valueFrom"
                )),
                (Some(value), None) => {
                    if !value.is_string() {
                        problems.add(format!(
                            "{at}: variable {name:?} has the non-string value {value}; quote it"
                        ));
                    }
                    if decl.secret {
                        problems.add(format!(
                            "{at}: variable {name:?} is secret in spin.toml; take it from a Secret (valueFrom.secretKeyRef), not a literal"
                        ));
                    }
                }
                (None, Some(from)) => match from.get("secretKeyRef") {
                    Some(r) => {
                        let (secret, key) = (
                            r["name"].as_str().unwrap_or(""),
                            r["key"].as_str().unwrap_or(""),
                        );
                        match manifests.secret_value(doc.namespace(), secret, key) {
                            Err(e) => problems.add(format!("{at}: variable {name:?}: {e}")),
                            // The example Secret must not ship spin.toml's demo defaults.
                            Ok(Some(v)) if decl.default.as_deref() == Some(v.as_str()) && !v.is_empty() => {
                                problems.add(format!(
                                    "{at}: variable {name:?} takes spin.toml's demo default from Secret {secret:?}"
                                ))
                            }
                            Ok(_) => {}
                        }
                    }
                    None if decl.secret => problems.add(format!(
                        "{at}: variable {name:?} is secret in spin.toml; take it from a Secret (valueFrom.secretKeyRef)"
                    )),
                    None => {}
                },
            }
        }

        // What the group's components read, against what it sets.
        let mut used = BTreeSet::new();
        for id in components_of(doc) {
            let Some(component) = app.components.get(&id) else {
                continue;
            };
            for name in component.uses() {
                let secret = app.variables.get(&name).is_some_and(|v| v.secret);
                if secret && !names.contains(name.as_str()) {
                    problems.add(format!(
                        "{at}: component {id:?} reads the secret variable {name:?}, which this SpinApp does not set (it would run on spin.toml's demo default)"
                    ));
                }
                used.insert(name);
            }
        }
        for name in names {
            if !used.contains(name) {
                problems.add(format!(
                    "{at}: sets variable {name:?}, which none of its components reads"
                ));
            }
        }
    }
    problems.assert_none("SpinApp variables");
}

#[test]
fn spin_internal_hosts_stay_inside_their_spinapp() {
    let app = SpinToml::load();
    let manifests = Manifests::load();
    let mut problems = Problems::default();
    for doc in manifests.spinapps() {
        let at = doc.at();
        let components = components_of(doc);
        let set = variables_of(doc);
        for id in &components {
            let Some(component) = app.components.get(id) else {
                continue;
            };
            // Literal hosts of spin.toml, and each variable's value in this SpinApp.
            let mut values: Vec<(String, String)> = component
                .allowed_outbound_hosts
                .iter()
                .filter(|h| !h.contains("{{"))
                .map(|h| ("allowed_outbound_hosts".to_string(), h.clone()))
                .collect();
            for name in component.uses() {
                let value = match set.get(&name) {
                    Some(var) => match (var["value"].as_str(), &var["valueFrom"]["secretKeyRef"]) {
                        (Some(v), _) => Some(v.to_string()),
                        (None, r) if r.is_object() => manifests
                            .secret_value(
                                doc.namespace(),
                                r["name"].as_str().unwrap_or(""),
                                r["key"].as_str().unwrap_or(""),
                            )
                            .ok()
                            .flatten(),
                        _ => None,
                    },
                    None => app.variables.get(&name).and_then(|v| v.default.clone()),
                };
                if let Some(value) = value {
                    values.push((format!("variable {name:?}"), value));
                }
            }
            for (what, value) in values {
                // Spin serves `<component>.spin.internal` in-process, within one app: a
                // component of another SpinApp is reached through that SpinApp's Service.
                for target in spin_internal_targets(&value) {
                    if !components.contains(&target) {
                        problems.add(format!(
                            "{at}: component {id:?} reaches {target:?} through {what} = {value:?}, but {target:?} runs in another SpinApp; point it at that SpinApp's Service URL"
                        ));
                    }
                }
                // A Service URL of one of our SpinApps must reach a component it runs.
                for url in urls_in(&value) {
                    let Some((host, path)) = host_and_path(&url) else {
                        continue;
                    };
                    if path == "/" {
                        continue; // an origin (scheme and host) only
                    }
                    if let Some(target) = manifests.spinapp_of_host(host) {
                        let routed = app.route(path);
                        if routed.is_none_or(|c| !components_of(target).iter().any(|x| x == c)) {
                            problems.add(format!(
                                "{at}: {what} = {url:?} reaches {}, but spin.toml routes {path} to {routed:?}, which that SpinApp does not run",
                                target.at()
                            ));
                        }
                    }
                }
            }
        }
    }
    problems.assert_none("service chaining across SpinApps");
}

#[test]
fn spinapps_share_their_stores_through_the_runtime_config_secret() {
    let app = SpinToml::load();
    let manifests = Manifests::load();
    let mut problems = Problems::default();
    for doc in manifests.spinapps() {
        let at = doc.at();
        let Some(secret) = doc.value["spec"]["runtimeConfig"]["loadFromSecret"].as_str() else {
            problems.add(format!(
                "{at}: no runtimeConfig.loadFromSecret, so each pod would keep its own stores"
            ));
            continue;
        };
        let text = match manifests.secret_value(doc.namespace(), secret, "runtime-config.toml") {
            Ok(Some(text)) => text,
            Ok(None) => continue, // base64 `data`: the test cannot read it, the cluster can
            Err(e) => {
                problems.add(format!("{at}: runtimeConfig.loadFromSecret: {e}"));
                continue;
            }
        };
        let config: toml::Table = match toml::from_str(&text) {
            Ok(c) => c,
            Err(e) => {
                problems.add(format!(
                    "{at}: Secret {secret:?} runtime-config.toml is not valid TOML: {e}"
                ));
                continue;
            }
        };
        // Each store the group's components use, with the first component using it.
        let mut used: BTreeMap<(&str, &str), (Store, &str)> = BTreeMap::new();
        for id in components_of(doc) {
            let Some((id, component)) = app.components.get_key_value(&id) else {
                continue;
            };
            for (kind, labels) in [
                (Store::Sqlite, &component.sqlite_databases),
                (Store::KeyValue, &component.key_value_stores),
            ] {
                for label in labels {
                    used.entry((kind.table(), label)).or_insert((kind, id));
                }
            }
        }
        for ((table, label), (kind, id)) in used {
            let Some(decl) = config.get(table).and_then(|t| t.get(label)) else {
                problems.add(format!(
                    "{at}: Secret {secret:?} declares no [{table}.{label}], which component {id:?} uses"
                ));
                continue;
            };
            match check_store(kind, label, decl) {
                Err(e) => problems.add(format!("{at}: Secret {secret:?}: {e}")),
                // The groups run in separate pods: a store in a pod's own file would
                // split the app's data.
                Ok(ty) if ty == "spin" => problems.add(format!(
                    "{at}: Secret {secret:?}: [{table}.{label}] is type \"spin\", a file inside each pod; the SpinApps need a shared server"
                )),
                Ok(_) => {}
            }
        }
    }
    problems.assert_none("SpinApp runtime config");
}

#[test]
fn ingress_sends_every_route_to_the_spinapp_that_runs_it() {
    let app = SpinToml::load();
    let manifests = Manifests::load();
    let mut problems = Problems::default();
    let ingresses: Vec<&Doc> = manifests.of_kind("Ingress").collect();
    if ingresses.is_empty() {
        problems.add("deploy/kubernetes/: no Ingress");
    }
    // (path, exact, service, where)
    let mut paths: Vec<(String, bool, String, String)> = Vec::new();
    for ingress in &ingresses {
        for rule in ingress.value["spec"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for p in rule["http"]["paths"].as_array().into_iter().flatten() {
                let path = p["path"].as_str().unwrap_or("").to_string();
                let at = format!("{}: path {path:?}", ingress.at());
                let exact = match p["pathType"].as_str() {
                    Some("Exact") => true,
                    Some("Prefix") => false,
                    other => {
                        problems.add(format!(
                            "{at}: pathType {other:?}; use Exact or Prefix so the match is defined"
                        ));
                        continue;
                    }
                };
                let service = &p["backend"]["service"];
                let name = service["name"].as_str().unwrap_or("").to_string();
                if service["port"]["number"].as_u64() != Some(SPINAPP_SERVICE_PORT) {
                    problems.add(format!(
                        "{at}: the SpinApp Services listen on port {SPINAPP_SERVICE_PORT}"
                    ));
                }
                if !manifests
                    .spinapps()
                    .iter()
                    .any(|s| s.name() == name && s.namespace() == ingress.namespace())
                {
                    problems.add(format!("{at}: backend {name:?} is no SpinApp's Service"));
                }
                paths.push((path, exact, name, at));
            }
        }
    }
    // Kubernetes' rule: the longest matching path wins, Exact before Prefix.
    let ingress_route = |request: &str| -> Option<&(String, bool, String, String)> {
        paths
            .iter()
            .filter(|(p, exact, ..)| {
                let base = p.trim_end_matches('/');
                if *exact {
                    request == p
                } else {
                    base.is_empty()
                        || request == base
                        || request
                            .strip_prefix(base)
                            .is_some_and(|r| r.starts_with('/'))
                }
            })
            .max_by_key(|(p, exact, ..)| (p.trim_end_matches('/').len(), *exact))
    };
    let mut samples: BTreeSet<String> = app.sample_paths().into_iter().collect();
    for (p, exact, ..) in &paths {
        samples.insert(p.clone());
        if !exact {
            samples.insert(format!("{}/sample", p.trim_end_matches('/')));
        }
    }
    let spinapps = manifests.spinapps();
    let runs = |service: &str, component: &str| {
        spinapps
            .iter()
            .any(|s| s.name() == service && components_of(s).iter().any(|c| c == component))
    };
    for request in samples {
        let Some(component) = app.route(&request) else {
            continue;
        };
        let chosen = ingress_route(&request);
        if NOT_EXPOSED.contains(&component) {
            if let Some((_, _, service, at)) = chosen
                && runs(service, component)
            {
                problems.add(format!(
                    "{at}: exposes {request} (component {component:?}), which stays inside the cluster"
                ));
            }
            continue;
        }
        match chosen {
            None => problems.add(format!(
                "no Ingress path sends {request} (component {component:?} in spin.toml)"
            )),
            Some((_, _, service, at)) if !runs(service, component) => problems.add(format!(
                "{at}: sends {request} to {service:?}, but spin.toml routes it to {component:?}, which that SpinApp does not run"
            )),
            Some(_) => {}
        }
    }
    problems.assert_none("Ingress routes");
}

#[test]
fn cronjob_posts_the_scheduled_run_route_with_the_cron_token() {
    let app = SpinToml::load();
    let manifests = Manifests::load();

    // What spin.toml's cron components call: their URL variables' paths, the component
    // those paths are routed to, and the secret variables they present.
    let mut expected_paths = BTreeSet::new();
    let mut cron_secrets = BTreeSet::new();
    let mut problems = Problems::default();
    for id in app.other_triggers.keys() {
        let component = &app.components[id];
        for name in component.uses() {
            let Some(decl) = app.variables.get(&name) else {
                continue;
            };
            if decl.secret {
                cron_secrets.insert(name.clone());
            }
            for url in decl.default.iter().flat_map(|d| urls_in(d)) {
                let Some((host, path)) = host_and_path(&url) else {
                    continue;
                };
                if path == "/" {
                    continue;
                }
                // The component the cron's URL names must be the one the route reaches.
                let routed = app.route(path);
                for named in spin_internal_targets(host) {
                    if routed != Some(named.as_str()) {
                        problems.add(format!(
                            "spin.toml: {id:?}'s variable {name:?} = {url:?} names {named:?}, but {path} is routed to {routed:?}"
                        ));
                    }
                }
                expected_paths.insert(path.to_string());
            }
        }
    }
    assert!(
        !expected_paths.is_empty(),
        "spin.toml: no cron component with a URL variable; this test reads the scheduled route from it"
    );

    let cronjobs: Vec<&Doc> = manifests.of_kind("CronJob").collect();
    if cronjobs.is_empty() {
        problems.add("deploy/kubernetes/: no CronJob drives the scheduled run");
    }
    for job in cronjobs {
        let at = job.at();
        let containers = job.value["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut urls = Vec::new();
        let mut secret_refs = Vec::new();
        for c in &containers {
            for s in c["command"]
                .as_array()
                .into_iter()
                .chain(c["args"].as_array())
                .flatten()
            {
                urls.extend(s.as_str().map(urls_in).unwrap_or_default());
            }
            for e in c["env"].as_array().into_iter().flatten() {
                urls.extend(e["value"].as_str().map(urls_in).unwrap_or_default());
                let r = &e["valueFrom"]["secretKeyRef"];
                if let (Some(name), Some(key)) = (r["name"].as_str(), r["key"].as_str()) {
                    secret_refs.push((name.to_string(), key.to_string()));
                }
            }
        }
        if urls.is_empty() {
            problems.add(format!("{at}: no http(s) URL in its containers"));
        }
        let mut callees = Vec::new();
        for url in &urls {
            let Some((host, path)) = host_and_path(url) else {
                continue;
            };
            if !expected_paths.contains(path) {
                problems.add(format!(
                    "{at}: POSTs {url}, whose path is not the scheduled run route {expected_paths:?} of spin.toml"
                ));
                continue;
            }
            let routed = app.route(path);
            match manifests.spinapp_of_host(host) {
                None => problems.add(format!(
                    "{at}: {url} names no SpinApp's Service under deploy/kubernetes/"
                )),
                Some(target) if routed.is_none_or(|c| !components_of(target).iter().any(|x| x == c)) => {
                    problems.add(format!(
                        "{at}: {url} reaches {}, but spin.toml routes {path} to {routed:?}, which that SpinApp does not run",
                        target.at()
                    ))
                }
                Some(target) => callees.push(target),
            }
        }
        // The token it presents is the one the called SpinApp checks.
        for target in callees {
            let set = variables_of(target);
            for name in &cron_secrets {
                let Some(var) = set.get(name) else { continue };
                let r = &var["valueFrom"]["secretKeyRef"];
                let wanted = (
                    r["name"].as_str().unwrap_or("").to_string(),
                    r["key"].as_str().unwrap_or("").to_string(),
                );
                if !secret_refs.contains(&wanted) {
                    problems.add(format!(
                        "{at}: presents no token from Secret {:?} key {:?}, where {} reads {name:?}",
                        wanted.0,
                        wanted.1,
                        target.at()
                    ));
                }
            }
        }
    }
    problems.assert_none("CronJob");
}

#[test]
fn readme_serves_every_http_component_without_the_cron_plugin() {
    let app = SpinToml::load();
    let readme =
        std::fs::read_to_string(repo_root().join("README.md")).expect("README.md is readable");
    let heading = "## Running on real Spin";
    let section = readme
        .split_once(heading)
        .map(|(_, rest)| rest.split("\n## ").next().unwrap_or(rest))
        .unwrap_or_else(|| panic!("README.md: no section {heading:?}"));
    // Shell lines with their `\` continuations joined.
    let joined = section.replace("\\\n", " ");
    let commands: Vec<String> = joined
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| {
            l.starts_with("spin up") && (l.contains(" -c ") || l.contains("--component-id"))
        })
        .collect();
    assert!(
        !commands.is_empty(),
        "README.md {heading:?}: no `spin up -c …` command for a Spin without the trigger-cron plugin"
    );
    let wanted: BTreeSet<&str> = app.http_components();
    let mut problems = Problems::default();
    for command in commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        let named: BTreeSet<&str> = words
            .windows(2)
            .filter(|w| w[0] == "-c" || w[0] == "--component-id")
            .map(|w| w[1])
            .collect();
        for missing in wanted.difference(&named) {
            problems.add(format!(
                "README.md: `{command}` leaves out component {missing:?}, whose routes would answer 404"
            ));
        }
        for extra in named.difference(&wanted) {
            let why = match app.other_triggers.get(*extra) {
                Some(kind) => format!("its `{kind}` trigger needs a plugin"),
                None => "spin.toml has no such HTTP component".to_string(),
            };
            problems.add(format!("README.md: `{command}` names {extra:?}: {why}"));
        }
    }
    problems.assert_none("README's real-Spin command");
}
