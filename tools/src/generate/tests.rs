use super::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn args(demo: bool) -> GenerateArgs {
    GenerateArgs {
        url: "http://127.0.0.1:1".into(),
        secret: DEMO_SECRET.into(),
        seed: 7,
        customers: 2_000,
        staff: 60,
        months: 6,
        days: Some(3),
        trades: Some(3_000),
        only: Vec::new(),
        demo,
        concurrency: 1,
        batch_size: 500,
        as_of: NaiveDate::from_ymd_opt(2026, 11, 23),
    }
}

fn lines(batches: &[(Vec<u8>, u64)]) -> Vec<Value> {
    batches
        .iter()
        .flat_map(|(body, count)| {
            let records: Vec<Value> = body
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_slice(l).unwrap())
                .collect();
            assert_eq!(records.len() as u64, *count);
            records
        })
        .collect()
}

/// Fen from a money string, read independently of the generator's formatting.
fn fen(value: &Value) -> i64 {
    let text = value.as_str().expect("money is a string");
    let (yuan, cents) = text.split_once('.').expect("two decimals");
    assert_eq!(cents.len(), 2, "{text}");
    yuan.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()
}

#[test]
fn the_same_seed_gives_byte_identical_batches() {
    let first = Generation::new(&args(false)).unwrap();
    let second = Generation::new(&args(false)).unwrap();
    let mut other_args = args(false);
    other_args.seed = 8;
    let other = Generation::new(&other_args).unwrap();
    assert_eq!(first.topics, TOPICS.to_vec());
    for topic in TOPICS {
        let a = first.batches(topic);
        let b = second.batches(topic);
        assert!(!a.is_empty(), "{topic}");
        assert_eq!(a, b, "{topic}");
        // Sealed (gzip and key) alike too; another seed gives other records.
        let (sa, sb) = (
            records::seal(topic, 0, &a[0].0, a[0].1),
            records::seal(topic, 0, &b[0].0, b[0].1),
        );
        assert_eq!((sa.gzip, &sa.key), (sb.gzip, &sb.key));
        assert!(
            sa.key.starts_with(&format!("gen-{topic}-00000-")),
            "{}",
            sa.key
        );
        assert!(sa.key.len() <= 128 && sa.key.chars().all(|c| c.is_ascii_graphic()));
        if topic != "org-units" {
            assert_ne!(a, other.batches(topic), "{topic}");
        }
    }
}

#[test]
fn performance_rows_add_up_and_cover_every_month() {
    let generation = Generation::new(&args(false)).unwrap();
    let rows = lines(&generation.batches("monthly-performance"));
    assert_eq!(rows.len(), 2_000 * 6);
    let months: BTreeSet<&str> = rows.iter().map(|r| r["month"].as_str().unwrap()).collect();
    assert_eq!(
        months.into_iter().collect::<Vec<_>>(),
        [
            "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"
        ]
    );
    let mut nonzero = 0;
    for r in &rows {
        let f = |name: &str| fen(&r[name]);
        for field in records::PERFORMANCE_FIELDS {
            assert!(f(field) >= 0, "{field} {r}");
        }
        assert_eq!(
            f("total_assets"),
            f("normal_assets")
                + f("margin_assets")
                + f("repo_holding")
                + f("floating_holding")
                + f("quant_holding"),
            "{r}"
        );
        assert_eq!(
            f("total_volume"),
            f("normal_volume") + f("collateral_volume") + f("credit_volume"),
            "{r}"
        );
        assert_eq!(
            f("total_commission"),
            f("normal_commission") + f("collateral_commission") + f("credit_commission"),
            "{r}"
        );
        nonzero += usize::from(f("total_assets") > 0);
    }
    // Most rows carry figures; margin parts appear somewhere.
    assert!(nonzero > rows.len() * 3 / 4, "{nonzero}");
    assert!(rows.iter().any(|r| fen(&r["margin_assets"]) > 0));
    assert!(rows.iter().any(|r| fen(&r["credit_commission"]) > 0));
}

#[test]
fn demo_customers_belong_to_the_demo_reps_and_span_every_band_and_grade() {
    let generation = Generation::new(&args(true)).unwrap();
    assert_eq!(
        generation.topics,
        [
            "customers",
            "monthly-performance",
            "daily-assets",
            "trades",
            "fund-transfers",
            "account-events"
        ]
    );
    let customers = lines(&generation.batches("customers"));
    let mut per_owner: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for c in &customers {
        per_owner
            .entry(c["owner_code"].as_str().unwrap())
            .or_default()
            .push(c);
    }
    let counts: Vec<(&str, usize)> = per_owner.iter().map(|(k, v)| (*k, v.len())).collect();
    assert_eq!(
        counts,
        [("A0001", 150), ("A0002", 60), ("A0003", 40), ("A0004", 40)]
    );
    let account_nos: BTreeSet<&str> = customers
        .iter()
        .map(|c| c["account_no"].as_str().unwrap())
        .collect();
    assert_eq!(account_nos.len(), 290);
    assert!(
        account_nos
            .iter()
            .all(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
    );

    // A0001's current assets (the newest snapshot) fall in every CLASS-3 band, and its
    // customers hold every grade.
    let days = lines(&generation.batches("daily-assets"));
    assert_eq!(days.len(), 290 * 3);
    let newest: BTreeMap<&str, i64> = days
        .iter()
        .filter(|d| d["date"] == "2026-11-20")
        .map(|d| (d["account_no"].as_str().unwrap(), fen(&d["total_assets"])))
        .collect();
    let a0001 = &per_owner["A0001"];
    let bands: BTreeSet<usize> = a0001
        .iter()
        .map(|c| world::band_of(newest[c["account_no"].as_str().unwrap()]))
        .collect();
    assert_eq!(bands.len(), world::BANDS.len());
    let grades: BTreeSet<&str> = a0001.iter().filter_map(|c| c["grade"].as_str()).collect();
    assert_eq!(
        grades.into_iter().collect::<Vec<_>>(),
        ["金手指", "金算盘", "金钥匙"]
    );
    // Each customer has six months.
    let months = lines(&generation.batches("monthly-performance"));
    let mut rows: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &months {
        *rows.entry(m["account_no"].as_str().unwrap()).or_default() += 1;
    }
    assert_eq!(rows.len(), 290);
    assert!(rows.values().all(|n| *n == 6));
}

#[test]
fn customers_give_every_home_figure_something_to_count() {
    let generation = Generation::new(&args(false)).unwrap();
    let customers = lines(&generation.batches("customers"));
    let status = |s: &str| customers.iter().filter(|c| c["status"] == s).count();
    assert!(status("existing") > 1_600, "{}", status("existing"));
    assert!(status("lost") > 50 && status("potential") > 20 && status("target") > 10);
    let opened: Vec<i32> = customers
        .iter()
        .filter_map(|c| c["open_date"].as_str())
        .map(|d| d[..4].parse().unwrap())
        .collect();
    assert_eq!(opened.iter().min(), Some(&2005));
    assert_eq!(opened.iter().max(), Some(&2026));
    assert!(opened.iter().filter(|y| **y == 2026).count() > 100);
    let reps: BTreeSet<String> = generation
        .org
        .as_ref()
        .unwrap()
        .reps()
        .iter()
        .map(|m| m.code.clone())
        .collect();
    for c in &customers {
        assert!(reps.contains(c["owner_code"].as_str().unwrap()), "{c}");
        let mobile = c["mobile"].as_str().unwrap();
        assert!(mobile.len() == 11 && mobile.starts_with('1'), "{mobile}");
        assert!(c["tags"].as_array().unwrap().len() <= 6);
        if c["status"] == "potential" {
            assert!(c.get("open_date").is_none(), "{c}");
        }
    }
    // Lost customers get the event that says so, within or before the months shown.
    let events = lines(&generation.batches("account-events"));
    let lost_events = events
        .iter()
        .filter(|e| {
            matches!(
                e["kind"].as_str().unwrap(),
                "cancelled" | "custody_transferred" | "closed"
            )
        })
        .count();
    assert_eq!(lost_events, status("lost"));
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "closed" && e["date"].as_str().unwrap() >= "2026-06-01")
    );
    let opened_events = events.iter().filter(|e| e["kind"] == "opened").count();
    assert_eq!(opened_events, opened.len());
}

#[test]
fn trades_keep_positions_whole_and_batches_stay_within_size() {
    let generation = Generation::new(&args(false)).unwrap();
    let batches = generation.batches("trades");
    assert!(batches.iter().all(|(_, n)| *n <= 500));
    let trades = lines(&batches);
    assert_eq!(trades.len(), 3_000);
    let numbers: BTreeSet<&str> = trades
        .iter()
        .map(|t| t["trade_no"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 3_000);
    let mut held: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    let mut sells = 0;
    for t in &trades {
        let key = (
            t["account_no"].as_str().unwrap(),
            t["security_code"].as_str().unwrap(),
        );
        let quantity = t["quantity"].as_i64().unwrap();
        assert!(quantity > 0 && quantity % 100 == 0 || t["side"] == "sell");
        assert!(fen(&t["commission"]) >= 500 && fen(&t["amount"]) > 0);
        let position = held.entry(key).or_default();
        if t["side"] == "buy" {
            *position += quantity;
        } else {
            sells += 1;
            *position -= quantity;
            assert!(*position >= 0, "sold more than held: {t}");
        }
    }
    assert!(sells > 300, "{sells}");
    for topic in TOPICS {
        for (_, count) in generation.batches(topic) {
            assert!(count <= 500, "{topic}: {count}");
        }
    }
}

#[test]
fn staff_and_org_records_are_what_the_topics_read() {
    let generation = Generation::new(&args(false)).unwrap();
    let units = lines(&generation.batches("org-units"));
    assert_eq!(
        units[0],
        serde_json::json!({"code": "HQ", "name": "总部", "kind": "hq"})
    );
    let staff = lines(&generation.batches("staff"));
    assert_eq!(staff.len(), 60);
    for s in &staff {
        for field in [
            "code",
            "name",
            "unit_code",
            "birth_date",
            "mobile",
            "id_number",
        ] {
            assert!(
                s[field].as_str().is_some_and(|v| !v.is_empty()),
                "{field}: {s}"
            );
        }
        assert!(!s["roles"].as_array().unwrap().is_empty());
    }
    assert_eq!(generation.sample_staff().len(), 4);
    assert_eq!(records::money(1_234_567), "12345.67");
    assert_eq!(records::money(5), "0.05");
}

#[test]
fn bad_flags_are_refused() {
    let mut bad = args(false);
    bad.only = vec!["nothing".into()];
    assert!(Generation::new(&bad).is_err());
    let mut bad = args(true);
    bad.only = vec!["staff".into()];
    assert!(Generation::new(&bad).is_err());
    let mut bad = args(false);
    bad.batch_size = 20_001;
    assert!(Generation::new(&bad).is_err());
    let mut only = args(false);
    only.only = vec!["staff".into(), "org-units".into()];
    assert_eq!(
        Generation::new(&only).unwrap().topics,
        ["org-units", "staff"]
    );
}
