//! `zhanye bench products`: the product catalog's routes against a running app whose
//! catalog `zhanye generate --demo` (and `--products N`) loaded.
//!
//! Signs in (changing the initial password when the app asks), then one client at a
//! time, `n` requests each: the list (plain pages), a code prefix, a name prefix, a
//! status + risk filter, the detail of products from the list, and the suitable
//! customers of on-sale products; prints p50/p90/p99 of each. Then exports the whole
//! catalog (or `--export-filter`) as CSV and as XLSX, reading each download to the end:
//! rows, bytes, wall time, and with `--server-pid` the server process's peak resident
//! memory above where it was before the download (sampled every 2 ms from
//! `/proc/<pid>/status`).

use anyhow::{Result, bail};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use super::api::{Client, scenario};
use super::customers::percent;
use super::fmt;

#[derive(clap::Args, Debug)]
pub struct ProductsArgs {
    /// Base URL of the app, e.g. http://127.0.0.1:3000.
    #[arg(long)]
    url: String,
    /// Staff code to sign in as (its customers are the suitable ones).
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
    /// The query string of the exports (default: the whole catalog).
    #[arg(long, default_value = "")]
    export_filter: String,
    /// The server's process id, to sample its resident memory during the exports.
    #[arg(long)]
    server_pid: Option<u32>,
}

/// A process's resident memory in KiB (`VmRSS`), when it can be read.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Downloads one export to the end and prints its figures.
async fn export(client: &mut Client, format: &str, filter: &str, pid: Option<u32>) -> Result<()> {
    let path = format!("/api/products/export?format={format}&{filter}");
    let baseline = pid.and_then(resident_kib);
    let peak = Arc::new(AtomicU64::new(baseline.unwrap_or(0)));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = pid.map(|pid| {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some(kib) = resident_kib(pid) {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    });
    let answer = client.call("GET", &path, None).await;
    stop.store(true, Ordering::Relaxed);
    if let Some(sampler) = sampler {
        let _ = sampler.join();
    }
    let answer = answer?;
    if answer.status == 422 {
        // Past the XLSX cap: the refusal is the figure.
        println!(
            "export {format:<5} refused: {}",
            answer.json()["detail"].as_str().unwrap_or_default()
        );
        return Ok(());
    }
    if answer.status != 200 {
        bail!(
            "{path} answered {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
    let rows = answer
        .headers
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("?")
        .to_owned();
    let memory = match baseline {
        Some(before) => format!(
            ", server RSS {:.1} MiB before, peak +{:.1} MiB",
            before as f64 / 1024.0,
            peak.load(Ordering::Relaxed).saturating_sub(before) as f64 / 1024.0
        ),
        None => String::new(),
    };
    println!(
        "export {format:<5} {rows} rows, {} bytes, wall {}{memory}",
        answer.body.len(),
        fmt(answer.elapsed)
    );
    Ok(())
}

pub async fn products(args: ProductsArgs) -> Result<()> {
    let mut client = Client::new(&args.url).await?;
    client
        .sign_in(&args.code, &args.password, &args.new_password)
        .await?;
    let n = args.requests;
    let first = client
        .call("GET", "/api/products?page_size=200", None)
        .await?;
    if first.status != 200 {
        bail!("GET /api/products answered {}", first.status);
    }
    let catalog = first.json();
    let items = catalog["items"].as_array().cloned().unwrap_or_default();
    let codes: Vec<String> = items
        .iter()
        .filter_map(|p| p["code"].as_str().map(str::to_owned))
        .collect();
    let on_sale: Vec<String> = items
        .iter()
        .filter(|p| p["status"] != "ended")
        .filter_map(|p| p["code"].as_str().map(str::to_owned))
        .collect();
    if codes.is_empty() || on_sale.is_empty() {
        bail!("the catalog is empty: load it with zhanye generate --demo [--products N]");
    }
    let total = catalog["total"].as_u64().unwrap_or(0);
    let more = if catalog["total_capped"] == true {
        " or more"
    } else {
        ""
    };
    println!(
        "zhanye bench products: signed in as {}, {total}{more} products, {n} requests per scenario, one client at a time",
        args.code
    );
    let pages = total.div_ceil(20).clamp(1, 50) as usize;
    scenario(
        &mut client,
        "GET /api/products?page=… (plain page)",
        n,
        |k| format!("/api/products?page={}", k % pages + 1),
    )
    .await?;
    scenario(&mut client, "GET /api/products?code=<prefix>", n, |k| {
        let code = &codes[k % codes.len()];
        format!("/api/products?code={}", &code[..code.len().min(3)])
    })
    .await?;
    const NAMES: [&str; 4] = [
        "%E6%B5%B7%E9%80%9A",
        "%E5%AF%8C%E5%9B%BD",
        "%E5%8D%8E%E5%AE%89",
        "%E5%8D%97%E6%96%B9",
    ];
    scenario(&mut client, "GET /api/products?name=<prefix>", n, |k| {
        format!("/api/products?name={}", NAMES[k % NAMES.len()])
    })
    .await?;
    // A word from the middle of a generated name, and the end of a code.
    const PARTS: [&str; 4] = ["理财", "对冲", "收益凭证", "富通"];
    scenario(&mut client, "GET /api/products?name=<part>", n, |k| {
        format!("/api/products?name={}", percent(PARTS[k % PARTS.len()]))
    })
    .await?;
    scenario(
        &mut client,
        "GET /api/products?code=<last digits>",
        n,
        |k| {
            let code = &codes[k % codes.len()];
            format!(
                "/api/products?code={}",
                &code[code.len().saturating_sub(4)..]
            )
        },
    )
    .await?;
    scenario(
        &mut client,
        "GET /api/products?status=…&risk=…",
        n,
        |k| {
            let status = ["on_sale", "issuing", "ended"][k % 3];
            format!("/api/products?status={status}&risk=R{}", k % 5 + 1)
        },
    )
    .await?;
    scenario(&mut client, "GET /api/products/{code}", n, |k| {
        format!("/api/products/{}", codes[k % codes.len()])
    })
    .await?;
    scenario(
        &mut client,
        "GET /api/products/{code}/suitable-customers",
        n,
        |k| {
            format!(
                "/api/products/{}/suitable-customers",
                on_sale[k % on_sale.len()]
            )
        },
    )
    .await?;
    for format in ["csv", "xlsx"] {
        export(&mut client, format, &args.export_filter, args.server_pid).await?;
    }
    Ok(())
}
