//! Outbound HTTP: `allowed_outbound_hosts` as Spin reads it, and the one hook through
//! which every `wasi:http` request of a component leaves (p2 and p3 alike).
//!
//! Where a request goes follows Spin 4.1's outbound HTTP rules:
//! - a relative URL (no authority, or the empty host `wasi:http` guests fill in, as
//!   spin-sdk 5.2 does with `:443`) or `http://self.alt/…` is a request to the app
//!   itself, allowed by a `self`/`self.alt` entry (or a `*` host) whatever its port;
//! - `http://<component>.spin.internal/…` goes straight to that component (service
//!   chaining), allowed like any host, with `*.spin.internal` standing for the app's
//!   components only;
//! - anything else, `http://self/…` included, is an ordinary network request.
//!
//! Spin sends self requests back over the network to its own listening address; here
//! both kinds are answered in-process by the app's HTTP trigger, which routes them as
//! it routes incoming requests (same routing, headers, limits and access log).

use anyhow::{Context, Result, bail};
use futures::future::BoxFuture;
use std::sync::{Arc, Weak};
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// The domain of service-chaining hosts (`<component>.spin.internal`).
const CHAINING_DOMAIN: &str = "spin.internal";

#[derive(Debug, Clone, PartialEq)]
enum HostPattern {
    Any,
    /// `self` or `self.alt`: the app itself, reached by a relative URL or through
    /// `http://self.alt`; never a host name on the network.
    ToSelf,
    Exact(String),
    /// `*.example.com` — any name ending in `.example.com`.
    Suffix(String),
}

#[derive(Debug, Clone, PartialEq)]
enum PortPattern {
    Any,
    /// Spin's `lo..hi`, end excluded; a single port is `p..p+1`.
    Range(u16, u32),
}

#[derive(Debug, Clone, PartialEq)]
struct AllowedHost {
    /// `None` for `*://`.
    scheme: Option<String>,
    host: HostPattern,
    port: PortPattern,
}

impl AllowedHost {
    fn allows_scheme(&self, scheme: &str) -> bool {
        self.scheme.as_deref().is_none_or(|s| s == scheme)
    }
}

/// A component's `allowed_outbound_hosts`, parsed.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    entries: Vec<AllowedHost>,
}

/// The port a scheme implies when an entry or a URL names none (Spin's list).
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        "postgres" => Some(5432),
        "mysql" => Some(3306),
        "redis" => Some(6379),
        "mqtt" => Some(1883),
        _ => None,
    }
}

impl AllowedHosts {
    /// Parses `entries` (templates already expanded). A `*.spin.internal` wildcard
    /// stands for the components in `component_ids` and nothing else, as in Spin, so
    /// a request to an unknown `<id>.spin.internal` is refused as not allowed.
    pub fn parse(entries: &[String], component_ids: &[&str]) -> Result<Self> {
        let mut parsed = Vec::new();
        for e in entries {
            let entry = parse_entry(e)?;
            match &entry.host {
                HostPattern::Suffix(s) if s.strip_prefix('.') == Some(CHAINING_DOMAIN) => {
                    for id in component_ids {
                        parsed.push(AllowedHost {
                            host: HostPattern::Exact(format!("{id}.{CHAINING_DOMAIN}")),
                            ..entry.clone()
                        });
                    }
                }
                _ => parsed.push(entry),
            }
        }
        Ok(Self { entries: parsed })
    }

    /// Whether a request to the absolute URL `scheme://host:port` may go out.
    pub fn allows(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        let host = host.to_ascii_lowercase();
        let port = port.or_else(|| default_port(scheme));
        self.entries.iter().any(|a| {
            a.allows_scheme(scheme)
                && match &a.host {
                    HostPattern::Any => true,
                    HostPattern::Exact(h) => *h == host,
                    HostPattern::Suffix(s) => host.ends_with(s.as_str()) && host.len() > s.len(),
                    HostPattern::ToSelf => false,
                }
                && match (&a.port, port) {
                    (PortPattern::Any, _) => true,
                    (PortPattern::Range(lo, hi), Some(p)) => *lo <= p && u32::from(p) < *hi,
                    (PortPattern::Range(..), None) => false,
                }
        })
    }

    /// Whether requests to the app itself (relative URLs, `http://self.alt`) may go
    /// out: an entry for `self` or any host, with a scheme that takes http or https.
    pub fn allows_self(&self) -> bool {
        self.entries.iter().any(|a| {
            (a.allows_scheme("http") || a.allows_scheme("https"))
                && matches!(a.host, HostPattern::Any | HostPattern::ToSelf)
        })
    }
}

/// Whether an entry names a service-chaining target, and which: `Some("*")` for the
/// `*.spin.internal` wildcard. Templated entries (not expandable yet) name none.
pub fn chaining_target(entry: &str) -> Option<String> {
    let (_, rest) = entry.split_once("://")?;
    let host = rest
        .trim_end_matches('/')
        .rsplit_once(':')
        .map_or(rest, |(h, _)| h);
    let (first, domain) = host.split_once('.')?;
    (domain.eq_ignore_ascii_case(CHAINING_DOMAIN) && !first.contains('{'))
        .then(|| first.to_ascii_lowercase())
}

fn parse_entry(entry: &str) -> Result<AllowedHost> {
    let entry = entry.trim();
    let Some((scheme, rest)) = entry.split_once("://") else {
        bail!("allowed_outbound_hosts entry {entry:?} needs a scheme, e.g. \"https://{entry}\"");
    };
    let scheme = match scheme {
        "*" => None,
        s if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '+') => {
            Some(s.to_ascii_lowercase())
        }
        _ => bail!("invalid scheme in allowed_outbound_hosts entry {entry:?}"),
    };
    let rest = rest.trim_end_matches('/');
    if rest.contains('/') {
        bail!("allowed_outbound_hosts entry {entry:?} must not have a path");
    }
    // Split host and port, minding bracketed IPv6 literals.
    let (host, port) = if let Some(stripped) = rest.strip_prefix('[') {
        let Some((h, after)) = stripped.split_once(']') else {
            bail!("unterminated IPv6 literal in {entry:?}");
        };
        (format!("[{h}]"), after.strip_prefix(':'))
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (rest.to_string(), None),
        }
    };
    let host = host.to_ascii_lowercase();
    let host = if host == "*" {
        HostPattern::Any
    } else if host == "self" || host == "self.alt" {
        HostPattern::ToSelf
    } else if let Some(suffix) = host.strip_prefix("*.") {
        if suffix.is_empty() || suffix.contains('*') {
            bail!("invalid wildcard host in allowed_outbound_hosts entry {entry:?}");
        }
        HostPattern::Suffix(format!(".{suffix}"))
    } else if host.is_empty() || host.contains('*') {
        bail!("invalid host in allowed_outbound_hosts entry {entry:?}");
    } else {
        HostPattern::Exact(host)
    };
    let port = match port {
        None | Some("") => match scheme.as_deref().and_then(default_port) {
            Some(p) => PortPattern::Range(p, u32::from(p) + 1),
            None => bail!("allowed_outbound_hosts entry {entry:?} needs a port for this scheme"),
        },
        Some("*") => PortPattern::Any,
        Some(p) => {
            let number = |text: &str| -> Result<u16> {
                text.parse()
                    .with_context(|| format!("invalid port {text:?} in {entry:?}"))
            };
            match p.split_once("..") {
                Some((lo, hi)) => PortPattern::Range(number(lo)?, u32::from(number(hi)?)),
                None if p.contains('-') => bail!(
                    "invalid port range {p:?} in {entry:?}: Spin writes ranges as lo..hi (end excluded)"
                ),
                None => {
                    let p = number(p)?;
                    PortPattern::Range(p, u32::from(p) + 1)
                }
            }
        }
    };
    Ok(AllowedHost { scheme, host, port })
}

/// Where a request of a component goes.
#[derive(Debug, PartialEq)]
pub enum Destination {
    /// A relative URL or `http://self.alt/…`: the app itself.
    App,
    /// `http://<id>.spin.internal/…`: one component, by id.
    Component(String),
    /// Everywhere else (including `http://self/…`): the network.
    Network,
}

/// Classifies a request URI as Spin 4.1 does.
pub fn destination(uri: &http::Uri) -> Destination {
    let Some(authority) = uri.authority() else {
        return Destination::App;
    };
    let host = authority.host().to_ascii_lowercase();
    // `wasi:http` needs an authority, so SDKs send relative URLs with an empty host
    // (spin-sdk 5.2 sends `:443`); those are requests to the app too.
    if host.is_empty() || host == "self.alt" {
        return Destination::App;
    }
    match host.split_once('.') {
        Some((id, CHAINING_DOMAIN)) => Destination::Component(id.to_string()),
        _ => Destination::Network,
    }
}

/// Where a local (no-network) request goes.
pub enum LocalTarget {
    /// The app itself: routed like an incoming request.
    Route,
    /// `http://<id>.spin.internal/...`: straight to one component.
    Component(String),
}

/// Something that can answer a request in-process: the app's HTTP trigger.
pub trait LocalDispatch: Send + Sync {
    fn dispatch(
        &self,
        target: LocalTarget,
        req: http::Request<WasiBody>,
    ) -> BoxFuture<'static, Result<http::Response<WasiBody>, Error>>;
}

/// The per-instance hook `wasi:http` calls for every outbound request.
pub struct OutboundHooks {
    pub allowed: Arc<AllowedHosts>,
    pub local: Option<Weak<dyn LocalDispatch>>,
}

type SendFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), Error>> + Send>,
                ),
                Error,
            >,
        > + Send,
>;

fn failed(error: Error) -> SendFuture {
    Box::new(async move { Err(error) })
}

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> SendFuture {
        drop(fut);
        let scheme = request.uri().scheme_str().unwrap_or("http").to_string();
        let host = request.uri().host().unwrap_or("").to_ascii_lowercase();
        let port = request.uri().port_u16();
        let target = match destination(request.uri()) {
            Destination::App => {
                if !self.allowed.allows_self() {
                    return failed(Error::HttpRequestDenied);
                }
                // Only the path and query count; the trigger supplies its own origin.
                let path = request
                    .uri()
                    .path_and_query()
                    .cloned()
                    .unwrap_or_else(|| http::uri::PathAndQuery::from_static("/"));
                *request.uri_mut() = http::Uri::from(path);
                request.headers_mut().remove(http::header::HOST);
                LocalTarget::Route
            }
            Destination::Component(id) => {
                if !self.allowed.allows(&scheme, &host, port) {
                    return failed(Error::HttpRequestDenied);
                }
                LocalTarget::Component(id)
            }
            Destination::Network => {
                if !self.allowed.allows(&scheme, &host, port) {
                    return failed(Error::HttpRequestDenied);
                }
                return Box::new(async move {
                    use http_body_util::BodyExt;
                    let (res, io) =
                        wasmtime_wasi_http::default_send_request(request, options).await?;
                    Ok((
                        res.map(BodyExt::boxed_unsync),
                        Box::new(io) as Box<dyn Future<Output = _> + Send>,
                    ))
                });
            }
        };
        let Some(dispatch) = self.local.as_ref().and_then(Weak::upgrade) else {
            // No HTTP trigger in this process to answer it (Spin: no self origin set).
            return failed(Error::HttpRequestUriInvalid);
        };
        Box::new(async move {
            let res = dispatch.dispatch(target, request).await?;
            Ok((
                res,
                Box::new(async { Ok(()) }) as Box<dyn Future<Output = _> + Send>,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(e: &[&str]) -> AllowedHosts {
        hosts_of_app(e, &[])
    }

    fn hosts_of_app(e: &[&str], components: &[&str]) -> AllowedHosts {
        AllowedHosts::parse(
            &e.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            components,
        )
        .unwrap()
    }

    #[test]
    fn exact_host_uses_the_scheme_default_port() {
        let a = hosts(&["https://api.example.com"]);
        assert!(a.allows("https", "api.example.com", None));
        assert!(a.allows("https", "API.example.com", Some(443)));
        assert!(!a.allows("https", "api.example.com", Some(8443)));
        assert!(!a.allows("http", "api.example.com", None));
        assert!(!a.allows("https", "example.com", None));
        let db = hosts(&["postgres://db.internal"]);
        assert!(db.allows("postgres", "db.internal", Some(5432)));
    }

    #[test]
    fn wildcards_for_scheme_host_and_port() {
        let a = hosts(&["*://*.example.com:*", "http://127.0.0.1:8000..8010"]);
        assert!(a.allows("http", "a.example.com", Some(1)));
        assert!(a.allows("https", "b.c.example.com", None));
        assert!(!a.allows("https", "example.com", None));
        assert!(a.allows("http", "127.0.0.1", Some(8000)));
        assert!(a.allows("http", "127.0.0.1", Some(8009)));
        assert!(
            !a.allows("http", "127.0.0.1", Some(8010)),
            "a range's end is excluded"
        );
    }

    #[test]
    fn self_entries_allow_requests_to_the_app_only() {
        for entry in ["http://self", "http://self.alt", "https://self"] {
            let own = hosts(&[entry]);
            assert!(own.allows_self(), "{entry}");
            // `self` is not a host name: `http://self/…` is refused.
            assert!(!own.allows("http", "self", None), "{entry}");
            assert!(!own.allows("http", "self.alt", None), "{entry}");
        }
        // Any host takes self requests too, as in Spin.
        assert!(hosts(&["*://*:*"]).allows_self());
        assert!(hosts(&["http://*:*"]).allows_self());
        assert!(!hosts(&["http://example.com", "http://*.spin.internal"]).allows_self());
        assert!(!hosts(&["mqtt://self"]).allows_self());
        assert!(!hosts(&[]).allows_self());
    }

    #[test]
    fn chaining_wildcard_stands_for_the_apps_components_only() {
        let a = hosts_of_app(&["http://*.spin.internal"], &["health", "exact"]);
        assert!(a.allows("http", "health.spin.internal", None));
        assert!(a.allows("http", "exact.spin.internal", Some(80)));
        assert!(!a.allows("http", "nobody.spin.internal", None));
        assert!(!a.allows("http", "health.spin.internal", Some(3000)));
        assert!(!a.allows("http", "example.com", None));
        let one = hosts(&["http://exact.spin.internal"]);
        assert!(one.allows("http", "exact.spin.internal", None));
        assert!(!one.allows("http", "health.spin.internal", None));
        // Any host reaches every component, as in Spin.
        assert!(hosts(&["*://*:*"]).allows("http", "health.spin.internal", None));
    }

    #[test]
    fn destinations_follow_spin() {
        let d = |u: &str| destination(&u.parse().unwrap());
        assert_eq!(d("/probe/exact?x=1"), Destination::App);
        assert_eq!(d("https://:443/probe/exact"), Destination::App);
        assert_eq!(d("http://self.alt/probe"), Destination::App);
        assert_eq!(d("http://SELF.alt:3000/probe"), Destination::App);
        assert_eq!(
            d("http://exact.spin.internal/any"),
            Destination::Component("exact".into())
        );
        assert_eq!(d("http://self/probe"), Destination::Network);
        assert_eq!(d("http://a.b.spin.internal/"), Destination::Network);
        assert_eq!(d("https://example.com/"), Destination::Network);
    }

    #[test]
    fn chaining_targets_of_entries() {
        assert_eq!(
            chaining_target("http://exact.spin.internal"),
            Some("exact".into())
        );
        assert_eq!(
            chaining_target("http://*.spin.internal:80"),
            Some("*".into())
        );
        assert_eq!(chaining_target("http://self"), None);
        assert_eq!(chaining_target("https://api.example.com"), None);
        assert_eq!(chaining_target("{{ origin }}"), None);
        assert_eq!(chaining_target("http://{{ id }}.spin.internal"), None);
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in [
            "example.com",
            "https://ex.com/path",
            "https://*ex.com",
            "https://ex.com:x",
            "http://127.0.0.1:8000-8010",
            "*://self",
            "ftp://ex.com",
        ] {
            assert!(
                AllowedHosts::parse(&[bad.to_string()], &[]).is_err(),
                "{bad}"
            );
        }
    }
}
