//! `zhanye bench customers` and `zhanye bench t1`: the customer-facing figures of
//! quality.md against a running app loaded by `zhanye generate`.
//!
//! - `customers`: signs in (changing the initial password when the app asks), then one
//!   client at a time, `n` requests each: `GET /api/home?month=…`, `GET /api/customers`
//!   by name prefix and as a plain page, `GET /api/customers/{id}` and
//!   `GET /api/customers/{id}/performance?months=6` for customers from the list;
//!   prints p50/p90/p99 of each.
//! - `t1`: one day's T+1 delivery — a daily snapshot for every customer and `--trades`
//!   trades on that day — through the webhooks; prints the wall time and records/s.

use anyhow::{Result, bail};
use std::time::Instant;

use super::api::{Client, scenario};
use crate::generate::{self, GenerateArgs, Generation, Say};

#[derive(clap::Args, Debug)]
pub struct CustomersArgs {
    /// Base URL of the app, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    url: String,
    /// Staff code to sign in as (its customers are what the routes answer).
    #[arg(long, default_value = "A0001")]
    code: String,
    /// Its password (the initial one is the 8-digit birth date).
    #[arg(long, default_value = "19820718")]
    password: String,
    /// The password set when the app asks for a change (and tried when `--password`
    /// no longer works because an earlier run changed it).
    #[arg(long, default_value = "Bench2026pw")]
    new_password: String,
    /// Requests per scenario, one at a time.
    #[arg(short = 'n', long, default_value_t = 200)]
    requests: usize,
    /// HOME-1 month (default: the current one).
    #[arg(long)]
    month: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct T1Args {
    /// Base URL of the app.
    #[arg(long)]
    url: String,
    #[arg(long, env = "ZHANYE_HOOK_SECRET", default_value = generate::DEMO_SECRET, hide_env_values = true)]
    secret: String,
    /// The seed and customer count the app was loaded with.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 3_000_000)]
    customers: u64,
    #[arg(long, default_value_t = 500_000)]
    trades: u64,
    /// The trading day delivered (default: today, China time).
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// Batches in flight at once.
    #[arg(long, default_value_t = 2)]
    concurrency: usize,
    #[arg(long, default_value_t = 20_000)]
    batch_size: usize,
}

/// Name prefixes searched: common surnames, then surname and a given-name character.
pub(super) const PREFIXES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "王伟", "李娜", "张敏", "刘洋",
    "陈静", "杨帆", "黄磊", "赵丽", "吴婷", "周杰",
];

/// Given names searched without the surname: one character (the broadest), two.
pub(super) const GIVEN_NAMES: &[&str] = &[
    "伟", "芳", "建国", "丽娜", "志强", "秀英", "晓明", "雨", "子涵", "海",
];

/// Ends of account numbers (4 to 6 digits), as read off a statement.
pub(super) const ACCOUNT_ENDS: &[&str] = &[
    "0417", "2025", "8888", "13579", "660021", "1001", "4321", "97531",
];

pub async fn customers(args: CustomersArgs) -> Result<()> {
    let mut client = Client::new(&args.url).await?;
    client
        .sign_in(&args.code, &args.password, &args.new_password)
        .await?;
    let month = args
        .month
        .unwrap_or_else(|| generate::china_today().format("%Y-%m").to_string());
    let n = args.requests;
    println!(
        "zhanye bench customers: signed in as {}, {n} requests per scenario, one client at a time",
        args.code
    );

    let (ids, total) = customer_ids(&mut client, &args.code).await?;

    scenario(&mut client, "GET /api/home?month=…", n, |_| {
        format!("/api/home?month={month}")
    })
    .await?;
    scenario(&mut client, "GET /api/customers?q=<name prefix>", n, |k| {
        format!("/api/customers?q={}", percent(PREFIXES[k % PREFIXES.len()]))
    })
    .await?;
    scenario(&mut client, "GET /api/customers?q=<given name>", n, |k| {
        format!(
            "/api/customers?q={}",
            percent(GIVEN_NAMES[k % GIVEN_NAMES.len()])
        )
    })
    .await?;
    scenario(
        &mut client,
        "GET /api/customers?q=<last digits of an account>",
        n,
        |k| format!("/api/customers?q={}", ACCOUNT_ENDS[k % ACCOUNT_ENDS.len()]),
    )
    .await?;
    scenario(
        &mut client,
        "GET /api/customers?page=… (plain page)",
        n,
        // The first ten pages, or as many as there are (a page past the last is a 422).
        |k| {
            let pages = last_page(total, 20).min(10);
            format!("/api/customers?page={}&page_size=20", k as u64 % pages + 1)
        },
    )
    .await?;
    scenario(&mut client, "GET /api/customers/{id}", n, |k| {
        format!("/api/customers/{}", ids[k % ids.len()])
    })
    .await?;
    scenario(
        &mut client,
        "GET /api/customers/{id}/performance?months=6",
        n,
        |k| format!("/api/customers/{}/performance?months=6", ids[k % ids.len()]),
    )
    .await?;
    Ok(())
}

/// Customers read per list page when collecting ids to open, and the most pages read.
const ID_PAGE_SIZE: u64 = 50;
const ID_PAGES: u64 = 5;

/// The ids of the caller's first customers (the first pages of the list, stopping at its
/// last page: a page past it is a 422) and the list's total.
pub(super) async fn customer_ids(client: &mut Client, code: &str) -> Result<(Vec<i64>, u64)> {
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let path = format!("/api/customers?page={page}&page_size={ID_PAGE_SIZE}");
        let answer = client.call("GET", &path, None).await?;
        let body = answer.json();
        if answer.status != 200 {
            bail!("GET {path} answered {}: {body}", answer.status);
        }
        let total = body["total"].as_u64().unwrap_or(0);
        let items = body["items"].as_array().cloned().unwrap_or_default();
        ids.extend(items.iter().filter_map(|c| c["id"].as_i64()));
        if page >= last_page(total, ID_PAGE_SIZE).min(ID_PAGES) {
            if ids.is_empty() {
                bail!("{code} has no customers in scope");
            }
            return Ok((ids, total));
        }
        page += 1;
    }
}

/// The last page of a list of `total` items (page 1 even when it is empty).
pub(super) fn last_page(total: u64, page_size: u64) -> u64 {
    total.div_ceil(page_size).max(1)
}

/// Percent-encodes a query value.
pub(super) fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn t1(args: T1Args) -> Result<()> {
    let date = args.date.unwrap_or_else(generate::china_today);
    let generate = GenerateArgs {
        url: args.url.clone(),
        secret: args.secret.clone(),
        seed: args.seed,
        customers: args.customers,
        staff: 100,
        months: 6,
        days: Some(1),
        trades: Some(args.trades),
        // `--trades 0` measures the snapshots alone.
        only: if args.trades == 0 {
            vec!["daily-assets".into()]
        } else {
            vec!["daily-assets".into(), "trades".into()]
        },
        demo: false,
        concurrency: args.concurrency,
        batch_size: args.batch_size,
        as_of: None,
    };
    let mut generation = Generation::new(&generate)?;
    generation.world.days = vec![date];
    generation.world.trade_days = vec![date];
    println!(
        "zhanye bench t1: {} daily snapshots and {} trades for {date}, seed {}, {} in flight",
        args.customers, args.trades, args.seed, args.concurrency
    );
    let started = Instant::now();
    let done = generation
        .send(&args.url, &args.secret, args.concurrency, Say::Print)
        .await?;
    let elapsed = started.elapsed();
    let records: u64 = done.iter().map(|(_, s)| s.records).sum();
    println!(
        "T+1 load: {records} records in {:.1} s ({:.0} records/s)",
        elapsed.as_secs_f64(),
        records as f64 / elapsed.as_secs_f64().max(0.001)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::last_page;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(super::percent("王a1"), "%E7%8E%8Ba1");
    }

    #[test]
    fn the_last_page_holds_the_last_item() {
        // 150 customers are three full pages of 50: a fourth would be a 422.
        assert_eq!(last_page(150, 50), 3);
        assert_eq!(last_page(151, 50), 4);
        assert_eq!(last_page(1, 50), 1);
        // An empty list still has its first page.
        assert_eq!(last_page(0, 50), 1);
    }
}
