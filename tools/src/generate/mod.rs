//! `zhanye generate`: deterministic data for the app, loaded the way the trading
//! partner delivers it — through the signed webhooks (`POST {url}/hooks/trading/<topic>`).
//!
//! From `--seed` alone (and today's date) come the org tree (HQ → regions → branches →
//! teams), its staff, customers with their CUST-3 months, daily asset snapshots, trades,
//! fund transfers and account events; the same seed gives byte-identical batches, and
//! each batch's `Idempotency-Key` is derived from its content, so a re-run replays
//! harmlessly. `--demo` gives the demo reps (A0001 … A0004) their customers instead of
//! generating an org; `zhanye up --demo` runs it against itself.
//!
//! Products come from the issuer partner (`POST {url}/hooks/issuer/products`, see
//! [`products`]): the demo catalog with `--demo`, `--products N` generated ones; the
//! topic name `products` in `--only` sends them alone.

mod names;
mod org;
mod pdf;
pub mod products;
mod push;
mod records;
mod rng;
mod world;

use anyhow::{Context, Result, bail};
use chrono::{Duration, NaiveDate};
use std::sync::Arc;

pub use push::Sent;
use records::TOPICS;
use world::{Owners, World};

/// The demo trading partner's secret (the manifest's default `hook_secret_trading`).
pub const DEMO_SECRET: &str = "demo-trading-secret";

#[derive(clap::Args, Debug, Clone)]
pub struct GenerateArgs {
    /// Base URL of the running app, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    pub url: String,
    /// The trading partner's webhook secret (`hook_secret_trading`).
    #[arg(long, env = "ZHANYE_HOOK_SECRET", default_value = DEMO_SECRET, hide_env_values = true)]
    pub secret: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Customers to generate (ignored with --demo).
    #[arg(long, default_value_t = 10_000)]
    pub customers: u64,
    /// Staff to generate in a new org tree (ignored with --demo).
    #[arg(long, default_value_t = 100)]
    pub staff: usize,
    /// Months of CUST-3 performance, up to the current one.
    #[arg(long, default_value_t = 6)]
    pub months: usize,
    /// Days of daily asset snapshots, up to yesterday (default 1; 30 with --demo).
    #[arg(long)]
    pub days: Option<usize>,
    /// Trades in all (default: one per customer).
    #[arg(long)]
    pub trades: Option<u64>,
    /// Only these topics (comma-separated), e.g. `org-units,staff`.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Attach customers to the demo staff instead of generating an org: A0001 150,
    /// A0002 60, A0003 40, A0004 40.
    #[arg(long)]
    pub demo: bool,
    /// Batches in flight at once (two keep a 2-core server busy; more only queue).
    #[arg(long, default_value_t = 2)]
    pub concurrency: usize,
    /// Records per batch (the webhooks take at most 20,000).
    #[arg(long, default_value_t = 20_000)]
    pub batch_size: usize,
    /// The day to generate as of (default: today, China time); data runs to the day
    /// before.
    #[arg(long, value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| "expected YYYY-MM-DD".to_string())
}

/// Today in China (UTC+8).
pub fn china_today() -> NaiveDate {
    (chrono::Utc::now() + Duration::hours(8)).date_naive()
}

/// Where the progress and the summary go.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Say {
    /// Standard output, with progress lines.
    Print,
    /// The runtime's log, summaries only.
    Log,
}

impl Say {
    fn line(self, text: String) {
        match self {
            Say::Print => println!("{text}"),
            Say::Log => zhanye_runtime::log_info!("{text}"),
        }
    }
}

/// A generation plan: the world, the org when one is generated, the topics to send.
pub struct Generation {
    pub world: World,
    pub org: Option<org::Org>,
    pub topics: Vec<&'static str>,
    pub batch_size: usize,
}

impl Generation {
    pub fn new(args: &GenerateArgs) -> Result<Generation> {
        if args.batch_size == 0 || args.batch_size > 20_000 {
            bail!("--batch-size must be 1..=20000");
        }
        if args.months > 120 {
            bail!("--months must be at most 120");
        }
        let today = args.as_of.unwrap_or_else(china_today);
        let yesterday = today - Duration::days(1);
        let days = args.days.unwrap_or(if args.demo { 30 } else { 1 });
        if days > 400 {
            bail!("--days must be at most 400");
        }
        let (org, owners, customers) = if args.demo {
            let owners = Owners::demo();
            let total = owners.demo_total().unwrap_or_default();
            (None, owners, total)
        } else {
            if args.staff < org::MIN_STAFF {
                bail!("--staff must be at least {}", org::MIN_STAFF);
            }
            let org = org::generate(args.seed, args.staff, today);
            let reps = org.reps().iter().map(|m| m.code.clone()).collect();
            (Some(org), Owners::Reps(reps), args.customers)
        };
        let topics: Vec<&'static str> = if args.only.is_empty() {
            TOPICS
                .iter()
                .copied()
                .filter(|t| !(args.demo && matches!(*t, "org-units" | "staff")))
                .collect()
        } else {
            let mut chosen = Vec::new();
            for name in &args.only {
                let name = name.trim();
                let Some(topic) = TOPICS.iter().find(|t| **t == name) else {
                    bail!("unknown topic {name}; topics: {}", TOPICS.join(", "));
                };
                if args.demo && matches!(*topic, "org-units" | "staff") {
                    bail!("--demo uses the demo org and staff: no topic {topic}");
                }
                chosen.push(*topic);
            }
            // Always in load order.
            TOPICS
                .iter()
                .copied()
                .filter(|t| chosen.contains(t))
                .collect()
        };
        let world = World {
            seed: args.seed,
            today,
            months: world::months_until(today, args.months),
            days: world::weekdays_until(yesterday, days),
            trade_days: world::weekdays_until(yesterday, days.max(20)),
            customers,
            trades: args.trades.unwrap_or(customers),
            owners,
        };
        Ok(Generation {
            world,
            org,
            topics,
            batch_size: args.batch_size,
        })
    }

    /// The NDJSON batches of a topic, in order (what is sent, before compression).
    #[cfg(test)]
    pub fn batches(&self, topic: &'static str) -> Vec<(Vec<u8>, u64)> {
        let plan = records::plan(topic, &self.world, self.org.as_ref(), self.batch_size);
        plan.batches
            .iter()
            .map(|range| records::body(topic, &self.world, self.org.as_ref(), *range))
            .collect()
    }

    /// Sends every topic; answers what each did.
    pub async fn send(
        self,
        url: &str,
        secret: &str,
        concurrency: usize,
        say: Say,
    ) -> Result<Vec<(&'static str, Sent)>> {
        let target = Arc::new(push::Target::from_url(url, secret).await?);
        let this = Arc::new(self);
        let mut done = Vec::new();
        for &topic in &this.topics {
            let plan = records::plan(topic, &this.world, this.org.as_ref(), this.batch_size);
            let ranges = Arc::new(plan.batches);
            let make: push::Maker = {
                let (this, ranges) = (this.clone(), ranges.clone());
                Arc::new(move |n| {
                    let (ndjson, count) =
                        records::body(topic, &this.world, this.org.as_ref(), ranges[n]);
                    records::seal(topic, n, &ndjson, count)
                })
            };
            let expected = plan.records;
            let sent = push::topic(
                target.clone(),
                topic,
                ranges.len(),
                concurrency,
                make,
                move |records, elapsed| {
                    if say == Say::Print {
                        let of = expected.map(|n| format!("/{n}")).unwrap_or_default();
                        println!(
                            "  {topic}: {records}{of} records, {:.0} records/s",
                            records as f64 / elapsed.as_secs_f64().max(0.001)
                        );
                    }
                },
            )
            .await
            .with_context(|| format!("loading {topic}"))?;
            say.line(format!(
                "{topic}: {} records in {:.2} s ({:.0} records/s), {} batches, {} replayed",
                sent.records,
                sent.elapsed.as_secs_f64(),
                sent.records as f64 / sent.elapsed.as_secs_f64().max(0.001),
                sent.batches,
                sent.replayed
            ));
            done.push((topic, sent));
        }
        Ok(done)
    }

    /// Staff to sign in as (code, initial password, role), one of each kind.
    pub fn sample_staff(&self) -> Vec<(String, String, &'static str)> {
        let Some(org) = &self.org else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (role, label) in [
            ("hq_admin", "HQ administrator"),
            ("branch_manager", "branch manager"),
            ("lead", "team lead"),
        ] {
            if let Some(m) = org.staff.iter().find(|m| m.roles.contains(&role)) {
                out.push((m.code.clone(), m.initial_password(), label));
            }
        }
        if let Some(m) = org.reps().first() {
            out.push((m.code.clone(), m.initial_password(), "rep"));
        }
        out
    }
}

/// `zhanye generate`.
pub async fn run(mut args: GenerateArgs, issuer: products::ProductArgs) -> Result<()> {
    // `products` is the issuer's topic, sent after the trading partner's.
    let chosen = args.only.len();
    args.only.retain(|t| t.trim() != "products");
    let with_products = chosen == 0 || args.only.len() < chosen;
    if chosen == 0 || !args.only.is_empty() {
        trading(&args).await?;
    }
    if with_products && args.demo {
        let loaded = products::load_demo(&args.url, &issuer.issuer_secret).await?;
        println!("{}", loaded.summary("demo catalog"));
    }
    if with_products && issuer.products > 0 {
        let loaded =
            products::load_generated(&args.url, &issuer.issuer_secret, args.seed, issuer.products)
                .await?;
        println!("{}", loaded.summary(&format!("seed {}", args.seed)));
    }
    Ok(())
}

/// The trading partner's topics of `zhanye generate`.
async fn trading(args: &GenerateArgs) -> Result<()> {
    let generation = Generation::new(args)?;
    let samples = generation.sample_staff();
    println!(
        "zhanye generate: seed {}, {} customers{}, as of {}, topics {}",
        args.seed,
        generation.world.customers,
        generation
            .org
            .as_ref()
            .map(|o| format!(", {} staff", o.staff.len()))
            .unwrap_or_else(|| " of the demo staff".into()),
        generation.world.today,
        generation.topics.join(",")
    );
    let started = std::time::Instant::now();
    let done = generation
        .send(&args.url, &args.secret, args.concurrency, Say::Print)
        .await?;
    let records: u64 = done.iter().map(|(_, s)| s.records).sum();
    println!(
        "total: {records} records in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    for (code, password, role) in samples {
        println!("sign in as {role} {code} (initial password {password})");
    }
    Ok(())
}

/// `zhanye up --demo`: gives the demo reps their customers through the app's own
/// webhook, and the demo product catalog through the issuer's when it has a secret. A
/// failure is logged and the app keeps serving.
pub async fn load_demo(url: &str, secret: &str, issuer_secret: Option<&str>) {
    if let Some(issuer_secret) = issuer_secret {
        match products::load_demo(url, issuer_secret).await {
            Ok(loaded) => zhanye_runtime::log_info!("{}", loaded.summary("demo catalog")),
            Err(e) => zhanye_runtime::log_error!("demo products not loaded: {e:#}"),
        }
    }
    let args = GenerateArgs {
        url: url.to_string(),
        secret: secret.to_string(),
        seed: 1,
        customers: 0,
        staff: 0,
        months: 6,
        days: None,
        trades: None,
        only: Vec::new(),
        demo: true,
        concurrency: 2,
        batch_size: 20_000,
        as_of: None,
    };
    let result = match Generation::new(&args) {
        Ok(generation) => generation.send(url, secret, 2, Say::Log).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => {
            let records: u64 = done.iter().map(|(_, s)| s.records).sum();
            zhanye_runtime::log_info!("demo customers loaded: {records} records");
        }
        Err(e) => zhanye_runtime::log_error!("demo customers not loaded: {e:#}"),
    }
}

#[cfg(test)]
mod tests;
