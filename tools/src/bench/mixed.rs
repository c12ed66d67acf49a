//! `zhanye bench mixed`: the read routes people use, mixed, under many keep-alive
//! connections in a closed loop — the figure of a busy morning rather than of one route.
//!
//! Signs in as each `--code` (changing an initial password when the app asks), collects
//! customer ids from the first pages of each one's list, then loads `-c` connections for
//! `-d` seconds after a one-second warm-up; connection `i` acts as the `i mod n`-th staff
//! member. Each request picks its route by the weights of [`MIX`] (deterministically
//! from the connection and request number): home, customer list pages, name-prefix
//! search, customer detail, 6-month performance, the to-do list, the product list.
//! Prints requests/s and p50/p90/p99 over all of them, and the non-2xx answers by status;
//! fails when most requests failed.

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use std::sync::Arc;
use std::time::Duration;

use super::api::Client;
use super::customers::{PREFIXES, customer_ids, last_page, percent};
use super::{Report, RequestMaker, load_requests};
use crate::generate;

/// The running app and the staff a load signs in as.
#[derive(clap::Args, Debug)]
pub struct StaffArgs {
    /// Base URL of the app, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    pub url: String,
    /// Staff code to sign in as; repeat it for several roles (connections take turns).
    #[arg(long = "code", value_name = "CODE", required = true)]
    pub codes: Vec<String>,
    /// The password of each `--code`, in the same order (the initial one is the 8-digit
    /// birth date).
    #[arg(long = "password", value_name = "PASSWORD", required = true)]
    pub passwords: Vec<String>,
    /// The password set when the app asks for a change (and tried when `--password`
    /// no longer works because an earlier run changed it).
    #[arg(long, default_value = "Bench2026pw")]
    pub new_password: String,
}

#[derive(clap::Args, Debug)]
pub struct MixedArgs {
    #[command(flatten)]
    staff: StaffArgs,
    /// Keep-alive connections, each sending its next request when the last is answered.
    #[arg(short = 'c', long, default_value_t = 64)]
    connections: usize,
    /// Seconds of measured load (after a one-second warm-up).
    #[arg(short = 'd', long, default_value_t = 10)]
    duration: u64,
    /// HOME-1 month (default: the current one).
    #[arg(long)]
    month: Option<String>,
}

/// A read route of the mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Route {
    Home,
    CustomerPage,
    NameSearch,
    CustomerDetail,
    Performance,
    Tasks,
    Products,
}

/// The routes and their weights (percent of the requests): what a rep's or a lead's day
/// on the app looks like, opening customers more than anything else.
const MIX: &[(Route, u64)] = &[
    (Route::Home, 15),
    (Route::CustomerPage, 15),
    (Route::NameSearch, 15),
    (Route::CustomerDetail, 20),
    (Route::Performance, 15),
    (Route::Tasks, 10),
    (Route::Products, 10),
];

/// Customer list pages cycled through (or as many as the list has).
const LIST_PAGES: u64 = 10;

/// A signed-in staff member and what its requests open.
pub(super) struct Session {
    pub(super) code: String,
    pub(super) token: String,
    pub(super) ids: Vec<i64>,
    pages: u64,
}

/// A well-mixed 64-bit value of the connection and request number (splitmix64), so
/// neighbouring requests pick unrelated routes and customers.
pub(super) fn mix_bits(connection: usize, k: u64) -> u64 {
    let mut x = ((connection as u64) << 40 ^ k).wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The route of request `bits` by the weights of [`MIX`].
fn pick(bits: u64) -> Route {
    let total: u64 = MIX.iter().map(|(_, w)| w).sum();
    let mut at = bits % total;
    for &(route, weight) in MIX {
        if at < weight {
            return route;
        }
        at -= weight;
    }
    unreachable!("the weights cover 0..total")
}

/// The path of `route` for `session`; `n` chooses the page, prefix or customer.
pub(super) fn path(route: Route, session: &Session, n: u64, month: &str) -> String {
    let id = || session.ids[(n % session.ids.len() as u64) as usize];
    match route {
        Route::Home => format!("/api/home?month={month}"),
        Route::CustomerPage => {
            format!("/api/customers?page={}&page_size=20", n % session.pages + 1)
        }
        Route::NameSearch => format!(
            "/api/customers?q={}",
            percent(PREFIXES[(n % PREFIXES.len() as u64) as usize])
        ),
        Route::CustomerDetail => format!("/api/customers/{}", id()),
        Route::Performance => format!("/api/customers/{}/performance?months=6", id()),
        Route::Tasks => "/api/tasks".to_string(),
        Route::Products => "/api/products?page=1&page_size=20".to_string(),
    }
}

/// Signs in as each `--code` (changing an initial password to `--new-password` when
/// the app asks) and collects the customers each one opens.
pub(super) async fn sessions(staff: &StaffArgs) -> Result<Vec<Session>> {
    let (url, codes, passwords, new_password) = (
        &staff.url,
        &staff.codes,
        &staff.passwords,
        &staff.new_password,
    );
    if codes.len() != passwords.len() {
        bail!("give one --password for each --code");
    }
    let mut sessions = Vec::new();
    for (code, password) in codes.iter().zip(passwords) {
        let mut client = Client::new(url).await?;
        client.sign_in(code, password, new_password).await?;
        let (ids, total) = customer_ids(&mut client, code).await?;
        let token = client
            .token()
            .context("signed in without a token")?
            .to_string();
        println!(
            "{code}: {total} customers in scope, {} collected to open",
            ids.len()
        );
        sessions.push(Session {
            code: code.clone(),
            token,
            ids,
            pages: last_page(total, 20).min(LIST_PAGES),
        });
    }
    Ok(sessions)
}

/// The month HOME-1 is asked for: `--month`, else the current China-time one.
pub(super) fn month_or_current(month: Option<String>) -> String {
    month.unwrap_or_else(|| generate::china_today().format("%Y-%m").to_string())
}

pub async fn mixed(args: MixedArgs) -> Result<()> {
    if args.connections == 0 {
        bail!("-c must be at least 1");
    }
    let month = month_or_current(args.month);
    let sessions = sessions(&args.staff).await?;
    let weights: Vec<String> = MIX.iter().map(|(r, w)| format!("{r:?} {w}%")).collect();
    println!(
        "zhanye bench mixed: {} connections as {}, {} s; mix {}",
        args.connections,
        args.staff.codes.join(", "),
        args.duration,
        weights.join(", ")
    );

    let report = saturation(
        &args.staff.url,
        Arc::new(sessions),
        args.connections,
        args.duration,
        month,
    )
    .await?;
    println!("\n== mixed read load ({} connections) ==", args.connections);
    report.print(&format!("{} (the mix above)", args.staff.url));
    report.check()
}

/// The closed-loop load of the mix: `connections` keep-alive connections, each sending
/// its next request when the last is answered, for `duration` seconds.
pub(super) async fn saturation(
    url: &str,
    sessions: Arc<Vec<Session>>,
    connections: usize,
    duration: u64,
    month: String,
) -> Result<Report> {
    let uri: http::Uri = url.trim_end_matches('/').parse().context("bad --url")?;
    let host = uri
        .authority()
        .context("--url needs host:port")?
        .to_string();
    let make: RequestMaker = {
        let host = host.clone();
        Arc::new(move |connection, k| {
            let session = &sessions[connection % sessions.len()];
            let bits = mix_bits(connection, k);
            let path = path(pick(bits), session, bits >> 32, &month);
            Ok(http::Request::get(path)
                .header("host", &host)
                .header("authorization", format!("Bearer {}", session.token))
                .body(http_body_util::Full::new(Bytes::new()))?)
        })
    };
    load_requests(&host, make, connections, Duration::from_secs(duration)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(ids: Vec<i64>, pages: u64) -> Session {
        Session {
            code: String::new(),
            token: String::new(),
            ids,
            pages,
        }
    }

    #[test]
    fn routes_come_in_the_shares_of_their_weights() {
        let mut counts = vec![0u64; MIX.len()];
        let draws = 200_000u64;
        for connection in 0..64 {
            for k in 0..draws / 64 {
                let route = pick(mix_bits(connection, k));
                counts[MIX.iter().position(|(r, _)| *r == route).unwrap()] += 1;
            }
        }
        for ((route, weight), count) in MIX.iter().zip(&counts) {
            let share = *count as f64 * 100.0 / draws as f64;
            assert!(
                (share - *weight as f64).abs() < 1.0,
                "{route:?}: {share:.2}% for a weight of {weight}"
            );
        }
    }

    #[test]
    fn pages_and_customers_stay_within_what_the_session_has() {
        let s = session(vec![7, 8, 9], 3);
        let mut pages = std::collections::BTreeSet::new();
        for n in 0..100 {
            let page = path(Route::CustomerPage, &s, n, "2026-11");
            pages.insert(page);
            let detail = path(Route::CustomerDetail, &s, n, "2026-11");
            assert!(
                ["/api/customers/7", "/api/customers/8", "/api/customers/9"]
                    .contains(&detail.as_str())
            );
        }
        let expected: std::collections::BTreeSet<String> = (1..=3)
            .map(|p| format!("/api/customers?page={p}&page_size=20"))
            .collect();
        assert_eq!(pages, expected);
        assert_eq!(
            path(Route::Performance, &s, 4, "2026-11"),
            "/api/customers/8/performance?months=6"
        );
        assert_eq!(
            path(Route::Home, &s, 0, "2026-11"),
            "/api/home?month=2026-11"
        );
    }

    #[test]
    fn one_connection_visits_every_route() {
        let seen: std::collections::BTreeSet<String> = (0..200)
            .map(|k| format!("{:?}", pick(mix_bits(3, k))))
            .collect();
        assert_eq!(seen.len(), MIX.len());
    }
}
