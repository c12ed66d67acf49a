//! Typed HTTP helpers over a blocking client: every status is an answer (4xx/5xx
//! included), bodies are read whole.

use serde::de::DeserializeOwned;
use std::time::Duration;

#[derive(Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
    headers: Vec<(String, String)>,
}

/// A whole HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not the expected JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    pub fn value(&self) -> serde_json::Value {
        self.json()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Self {
            base: base.trim_end_matches('/').to_string(),
            agent,
            headers: Vec::new(),
        }
    }

    /// A client that sends `name: value` on every request.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.with_header("authorization", &format!("Bearer {token}"))
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    /// A request whose transport failure (no answer at all) is returned, not a panic.
    pub fn try_request(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Reply, String> {
        let req = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        let mut req = self
            .headers
            .iter()
            .fold(req, |r, (k, v)| r.header(k.as_str(), v.as_str()));
        let body_bytes = match body {
            Some((ct, b)) => {
                req = req.header("content-type", ct);
                b
            }
            None => Vec::new(),
        };
        let req = req.body(body_bytes).expect("request");
        let mut res = match self.agent.run(req) {
            Ok(res) => res,
            Err(e) => return Err(format!("{method} {path} failed: {e}")),
        };
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = res
            .body_mut()
            .with_config()
            .limit(512 << 20)
            .read_to_vec()
            .unwrap_or_default();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    pub fn request(&self, method: &str, path: &str, body: Option<(&str, Vec<u8>)>) -> Reply {
        self.try_request(method, path, body)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A GET whose transport failure (no answer at all) is returned, not a panic.
    pub fn try_get(&self, path: &str) -> Result<Reply, String> {
        self.try_request("GET", path, None)
    }

    /// A JSON POST whose transport failure is returned, not a panic.
    pub fn try_post_json(&self, path: &str, body: &serde_json::Value) -> Result<Reply, String> {
        let body = serde_json::to_vec(body).expect("json");
        self.try_request("POST", path, Some(("application/json", body)))
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, None)
    }

    pub fn delete(&self, path: &str) -> Reply {
        self.request("DELETE", path, None)
    }

    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.request(
            "POST",
            path,
            Some(("application/json", serde_json::to_vec(body).expect("json"))),
        )
    }

    pub fn post(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        self.request("POST", path, Some((content_type, body.into())))
    }

    pub fn put(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        self.request("PUT", path, Some((content_type, body.into())))
    }
}

/// Whether anything answers HTTP at `base` (any status counts: an app need not serve
/// `/`), asked with a short time-out so a runtime still starting is asked again soon.
pub(crate) fn answers(base: &str) -> bool {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(2)))
        .build()
        .into();
    agent
        .get(format!("{}/", base.trim_end_matches('/')))
        .call()
        .is_ok()
}
