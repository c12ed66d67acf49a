//! Each topic's records as the partner sends them (NDJSON lines), and how a topic is
//! cut into batches of whole customers (or traders).

use serde::Serialize;
use std::io::Write;

use super::names::STOCKS;
use super::org::Org;
use super::world::{Customer, World};

/// The topics, in the order they are loaded (each needs the ones before it).
pub const TOPICS: [&str; 8] = [
    "org-units",
    "staff",
    "customers",
    "monthly-performance",
    "daily-assets",
    "trades",
    "fund-transfers",
    "account-events",
];

/// Money as partners send it: a decimal string with two places.
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn date(day: chrono::NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

#[derive(Serialize)]
struct CustomerRecord<'a> {
    account_no: &'a str,
    name: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    gender: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<String>,
    mobile: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    address: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_number: Option<&'a str>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    grade: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    risk_tolerance: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    open_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment_effective_date: Option<String>,
    tags: &'a [&'static str],
    owner_code: &'a str,
}

fn customer_record(c: &Customer) -> CustomerRecord<'_> {
    CustomerRecord {
        account_no: &c.account_no,
        name: &c.name,
        kind: if c.institution {
            "institution"
        } else {
            "individual"
        },
        gender: (!c.institution).then_some(if c.male { "male" } else { "female" }),
        birth_date: c.birth_date.map(date),
        mobile: &c.mobile,
        email: c.email.as_deref(),
        address: &c.address,
        id_number: c.id_number.as_deref(),
        status: c.status.as_str(),
        grade: c.grade,
        level: c.level,
        risk_tolerance: c.risk_tolerance,
        open_date: c.open_date.map(date),
        effective_date: c.effective_date.map(date),
        assessment_effective_date: c.assessment_effective_date.map(date),
        tags: &c.tags,
        owner_code: &c.owner_code,
    }
}

/// CUST-3 fields in `customer_months` column order.
pub const PERFORMANCE_FIELDS: [&str; 15] = [
    "total_assets",
    "normal_assets",
    "margin_assets",
    "repo_holding",
    "floating_holding",
    "quant_holding",
    "daily_average_assets",
    "total_volume",
    "normal_volume",
    "collateral_volume",
    "credit_volume",
    "total_commission",
    "normal_commission",
    "collateral_commission",
    "credit_commission",
];

/// How a topic is cut: batches cover whole units (customers, traders or list rows).
pub struct Plan {
    /// (first, end) unit of each batch.
    pub batches: Vec<(u64, u64)>,
    /// Records in all, when known in advance.
    pub records: Option<u64>,
}

fn ranges(units: u64, per: u64) -> Vec<(u64, u64)> {
    let per = per.max(1);
    (0..units.div_ceil(per))
        .map(|b| (b * per, ((b + 1) * per).min(units)))
        .collect()
}

/// The batches of `topic` for batches of at most `size` records.
pub fn plan(topic: &'static str, world: &World, org: Option<&Org>, size: usize) -> Plan {
    let size = size as u64;
    let customers = world.customers;
    let (batches, records) = match topic {
        "org-units" => {
            let n = org.map_or(0, |o| o.units.len() as u64);
            (ranges(n, size), Some(n))
        }
        "staff" => {
            let n = org.map_or(0, |o| o.staff.len() as u64);
            (ranges(n, size), Some(n))
        }
        "customers" => (ranges(customers, size), Some(customers)),
        "monthly-performance" => {
            let per = world.months.len() as u64;
            (ranges(customers, size / per.max(1)), Some(customers * per))
        }
        "daily-assets" => {
            let per = world.days.len() as u64;
            (ranges(customers, size / per.max(1)), Some(customers * per))
        }
        "trades" => (world.trade_batches(size as usize), Some(world.trades)),
        // At most two transfers and five events a customer.
        "fund-transfers" => (ranges(customers, size / 2), None),
        "account-events" => (ranges(customers, size / 5), None),
        _ => (Vec::new(), Some(0)),
    };
    let batches = if topic == "monthly-performance" && world.months.is_empty()
        || topic == "daily-assets" && world.days.is_empty()
    {
        Vec::new()
    } else {
        batches
    };
    Plan { batches, records }
}

fn line(out: &mut Vec<u8>, value: &impl Serialize) {
    serde_json::to_writer(&mut *out, value).expect("records serialise");
    out.push(b'\n');
}

/// The NDJSON body of one batch, and how many records it holds.
pub fn body(
    topic: &str,
    world: &World,
    org: Option<&Org>,
    (from, to): (u64, u64),
) -> (Vec<u8>, u64) {
    let mut out = Vec::with_capacity(((to - from) * 200) as usize);
    let mut count = 0u64;
    let mut put = |out: &mut Vec<u8>, value: &serde_json::Value| {
        line(out, value);
        count += 1;
    };
    match topic {
        "org-units" => {
            for unit in &org.expect("an org").units[from as usize..to as usize] {
                line(&mut out, unit);
                count += 1;
            }
        }
        "staff" => {
            for member in &org.expect("an org").staff[from as usize..to as usize] {
                line(&mut out, member);
                count += 1;
            }
        }
        "customers" => {
            for i in from..to {
                line(&mut out, &customer_record(&world.customer(i)));
                count += 1;
            }
        }
        "monthly-performance" => {
            for i in from..to {
                let c = world.customer(i);
                for (month, figures) in world.months.iter().zip(world.months_of(&c)) {
                    let mut record = serde_json::Map::new();
                    record.insert("account_no".into(), c.account_no.clone().into());
                    record.insert("month".into(), month.text().into());
                    for (field, fen) in PERFORMANCE_FIELDS.iter().zip(figures) {
                        record.insert((*field).into(), money(fen).into());
                    }
                    put(&mut out, &serde_json::Value::Object(record));
                }
            }
        }
        "daily-assets" => {
            for i in from..to {
                let c = world.customer(i);
                for (day, (total, cash)) in world.days.iter().zip(world.days_of(&c)) {
                    put(
                        &mut out,
                        &serde_json::json!({
                            "account_no": c.account_no, "date": date(*day),
                            "total_assets": money(total), "cash": money(cash),
                        }),
                    );
                }
            }
        }
        "trades" => {
            for j in from..to {
                let (c, trades) = world.trades_of(j);
                for t in trades {
                    let (code, name, _) = STOCKS[t.stock];
                    put(
                        &mut out,
                        &serde_json::json!({
                            "trade_no": format!("{}{}{:04}", t.day.format("%Y%m%d"), c.account_no, t.sequence),
                            "account_no": c.account_no, "date": date(t.day),
                            "security_code": code, "security_name": name,
                            "side": if t.buy { "buy" } else { "sell" },
                            "quantity": t.quantity, "amount": money(t.amount),
                            "commission": money(t.commission),
                        }),
                    );
                }
            }
        }
        "fund-transfers" => {
            for i in from..to {
                let c = world.customer(i);
                for (k, (day, inward, amount)) in world.transfers_of(&c).into_iter().enumerate() {
                    put(
                        &mut out,
                        &serde_json::json!({
                            "transfer_no": format!("F{}{}{k}", day.format("%Y%m%d"), c.account_no),
                            "account_no": c.account_no, "date": date(day),
                            "direction": if inward { "in" } else { "out" },
                            "amount": money(amount),
                        }),
                    );
                }
            }
        }
        "account-events" => {
            for i in from..to {
                let c = world.customer(i);
                for (slot, day, kind, detail) in world.events_of(&c) {
                    put(
                        &mut out,
                        &serde_json::json!({
                            "event_no": format!("E{}{slot:02}", c.account_no),
                            "account_no": c.account_no, "date": date(day),
                            "kind": kind, "detail": detail,
                        }),
                    );
                }
            }
        }
        _ => {}
    }
    (out, count)
}

/// A batch ready to send: gzip body and its idempotency key, derived from the topic,
/// the batch number and the content, so a re-run sends the same key for the same
/// records (a harmless replay) and a new key for changed ones.
pub struct Batch {
    pub records: u64,
    pub gzip: Vec<u8>,
    pub key: String,
}

pub fn seal(topic: &str, number: usize, ndjson: &[u8], records: u64) -> Batch {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(ndjson);
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(ndjson.len() / 4),
        flate2::Compression::fast(),
    );
    encoder.write_all(ndjson).expect("gzip into memory");
    Batch {
        records,
        gzip: encoder.finish().expect("gzip into memory"),
        key: format!("gen-{topic}-{number:05}-{}", hex::encode(&digest[..8])),
    }
}
