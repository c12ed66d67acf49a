//! The addresses guests hand to the database and messaging interfaces (Redis, MQTT,
//! MySQL, PostgreSQL), checked against the component's `allowed_outbound_hosts` the way
//! Spin checks them: an address that is not a URL with a host is read again with the
//! interface's scheme in front (`localhost:6379` → `redis://localhost:6379`).

use super::CapView;

/// The parts of an address the allow-list looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
}

/// `scheme://[user[:password]@]host[:port][/…]`, or the same without a scheme, which
/// then gets `default_scheme`. `None` when neither reading has a host.
pub fn parse(address: &str, default_scheme: &str) -> Option<Target> {
    parse_url(address).or_else(|| parse_url(&format!("{default_scheme}://{address}")))
}

fn parse_url(url: &str) -> Option<Target> {
    let (scheme, rest) = url.split_once("://")?;
    let mut chars = scheme.chars();
    if !chars.next()?.is_ascii_alphabetic()
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // The password may hold `:` or `@`; the host starts after the last `@`.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // An IPv6 literal keeps its brackets, as the allow-list's entries and URIs do.
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        (format!("[{host}]"), after.strip_prefix(':'))
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host.to_string(), Some(port)),
            None => (host_port.to_string(), None),
        }
    };
    if host.is_empty() || host == "[]" {
        return None;
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
    };
    Some(Target {
        scheme: scheme.to_ascii_lowercase(),
        host: host.to_ascii_lowercase(),
        port,
    })
}

impl CapView<'_> {
    /// Whether the component may connect to `address` (read with `default_scheme`).
    pub fn allows_address(&self, address: &str, default_scheme: &str) -> bool {
        parse(address, default_scheme).is_some_and(|t| self.allows_target(&t))
    }

    pub fn allows_target(&self, target: &Target) -> bool {
        self.caps
            .allowed_hosts
            .allows(&target.scheme, &target.host, target.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(scheme: &str, host: &str, port: Option<u16>) -> Option<Target> {
        Some(Target {
            scheme: scheme.into(),
            host: host.into(),
            port,
        })
    }

    #[test]
    fn urls_and_bare_addresses() {
        assert_eq!(
            parse("redis://cache.example.com:6380/0", "redis"),
            target("redis", "cache.example.com", Some(6380))
        );
        assert_eq!(
            parse("localhost:6379", "redis"),
            target("redis", "localhost", Some(6379))
        );
        assert_eq!(
            parse("mysql://u:p@ss:w@DB.example.com/app", "mysql"),
            target("mysql", "db.example.com", None)
        );
        assert_eq!(
            parse("mqtt://[::1]:1883", "mqtt"),
            target("mqtt", "[::1]", Some(1883))
        );
        // Neither reading has a host, or a valid port.
        assert_eq!(parse(":6379", "redis"), None);
        assert_eq!(parse("h:99999", "redis"), None);
    }
}
