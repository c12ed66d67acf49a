//! Products (PROD-5) as an issuer delivers them: `POST {url}/hooks/issuer/products`,
//! signed with the issuer's secret (`hook_secret_issuer`), NDJSON, gzip, an
//! idempotency key derived from the content.
//!
//! - the demo catalog ([`demo`]): the four OTC products of the user guide's product list
//!   (S19108, S17631, S19109, S17633), 海通海融2号 (OTC452) of its detail screen, and
//!   more so that every risk level R1–R5, every status and every category appears;
//!   each with its three documents as small real PDFs. No dates move with the clock, so
//!   a second load replays the same batch.
//! - `--products N` ([`generated`]): N products deterministic from the seed, without
//!   documents, for scale.

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::io::Write;
use std::time::{Duration, Instant};

use super::pdf;
use super::push::Target;
use super::rng::Rng;

/// The demo issuer's secret (the manifest's default `hook_secret_issuer`).
pub const DEMO_ISSUER_SECRET: &str = "demo-issuer-secret";
/// Products per batch: well inside a batch's 8 MiB body and 20,000 records.
pub const BATCH_SIZE: usize = 5_000;

/// The products flags of `zhanye generate`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ProductArgs {
    /// Products to generate (deterministic from --seed) and push through the issuer's
    /// webhook; the demo catalog is pushed with --demo.
    #[arg(long, default_value_t = 0)]
    pub products: u64,
    /// The issuer's webhook secret (`hook_secret_issuer`).
    #[arg(long, env = "ZHANYE_ISSUER_SECRET", default_value = DEMO_ISSUER_SECRET, hide_env_values = true)]
    pub issuer_secret: String,
}

/// A demo product: the fields the catalog shows, all the issuer's words.
struct Demo {
    code: &'static str,
    name: &'static str,
    manager: &'static str,
    risk_level: u8,
    term: &'static str,
    expected_yield: &'static str,
    value_date: Option<&'static str>,
    maturity_date: Option<&'static str>,
    min_subscription: &'static str,
    status: &'static str,
    category: &'static str,
    intro: &'static str,
    risk_characteristics: &'static str,
    face_value: &'static str,
    custodian: &'static str,
    management_term: &'static str,
    fees: &'static str,
    /// An ASCII name for the PDFs' text.
    english: &'static str,
}

const FUGUO: &str = "富国资产管理（上海）有限公司";
const HAITONG_AM: &str = "上海海通证券资产管理有限公司";
const FUGUO_INTRO: &str =
    "富国理财宝1号优先级份额，投资于货币市场工具及固定收益类资产，封闭期满自动到期结束。";
const FUGUO_FEES: &str = "1、参与费: 0%; 2、退出费: 0%; 3、管理费: 0.3%/年; 4、托管费: 0.05%/年。";

const DEMO: &[Demo] = &[
    Demo {
        code: "S19108",
        name: "海通OTC富国理财宝1号尊享第8期优先级14天",
        manager: FUGUO,
        risk_level: 1,
        term: "14天",
        expected_yield: "5.20%",
        value_date: None,
        maturity_date: None,
        min_subscription: "参与的最低份额为200万份，每份价格为1元。",
        status: "ended",
        category: "financial",
        intro: FUGUO_INTRO,
        risk_characteristics: "低风险",
        face_value: "1元",
        custodian: "上海银行",
        management_term: "14天",
        fees: FUGUO_FEES,
        english: "Haitong OTC Fuguo Licaibao No.1 Premium Series 8 Senior 14 days",
    },
    Demo {
        code: "S17631",
        name: "海通OTC富国理财宝1号第26期优先级7天",
        manager: FUGUO,
        risk_level: 1,
        term: "7天",
        expected_yield: "5.00%",
        value_date: None,
        maturity_date: None,
        min_subscription: "参与的最低份额为30,000份，每份价格为1元。",
        status: "ended",
        category: "financial",
        intro: FUGUO_INTRO,
        risk_characteristics: "低风险",
        face_value: "1元",
        custodian: "上海银行",
        management_term: "7天",
        fees: FUGUO_FEES,
        english: "Haitong OTC Fuguo Licaibao No.1 Series 26 Senior 7 days",
    },
    Demo {
        code: "S19109",
        name: "海通OTC富国理财宝1号尊享第9期优先级14天",
        manager: FUGUO,
        risk_level: 1,
        term: "14天",
        expected_yield: "5.20%",
        value_date: None,
        maturity_date: None,
        min_subscription: "参与的最低份额为500万份，每份价格为1元。",
        status: "ended",
        category: "financial",
        intro: FUGUO_INTRO,
        risk_characteristics: "低风险",
        face_value: "1元",
        custodian: "上海银行",
        management_term: "14天",
        fees: FUGUO_FEES,
        english: "Haitong OTC Fuguo Licaibao No.1 Premium Series 9 Senior 14 days",
    },
    Demo {
        code: "S17633",
        name: "海通OTC富国理财宝1号第28期优先级21天",
        manager: FUGUO,
        risk_level: 1,
        term: "21天",
        expected_yield: "5.20%",
        value_date: None,
        maturity_date: None,
        min_subscription: "参与的最低份额为30,000份，每份价格为1元。",
        status: "ended",
        category: "financial",
        intro: FUGUO_INTRO,
        risk_characteristics: "低风险",
        face_value: "1元",
        custodian: "上海银行",
        management_term: "21天",
        fees: FUGUO_FEES,
        english: "Haitong OTC Fuguo Licaibao No.1 Series 28 Senior 21 days",
    },
    Demo {
        code: "OTC452",
        name: "海通海融2号",
        manager: HAITONG_AM,
        risk_level: 2,
        term: "无固定期限",
        expected_yield: "首个封闭期的预期年化收益率为6.5%; 其余封闭期的预期收益率由管理人公告确定",
        value_date: None,
        maturity_date: None,
        min_subscription: "参与的最低份额为10,000份, 以10份为单位递增, 每份价格为100元。",
        status: "ended",
        category: "financial",
        intro: "本计划为中低风险品种, 推广对象为管理人和推广机构现有的客户, 适合风险偏好较低的投资者。",
        risk_characteristics: "中低风险",
        face_value: "100元",
        custodian: "上海银行",
        management_term: "本集合计划无固定管理期限, 管理人将通过公告的形式在合适的时间结束本产品。",
        fees: "1、参与费(包括认购费/申购费): 0%; 2、退出费: 0%; 3、管理费: 0%; 4、托管费: 0.05%; 5、其他费用: 除交易手续费、印花税、管理费、业绩报酬、托管费之外的集合计划费用, 由管理人根据有关法律法规及相应的合同或协议的具体规定, 按费用实际支出金额列入当期费用, 直接由集合计划资产承担。",
        english: "Haitong Hairong No.2",
    },
    Demo {
        code: "S20402",
        name: "海通稳利90天收益凭证",
        manager: "海通证券股份有限公司",
        risk_level: 2,
        term: "90天",
        expected_yield: "3.60%",
        value_date: Some("2026-07-01"),
        maturity_date: Some("2026-09-29"),
        min_subscription: "5万元起，以1万元递增。",
        status: "issuing",
        category: "financial",
        intro: "本金保障型收益凭证，到期一次性还本付息。",
        risk_characteristics: "中低风险",
        face_value: "100元",
        custodian: "中国证券登记结算有限责任公司",
        management_term: "90天",
        fees: "认购费: 0%; 管理费: 0%。",
        english: "Haitong Steady Income 90 days note",
    },
    Demo {
        code: "S20101",
        name: "海通月月赢集合资产管理计划",
        manager: HAITONG_AM,
        risk_level: 3,
        term: "每月开放",
        expected_yield: "业绩比较基准4.50%",
        value_date: Some("2025-03-18"),
        maturity_date: Some("2030-03-17"),
        min_subscription: "参与的最低金额为5万元。",
        status: "on_sale",
        category: "financial",
        intro: "主要投资于债券及债券回购，适度参与可转债，力争每月稳健增值。",
        risk_characteristics: "中风险",
        face_value: "1元",
        custodian: "交通银行",
        management_term: "5年",
        fees: "管理费: 0.8%/年; 托管费: 0.1%/年; 退出费: 持有不满30天0.5%。",
        english: "Haitong Monthly Gain collective plan",
    },
    Demo {
        code: "S20215",
        name: "海通量化对冲1号",
        manager: HAITONG_AM,
        risk_level: 4,
        term: "1年",
        expected_yield: "浮动收益，不设预期收益率",
        value_date: Some("2026-08-01"),
        maturity_date: Some("2027-07-31"),
        min_subscription: "参与的最低金额为100万元。",
        status: "issuing",
        category: "financial",
        intro: "以股指期货对冲市场风险，获取量化选股的超额收益。",
        risk_characteristics: "中高风险",
        face_value: "1元",
        custodian: "招商银行",
        management_term: "1年",
        fees: "管理费: 1.5%/年; 业绩报酬: 超过6%部分的20%。",
        english: "Haitong Quant Hedge No.1",
    },
    Demo {
        code: "S20388",
        name: "海通创新成长股票精选",
        manager: "海富通基金管理有限公司",
        risk_level: 5,
        term: "无固定期限",
        expected_yield: "浮动收益",
        value_date: Some("2024-11-05"),
        maturity_date: None,
        min_subscription: "首次申购1,000元。",
        status: "on_sale",
        category: "financial",
        intro: "精选科技创新与高端制造领域的成长型上市公司股票。",
        risk_characteristics: "高风险",
        face_value: "1元",
        custodian: "中国工商银行",
        management_term: "无固定期限",
        fees: "申购费: 1.5%; 赎回费: 0.5%; 管理费: 1.5%/年; 托管费: 0.25%/年。",
        english: "Haitong Innovation Growth Equity Select",
    },
    Demo {
        code: "ZX0001",
        name: "海通研究精选资讯服务",
        manager: "海通证券研究所",
        risk_level: 1,
        term: "12个月",
        expected_yield: "不适用",
        value_date: None,
        maturity_date: None,
        min_subscription: "每年1,200元。",
        status: "on_sale",
        category: "information",
        intro: "每日晨会纪要、行业深度报告与个股点评，经客户经理推送。",
        risk_characteristics: "低风险",
        face_value: "不适用",
        custodian: "不适用",
        management_term: "12个月",
        fees: "服务费: 1,200元/年。",
        english: "Haitong Research Select information service",
    },
    Demo {
        code: "TG0001",
        name: "海通慧选投顾组合",
        manager: "海通证券投资顾问部",
        risk_level: 3,
        term: "6个月",
        expected_yield: "不承诺收益",
        value_date: None,
        maturity_date: None,
        min_subscription: "资产10万元以上客户。",
        status: "on_sale",
        category: "advisory",
        intro: "投资顾问按组合策略给出调仓建议，客户自主决策。",
        risk_characteristics: "中风险",
        face_value: "不适用",
        custodian: "不适用",
        management_term: "6个月",
        fees: "顾问费: 组合市值的0.5%/年。",
        english: "Haitong Smart Pick advisory portfolio",
    },
    Demo {
        code: "TG0002",
        name: "海通ETF轮动投顾策略",
        manager: "海通证券投资顾问部",
        risk_level: 4,
        term: "12个月",
        expected_yield: "不承诺收益",
        value_date: None,
        maturity_date: None,
        min_subscription: "资产50万元以上客户。",
        status: "issuing",
        category: "advisory",
        intro: "在行业ETF之间按动量信号轮动配置。",
        risk_characteristics: "中高风险",
        face_value: "不适用",
        custodian: "不适用",
        management_term: "12个月",
        fees: "顾问费: 组合市值的1%/年。",
        english: "Haitong ETF rotation advisory strategy",
    },
];

/// The three documents of a product: kind, the file name staff see, the PDF's title.
const DOCUMENTS: [(&str, &str, &str); 3] = [
    ("risk_disclosure", "产品风险提示书.pdf", "Risk disclosure"),
    ("contract", "产品合同.pdf", "Contract"),
    ("prospectus", "产品说明书.pdf", "Prospectus"),
];

const RISK_NAMES: [&str; 5] = ["low", "medium-low", "medium", "medium-high", "high"];

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn documents(product: &Demo) -> Vec<Value> {
    DOCUMENTS
        .iter()
        .map(|(kind, file_name, title)| {
            let lines = vec![
                format!("Product: {} ({})", product.english, product.code),
                format!(
                    "Risk level: R{} ({})",
                    product.risk_level,
                    RISK_NAMES[usize::from(product.risk_level) - 1]
                ),
                format!("Status: {}", product.status.replace('_', " ")),
                String::new(),
                "This demo document stands in for the issuer's signed original.".to_owned(),
                "Read it in full before subscribing.".to_owned(),
            ];
            let bytes = pdf::document(&format!("{title} - {}", product.code), &lines);
            json!({"kind": kind, "file_name": file_name, "content_base64": base64(&bytes)})
        })
        .collect()
}

/// The demo catalog, as issuer records.
pub fn demo() -> Vec<Value> {
    DEMO.iter()
        .map(|p| {
            json!({
                "code": p.code, "name": p.name, "manager": p.manager,
                "risk_level": p.risk_level, "term": p.term, "expected_yield": p.expected_yield,
                "value_date": p.value_date, "maturity_date": p.maturity_date,
                "min_subscription": p.min_subscription, "status": p.status,
                "category": p.category, "intro": p.intro,
                "risk_characteristics": p.risk_characteristics, "face_value": p.face_value,
                "custodian": p.custodian, "management_term": p.management_term,
                "fees": p.fees, "documents": documents(p),
            })
        })
        .collect()
}

const BRANDS: [&str; 8] = [
    "海通",
    "富国",
    "海富通",
    "华安",
    "国泰",
    "易方达",
    "南方",
    "嘉实",
];
const KINDS: [&str; 8] = [
    "稳利",
    "月月赢",
    "季季盈",
    "量化对冲",
    "成长精选",
    "红利优选",
    "纯债",
    "科创先锋",
];
const WRAPPERS: [&str; 5] = [
    "集合资产管理计划",
    "收益凭证",
    "理财宝",
    "投顾组合",
    "资讯服务",
];
const MANAGERS: [&str; 5] = [
    "上海海通证券资产管理有限公司",
    "富国资产管理（上海）有限公司",
    "海富通基金管理有限公司",
    "海通证券投资顾问部",
    "海通证券研究所",
];
const TERMS: [&str; 6] = ["7天", "14天", "90天", "6个月", "1年", "无固定期限"];
const STATUSES: [&str; 3] = ["on_sale", "issuing", "ended"];

/// Product number `n` of `seed` (codes `G0000001` …, in code order as generated).
pub fn generated(seed: u64, n: u64) -> Value {
    let mut rng = Rng::stream(seed, "product", n);
    let wrapper = rng.below(WRAPPERS.len() as u64) as usize;
    let category = match wrapper {
        3 => "advisory",
        4 => "information",
        _ => "financial",
    };
    let risk_level = rng.range(1, 5);
    let yield_bp = rng.range(150, 800);
    let value_day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default()
        + chrono::Duration::days(rng.range(0, 2400));
    let days = rng.range(7, 720);
    json!({
        "code": format!("G{:07}", n + 1),
        "name": format!(
            "{}{}{}第{}期",
            rng.pick(&BRANDS),
            rng.pick(&KINDS),
            WRAPPERS[wrapper],
            rng.range(1, 99)
        ),
        "manager": rng.pick(&MANAGERS),
        "risk_level": risk_level,
        "term": rng.pick(&TERMS),
        "expected_yield": format!("{}.{:02}%", yield_bp / 100, yield_bp % 100),
        "value_date": value_day.to_string(),
        "maturity_date": (value_day + chrono::Duration::days(days)).to_string(),
        "min_subscription": format!("{}万元起", rng.pick(&[1, 5, 10, 30, 100])),
        "status": rng.pick(&STATUSES),
        "category": category,
        "intro": "按合同约定的投资范围与策略运作。",
    })
}

/// What one load did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Loaded {
    pub records: u64,
    pub batches: u64,
    pub replayed: u64,
    pub elapsed: Duration,
}

impl Loaded {
    /// The summary line (not in the trading topics' `… batches, … replayed` form, which
    /// those topics' readers parse).
    pub fn summary(&self, what: &str) -> String {
        format!(
            "issuer products ({what}): {} records in {:.2} s, {} batch(es) sent, {} replayed",
            self.records,
            self.elapsed.as_secs_f64(),
            self.batches,
            self.replayed
        )
    }
}

/// NDJSON of `records`, gzip, and its content-derived idempotency key.
fn seal(name: &str, number: usize, records: &[Value]) -> (Vec<u8>, String) {
    use sha2::Digest;
    let mut ndjson = Vec::new();
    for record in records {
        ndjson.extend_from_slice(record.to_string().as_bytes());
        ndjson.push(b'\n');
    }
    let digest = sha2::Sha256::digest(&ndjson);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&ndjson).expect("gzip into memory");
    let gzip = encoder.finish().expect("gzip into memory");
    (
        gzip,
        format!(
            "gen-products-{name}-{number:05}-{}",
            hex::encode(&digest[..8])
        ),
    )
}

/// Sends one batch until it is applied; answers whether it was a replay.
async fn post(target: &Target, body: Vec<u8>, key: &str) -> Result<bool> {
    const ATTEMPTS: u32 = 6;
    let body = Bytes::from(body);
    let mut last = String::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(250 << attempt)).await;
        }
        let stream = match tokio::net::TcpStream::connect(target.addr).await {
            Ok(s) => s,
            Err(e) => {
                last = e.to_string();
                continue;
            }
        };
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let signature = zhanye_ingest::signature::sign(&target.secret, &timestamp, &body);
        let request = http::Request::builder()
            .method("POST")
            .uri("/hooks/issuer/products")
            .header("host", &target.host)
            .header("content-type", "application/x-ndjson")
            .header("content-encoding", "gzip")
            .header("x-timestamp", &timestamp)
            .header("x-signature", &signature)
            .header("idempotency-key", key)
            .body(Full::new(body.clone()))?;
        let response = match sender.send_request(request).await {
            Ok(r) => r,
            Err(e) => {
                last = e.to_string();
                continue;
            }
        };
        let status = response.status().as_u16();
        let replayed = response
            .headers()
            .get("idempotent-replayed")
            .is_some_and(|v| v.as_bytes() == b"true");
        let answer = response.into_body().collect().await?.to_bytes();
        if (200..300).contains(&status) {
            return Ok(replayed);
        }
        let text: String = String::from_utf8_lossy(&answer)
            .chars()
            .take(2_000)
            .collect();
        if matches!(status, 429 | 500 | 502 | 503 | 504) {
            last = format!("{status} {text}");
            continue;
        }
        bail!("answered {status}: {text}");
    }
    bail!("gave up after {ATTEMPTS} attempts: {last}")
}

/// Pushes `records` in batches of [`BATCH_SIZE`] to the issuer's webhook at `url`.
pub async fn push(url: &str, secret: &str, name: &str, records: Vec<Value>) -> Result<Loaded> {
    let target = Target::from_url(url, secret).await?;
    let started = Instant::now();
    let mut loaded = Loaded::default();
    for (number, batch) in records.chunks(BATCH_SIZE).enumerate() {
        let (body, key) = seal(name, number, batch);
        let replayed = post(&target, body, &key)
            .await
            .with_context(|| format!("products batch {number} ({key})"))?;
        loaded.batches += 1;
        loaded.records += batch.len() as u64;
        loaded.replayed += u64::from(replayed);
    }
    loaded.elapsed = started.elapsed();
    Ok(loaded)
}

/// The demo catalog through the issuer's webhook.
pub async fn load_demo(url: &str, secret: &str) -> Result<Loaded> {
    push(url, secret, "demo", demo()).await
}

/// `count` generated products of `seed` through the issuer's webhook.
pub async fn load_generated(url: &str, secret: &str, seed: u64, count: u64) -> Result<Loaded> {
    let records = (0..count).map(|n| generated(seed, n)).collect();
    push(url, secret, &format!("seed{seed}"), records).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalog_covers_every_level_status_and_category() {
        let catalog = demo();
        let values = |field: &str| -> std::collections::BTreeSet<String> {
            catalog.iter().map(|p| p[field].to_string()).collect()
        };
        assert_eq!(values("risk_level").len(), 5);
        assert_eq!(values("status").len(), 3);
        assert_eq!(values("category").len(), 3);
        let codes: Vec<&str> = catalog
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        for seed_code in ["S19108", "S17631", "S19109", "S17633", "OTC452"] {
            assert!(codes.contains(&seed_code), "{seed_code}");
        }
        for product in &catalog {
            let docs = product["documents"].as_array().unwrap();
            assert_eq!(docs.len(), 3);
            assert!(
                docs[0]["content_base64"]
                    .as_str()
                    .unwrap()
                    .starts_with("JVBERi0")
            );
        }
        // The same catalog every time: a reload replays its batch.
        assert_eq!(seal("demo", 0, &demo()).1, seal("demo", 0, &catalog).1);
    }

    #[test]
    fn base64_as_issuers_send_it() {
        for (bytes, text) in [
            (&b""[..], ""),
            (b"M", "TQ=="),
            (b"Ma", "TWE="),
            (b"Man", "TWFu"),
            (b"%PDF-1.4\n", "JVBERi0xLjQK"),
        ] {
            assert_eq!(base64(bytes), text);
            assert_eq!(
                zhanye_ingest::topics::products::decode_base64(text).as_deref(),
                Some(bytes)
            );
        }
    }

    #[test]
    fn generated_products_are_deterministic_and_valid() {
        let records: Vec<serde_json::Map<String, Value>> = (0..500)
            .map(|n| generated(7, n).as_object().unwrap().clone())
            .collect();
        let parsed = zhanye_ingest::topics::products::parse(&records).unwrap();
        assert_eq!(parsed.len(), 500);
        assert_eq!(parsed[0].code, "G0000001");
        assert_eq!(generated(7, 3), generated(7, 3));
        assert_ne!(generated(7, 3), generated(8, 3));
        let demo: Vec<serde_json::Map<String, Value>> = demo()
            .into_iter()
            .map(|p| p.as_object().unwrap().clone())
            .collect();
        assert_eq!(
            zhanye_ingest::topics::products::parse(&demo).unwrap().len(),
            DEMO.len()
        );
    }
}
