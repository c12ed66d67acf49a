//! Outbound HTTP: `allowed_outbound_hosts` as Spin reads it, and the one hook through
//! which every `wasi:http` request of a component leaves (p2 and p3 alike). Requests
//! to `http://self` and `http://<component>.spin.internal` never touch the network:
//! they go straight to this app's HTTP trigger.

use anyhow::{Result, bail};
use futures::future::BoxFuture;
use std::sync::{Arc, Weak};
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

#[derive(Debug, Clone, PartialEq)]
enum HostPattern {
    Any,
    Exact(String),
    /// `*.example.com` — any name ending in `.example.com`.
    Suffix(String),
}

#[derive(Debug, Clone, PartialEq)]
enum PortPattern {
    Any,
    Range(u16, u16),
}

#[derive(Debug, Clone, PartialEq)]
struct AllowedHost {
    /// `None` for `*://`.
    scheme: Option<String>,
    host: HostPattern,
    port: PortPattern,
}

/// A component's `allowed_outbound_hosts`, parsed.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    entries: Vec<AllowedHost>,
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

impl AllowedHosts {
    pub fn parse(entries: &[String]) -> Result<Self> {
        let mut parsed = Vec::new();
        for e in entries {
            parsed.push(parse_entry(e)?);
        }
        Ok(Self { entries: parsed })
    }

    /// Whether a request to `scheme://host:port` may go out.
    pub fn allows(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        let host = host.to_ascii_lowercase();
        let port = port.or_else(|| default_port(scheme));
        self.entries.iter().any(|a| {
            a.scheme.as_deref().is_none_or(|s| s == scheme)
                && match &a.host {
                    HostPattern::Any => host != "self" && !host.ends_with(".spin.internal"),
                    HostPattern::Exact(h) => *h == host,
                    HostPattern::Suffix(s) => host.ends_with(s.as_str()) && host.len() > s.len(),
                }
                && match (&a.port, port) {
                    (PortPattern::Any, _) => true,
                    (PortPattern::Range(lo, hi), Some(p)) => (*lo..=*hi).contains(&p),
                    (PortPattern::Range(..), None) => false,
                }
        })
    }
}

fn parse_entry(entry: &str) -> Result<AllowedHost> {
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
    } else if let Some(suffix) = host.strip_prefix("*.") {
        HostPattern::Suffix(format!(".{suffix}"))
    } else if host.is_empty() || host.contains('*') {
        bail!("invalid host in allowed_outbound_hosts entry {entry:?}");
    } else {
        HostPattern::Exact(host)
    };
    let port = match port {
        None => match scheme.as_deref().and_then(default_port) {
            Some(p) => PortPattern::Range(p, p),
            None if host == HostPattern::Exact("self".into()) => PortPattern::Any,
            None => bail!("allowed_outbound_hosts entry {entry:?} needs a port for this scheme"),
        },
        Some("*") => PortPattern::Any,
        Some(p) => match p.split_once('-') {
            Some((lo, hi)) => PortPattern::Range(lo.parse()?, hi.parse()?),
            None => {
                let p: u16 = p
                    .parse()
                    .map_err(|_| anyhow::anyhow!("invalid port in {entry:?}"))?;
                PortPattern::Range(p, p)
            }
        },
    };
    // `self` and `*.spin.internal` are reached whatever the port.
    let port = match &host {
        HostPattern::Exact(h) if h == "self" => PortPattern::Any,
        HostPattern::Exact(h) | HostPattern::Suffix(h) if h.ends_with(".spin.internal") => {
            PortPattern::Any
        }
        _ => port,
    };
    Ok(AllowedHost { scheme, host, port })
}

/// Where a local (no-network) request goes.
pub enum LocalTarget {
    /// `http://self/...`: routed like an incoming request.
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

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> SendFuture {
        drop(fut);
        let scheme = request.uri().scheme_str().unwrap_or("http").to_string();
        let host = request.uri().host().unwrap_or("").to_ascii_lowercase();
        let port = request.uri().port_u16();
        if !self.allowed.allows(&scheme, &host, port) {
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        let local = if host == "self" {
            Some(LocalTarget::Route)
        } else {
            host.strip_suffix(".spin.internal")
                .map(|id| LocalTarget::Component(id.to_string()))
        };
        if let Some(target) = local {
            let Some(dispatch) = self.local.as_ref().and_then(Weak::upgrade) else {
                return Box::new(async { Err(Error::DestinationUnavailable) });
            };
            return Box::new(async move {
                let res = dispatch.dispatch(target, request).await?;
                Ok((
                    res,
                    Box::new(async { Ok(()) }) as Box<dyn Future<Output = _> + Send>,
                ))
            });
        }
        Box::new(async move {
            use http_body_util::BodyExt;
            let (res, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                res.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = _> + Send>,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(e: &[&str]) -> AllowedHosts {
        AllowedHosts::parse(&e.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn exact_host_uses_the_scheme_default_port() {
        let a = hosts(&["https://api.example.com"]);
        assert!(a.allows("https", "api.example.com", None));
        assert!(a.allows("https", "API.example.com", Some(443)));
        assert!(!a.allows("https", "api.example.com", Some(8443)));
        assert!(!a.allows("http", "api.example.com", None));
        assert!(!a.allows("https", "example.com", None));
    }

    #[test]
    fn wildcards_for_scheme_host_and_port() {
        let a = hosts(&["*://*.example.com:*", "http://127.0.0.1:8000-8010"]);
        assert!(a.allows("http", "a.example.com", Some(1)));
        assert!(a.allows("https", "b.c.example.com", None));
        assert!(!a.allows("https", "example.com", None));
        assert!(a.allows("http", "127.0.0.1", Some(8005)));
        assert!(!a.allows("http", "127.0.0.1", Some(8011)));
    }

    #[test]
    fn self_and_internal_need_their_own_entries() {
        let any = hosts(&["*://*:*"]);
        assert!(any.allows("https", "anything.org", None));
        assert!(!any.allows("http", "self", None));
        assert!(!any.allows("http", "health.spin.internal", None));
        let own = hosts(&["http://self", "http://*.spin.internal"]);
        assert!(own.allows("http", "self", None));
        assert!(own.allows("http", "health.spin.internal", Some(3000)));
        assert!(!own.allows("http", "example.com", None));
        assert!(hosts(&[]).entries.is_empty());
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in [
            "example.com",
            "https://ex.com/path",
            "https://*ex.com",
            "https://ex.com:x",
        ] {
            assert!(AllowedHosts::parse(&[bad.to_string()]).is_err(), "{bad}");
        }
    }
}
