//! Spin's HTTP routing: exact routes, `:name` single-segment wildcards and trailing
//! `/...` wildcards; the most specific route wins and an unmatched path is a 404.

use anyhow::{Result, bail};
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// A route of `[[trigger.http]]` and the component it leads to.
#[derive(Debug, Clone)]
pub struct Route {
    /// As written in the manifest, e.g. `/api/customers/...`.
    pub raw: String,
    pub component: String,
    segments: Vec<Segment>,
    trailing_wildcard: bool,
}

/// A matched route and what Spin tells the component about the match.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteMatch<'a> {
    pub raw_route: &'a str,
    pub component: &'a str,
    /// The route without its `/...` (`spin-component-route`).
    pub component_route: String,
    /// The part of the path after the matched prefix (`spin-path-info`).
    pub path_info: String,
    /// `:name` captures (`spin-path-match-<name>`).
    pub params: Vec<(String, String)>,
}

impl Route {
    pub fn parse(raw: &str, component: &str) -> Result<Self> {
        if !raw.starts_with('/') {
            bail!("route {raw:?} must start with '/'");
        }
        let (body, trailing_wildcard) = match raw.strip_suffix("/...") {
            Some(b) => (b, true),
            None => (raw, false),
        };
        let mut segments = Vec::new();
        for seg in body.split('/').filter(|s| !s.is_empty()) {
            if seg == "..." {
                bail!("route {raw:?}: '...' is only allowed at the end");
            }
            segments.push(match seg.strip_prefix(':') {
                Some(name) if !name.is_empty() => Segment::Param(name.to_string()),
                Some(_) => bail!("route {raw:?}: ':' needs a name"),
                None => Segment::Literal(seg.to_string()),
            });
        }
        Ok(Self {
            raw: raw.to_string(),
            component: component.to_string(),
            segments,
            trailing_wildcard,
        })
    }

    /// Specificity, compared position by position: literal > `:param` > `/...`; an
    /// exact route ends with a marker that outranks a wildcard over the same prefix.
    fn rank(&self) -> Vec<u8> {
        let mut r: Vec<u8> = self
            .segments
            .iter()
            .map(|s| match s {
                Segment::Literal(_) => 3,
                Segment::Param(_) => 2,
            })
            .collect();
        r.push(if self.trailing_wildcard { 1 } else { 4 });
        r
    }

    fn matches<'a>(&'a self, path_segments: &[&str]) -> Option<RouteMatch<'a>> {
        let n = self.segments.len();
        if path_segments.len() < n || (!self.trailing_wildcard && path_segments.len() != n) {
            return None;
        }
        let mut params = Vec::new();
        for (seg, actual) in self.segments.iter().zip(path_segments) {
            match seg {
                Segment::Literal(l) if l == actual => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => params.push((name.clone(), actual.to_string())),
            }
        }
        let rest = &path_segments[n..];
        let path_info = if rest.is_empty() {
            String::new()
        } else {
            format!("/{}", rest.join("/"))
        };
        let component_route = self
            .raw
            .strip_suffix("/...")
            .unwrap_or(&self.raw)
            .to_string();
        Some(RouteMatch {
            raw_route: &self.raw,
            component: &self.component,
            component_route,
            path_info,
            params,
        })
    }
}

#[derive(Debug, Default, Clone)]
pub struct Router {
    routes: Vec<Route>,
}

impl Router {
    pub fn new(routes: Vec<Route>) -> Result<Self> {
        let mut seen = std::collections::BTreeSet::new();
        for r in &routes {
            let key = (
                r.segments
                    .clone()
                    .into_iter()
                    .map(|s| match s {
                        Segment::Literal(l) => l,
                        Segment::Param(_) => ":".to_string(),
                    })
                    .collect::<Vec<_>>(),
                r.trailing_wildcard,
            );
            if !seen.insert(key) {
                bail!("duplicate route {:?}", r.raw);
            }
        }
        let mut routes = routes;
        // Most specific first, so the first match is the winner.
        routes.sort_by(|a, b| cmp_rank(&b.rank(), &a.rank()));
        Ok(Self { routes })
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// `path` is the request path without its query.
    pub fn find(&self, path: &str) -> Option<RouteMatch<'_>> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.routes.iter().find_map(|r| r.matches(&segments))
    }
}

fn cmp_rank(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match x.cmp(y) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router {
        Router::new(
            routes
                .iter()
                .map(|(r, c)| Route::parse(r, c).unwrap())
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn exact_routes_match_only_themselves() {
        let r = router(&[("/cart", "cart"), ("/cart/checkout", "checkout")]);
        assert_eq!(r.find("/cart").unwrap().component, "cart");
        assert_eq!(r.find("/cart/checkout").unwrap().component, "checkout");
        assert!(r.find("/cart/other").is_none());
        assert!(r.find("/").is_none());
    }

    #[test]
    fn most_specific_wins() {
        let r = router(&[
            ("/...", "root"),
            ("/api/...", "api"),
            ("/api/health", "health"),
            ("/api/users/:id", "user"),
            ("/api/users/...", "users"),
        ]);
        assert_eq!(r.find("/api/health").unwrap().component, "health");
        assert_eq!(r.find("/api/healthz").unwrap().component, "api");
        assert_eq!(r.find("/api/users/7").unwrap().component, "user");
        assert_eq!(r.find("/api/users/7/x").unwrap().component, "users");
        assert_eq!(r.find("/index.html").unwrap().component, "root");
        assert_eq!(r.find("/").unwrap().component, "root");
    }

    #[test]
    fn reports_path_info_and_captures() {
        let r = router(&[("/static/...", "files"), ("/u/:name/x", "u")]);
        let m = r.find("/static/css/a.css").unwrap();
        assert_eq!(m.path_info, "/css/a.css");
        assert_eq!(m.component_route, "/static");
        assert_eq!(m.raw_route, "/static/...");
        assert_eq!(r.find("/static").unwrap().path_info, "");
        let m = r.find("/u/li/x").unwrap();
        assert_eq!(m.params, vec![("name".to_string(), "li".to_string())]);
        assert_eq!(m.path_info, "");
    }

    #[test]
    fn duplicates_and_bad_routes_are_refused() {
        assert!(
            Router::new(vec![
                Route::parse("/a", "x").unwrap(),
                Route::parse("/a", "y").unwrap()
            ])
            .is_err()
        );
        assert!(Route::parse("a", "x").is_err());
        assert!(Route::parse("/a/.../b", "x").is_err());
    }
}
