//! PROD-1..5 through the built `products` and `hooks` components: the demo catalog
//! searched, filtered, paged and reset; the detail screen's fields; PDF downloads;
//! favourites; CSV and XLSX exports equal to the list (a 100,000-product catalog
//! streamed as CSV, XLSX refused past its cap); the suitability rule (适当性) refusing
//! with its reason and recording nothing, recommendations recorded and audited, the
//! suitable customers exactly those SQL finds; ORG-4 on recommendations; and the issuer
//! partner's webhook: updates, refused batches, redelivery.

use crate::common::*;
use serde_json::{Value, json};
use std::io::Cursor;
use zhanye_test_support::{Client, Reply, TestApp};

/// The demo issuer's secret (`hook_secret_issuer`).
const ISSUER_SECRET: &str = "demo-issuer-secret";

/// The demo catalog in code order (the list's order).
const DEMO_CODES: [&str; 12] = [
    "OTC452", "S17631", "S17633", "S19108", "S19109", "S20101", "S20215", "S20388", "S20402",
    "TG0001", "TG0002", "ZX0001",
];

const CSV_HEADER: &str = "\u{feff}产品代码,产品名称,管理人,风险等级,产品期限,预期年化收益率,产品起息日,产品到期日,认购起点,产品状态,产品类别";

/// Sends `body` to `POST /hooks/issuer/products`, signed as the issuer.
fn push_products(app: &TestApp, key: &str, body: Vec<u8>, content_type: &str) -> Reply {
    post_signed(
        app,
        "/hooks/issuer/products",
        ISSUER_SECRET,
        key,
        content_type,
        body,
    )
}

fn issue(app: &TestApp, key: &str, records: &Value) -> Reply {
    push_products(
        app,
        key,
        records.to_string().into_bytes(),
        "application/json",
    )
}

/// The data lines of a CSV download (header checked and dropped).
fn csv_lines(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    let text = reply.text();
    let mut lines = text.split_terminator("\r\n").map(str::to_owned);
    assert_eq!(lines.next().as_deref(), Some(CSV_HEADER));
    lines.collect()
}

/// The cells of an XLSX download's sheet 产品列表, as text.
fn xlsx_rows(reply: &Reply) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(reply.body.clone())).expect("an xlsx");
    assert_eq!(workbook.sheet_names(), ["产品列表"]);
    let range = workbook.worksheet_range("产品列表").unwrap();
    range
        .rows()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect()
}

#[test]
fn the_catalog_is_searched_filtered_paged_and_reset() {
    let app = app();
    let rep = signed_in(&app, A0001);
    let list = |query: &str| codes(&rep.get(&format!("/api/products?{query}")));

    // Reset (no filters, or empty boxes): the whole catalog in code order.
    let all = rep.get("/api/products");
    assert_eq!(codes(&all), DEMO_CODES);
    assert_eq!(all.value()["total"], 12);
    assert_eq!(list("code=&name=&status=&risk=&category="), DEMO_CODES);

    // The list screen's columns, as the seed shows 海通海融2号 and S19108.
    let item = &all.value()["items"][3];
    assert_eq!(
        *item,
        json!({"code": "S19108", "name": "海通OTC富国理财宝1号尊享第8期优先级14天",
               "manager": "富国资产管理（上海）有限公司", "risk_level": "R1", "risk_label": "低",
               "term": "14天", "expected_yield": "5.20%", "value_date": null, "maturity_date": null,
               "min_subscription": "参与的最低份额为200万份，每份价格为1元。", "status": "ended",
               "category": "financial", "favorite": false})
    );

    // Search by code prefix (any case) and by name prefix.
    assert_eq!(list("code=s191"), ["S19108", "S19109"]);
    assert_eq!(list("code=S19108"), ["S19108"]);
    assert_eq!(list("code=NOPE"), Vec::<String>::new());
    assert_eq!(
        list("name=%E6%B5%B7%E9%80%9AOTC"),
        ["S17631", "S17633", "S19108", "S19109"]
    );
    assert_eq!(
        list("name=%E6%B5%B7%E9%80%9A%E6%B5%B7%E8%9E%8D"),
        ["OTC452"]
    );
    // Any part of the name or the code (富国 in the middle of 海通OTC富国…), any case.
    let containing = |part: &str| -> Vec<String> {
        all.value()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["name"].as_str().unwrap().contains(part))
            .map(|p| p["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let fuguo = containing("富国");
    assert!(fuguo.contains(&"S19108".to_owned()), "{fuguo:?}");
    assert_eq!(list("name=%E5%AF%8C%E5%9B%BD"), fuguo);
    assert_eq!(
        list("name=%E7%90%86%E8%B4%A2%E5%AE%9D1%E5%8F%B7"),
        containing("理财宝1号")
    );
    assert_eq!(list("name=otc"), containing("OTC"));
    assert_eq!(list("code=9108"), ["S19108"]);
    assert_eq!(list("code=0001"), ["TG0001", "ZX0001"]);
    assert_eq!(list("name=%25"), Vec::<String>::new());
    assert_eq!(list("code=_"), Vec::<String>::new());
    // Each filter, in each form staff may type it.
    assert_eq!(
        list("status=on_sale"),
        ["S20101", "S20388", "TG0001", "ZX0001"]
    );
    assert_eq!(
        list("status=%E5%8F%91%E8%A1%8C%E4%B8%AD"),
        ["S20215", "S20402", "TG0002"]
    );
    assert_eq!(
        list("status=ended"),
        ["OTC452", "S17631", "S17633", "S19108", "S19109"]
    );
    for risk in ["R1", "1", "%E4%BD%8E"] {
        assert_eq!(
            list(&format!("risk={risk}")),
            ["S17631", "S17633", "S19108", "S19109", "ZX0001"],
            "{risk}"
        );
    }
    assert_eq!(list("risk=R2"), ["OTC452", "S20402"]);
    assert_eq!(list("risk=R3"), ["S20101", "TG0001"]);
    assert_eq!(list("risk=R4"), ["S20215", "TG0002"]);
    assert_eq!(list("risk=R5"), ["S20388"]);
    assert_eq!(list("category=advisory"), ["TG0001", "TG0002"]);
    assert_eq!(list("category=information"), ["ZX0001"]);
    assert_eq!(list("category=financial").len(), 9);
    assert_eq!(list("status=on_sale&risk=R3&category=advisory"), ["TG0001"]);

    // Pages: the last one partly filled, past it a 422 naming the pages, as from the count cap on.
    let third = rep.get("/api/products?page=3&page_size=5");
    assert_eq!(codes(&third), ["TG0002", "ZX0001"]);
    assert_eq!(
        (
            third.value()["total"].clone(),
            third.value()["page"].clone()
        ),
        (json!(12), json!(3))
    );
    let past = rep.get("/api/products?page=4&page_size=5");
    assert_problem(&past, 422, "validation_failed");
    assert_eq!(past.value()["errors"][0]["field"], "page");
    assert_eq!(past.value()["detail"], "页码超出范围：共 3 页。");
    let beyond = rep.get("/api/products?page=501&page_size=20");
    assert_problem(&beyond, 422, "validation_failed");
    assert_eq!(beyond.value()["errors"][0]["field"], "page");

    // Wrong filters: 422 naming each.
    for (query, fields) in [
        ("status=sold", vec!["status"]),
        ("risk=R9", vec!["risk"]),
        ("category=stocks", vec!["category"]),
        ("risk=%0D", vec!["risk"]),
        ("code=%27%3B--", vec!["code"]),
        ("page=0&risk=x&status=y", vec!["page", "status", "risk"]),
        ("page_size=500", vec!["page_size"]),
    ] {
        let reply = rep.get(&format!("/api/products?{query}"));
        assert_problem(&reply, 422, "validation_failed");
        let got = texts(&reply.value()["errors"], "field");
        assert_eq!(got, fields, "{query}");
    }

    // Labels in the request's language.
    let english = english(&rep);
    assert_eq!(
        english.get("/api/products?code=OTC").value()["items"][0]["risk_label"],
        "medium-low"
    );
    // Not signed in, and wrong methods.
    assert_problem(&app.client().get("/api/products"), 401, "unauthorized");
    assert_problem(
        &rep.post_json("/api/products", &json!({})),
        405,
        "method_not_allowed",
    );
}

#[test]
fn detail_documents_favourites_and_exports() {
    let app = app();
    let rep = signed_in(&app, A0001);

    // 海通海融2号 as the seed's detail screen shows it.
    let detail = rep.get("/api/products/OTC452");
    assert_eq!(detail.status, 200, "{}", detail.text());
    let v = detail.value();
    assert_eq!(v["name"], "海通海融2号");
    assert_eq!(v["manager"], "上海海通证券资产管理有限公司");
    assert_eq!(
        (v["risk_level"].clone(), v["risk_label"].clone()),
        (json!("R2"), json!("中低"))
    );
    assert_eq!(v["term"], "无固定期限");
    assert_eq!(
        v["expected_yield"],
        "首个封闭期的预期年化收益率为6.5%; 其余封闭期的预期收益率由管理人公告确定"
    );
    assert_eq!(
        v["min_subscription"],
        "参与的最低份额为10,000份, 以10份为单位递增, 每份价格为100元。"
    );
    assert_eq!(v["status"], "ended");
    assert_eq!(
        v["intro"],
        "本计划为中低风险品种, 推广对象为管理人和推广机构现有的客户, 适合风险偏好较低的投资者。"
    );
    assert_eq!(v["risk_characteristics"], "中低风险");
    assert_eq!(v["face_value"], "100元");
    assert_eq!(v["custodian"], "上海银行");
    assert!(
        v["management_term"]
            .as_str()
            .unwrap()
            .starts_with("本集合计划无固定管理期限")
    );
    assert!(v["fees"].as_str().unwrap().contains("4、托管费: 0.05%"));
    assert_eq!(v["favorite"], false);
    let documents = v["documents"].as_array().unwrap();
    let kinds: Vec<(&str, &str, &str)> = documents
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap(),
                d["label"].as_str().unwrap(),
                d["file_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("risk_disclosure", "风险揭示书", "产品风险提示书.pdf"),
            ("contract", "合同", "产品合同.pdf"),
            ("prospectus", "说明书", "产品说明书.pdf"),
        ]
    );
    assert_eq!(
        documents[1]["url"],
        "/api/products/OTC452/documents/contract"
    );
    // Codes in paths are matched upper-cased; unknown ones are 404.
    assert_eq!(rep.get("/api/products/otc452").value()["code"], "OTC452");
    assert_problem(&rep.get("/api/products/NOPE1"), 404, "not_found");
    assert_problem(&rep.get("/api/products/%27%3B--"), 404, "not_found");
    assert_problem(&rep.get("/api/products/OTC452/nothing"), 404, "not_found");

    // A document: the PDF, named for download, cacheable privately, conditional.
    let pdf = rep.get("/api/products/OTC452/documents/contract");
    assert_eq!(pdf.status, 200, "{}", pdf.text());
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(
        pdf.header("content-disposition"),
        Some(
            "attachment; filename=\"OTC452-contract.pdf\"; filename*=UTF-8''%E4%BA%A7%E5%93%81%E5%90%88%E5%90%8C.pdf"
        )
    );
    assert_eq!(
        pdf.header("content-length"),
        Some(pdf.body.len().to_string().as_str())
    );
    assert_eq!(pdf.header("cache-control"), Some("private, max-age=300"));
    assert!(pdf.body.starts_with(b"%PDF-") && pdf.text().trim_end().ends_with("%%EOF"));
    assert_eq!(documents[1]["size"], json!(pdf.body.len()));
    let etag = pdf.header("etag").unwrap().to_owned();
    assert_eq!(
        etag,
        format!("\"{}\"", documents[1]["sha256"].as_str().unwrap())
    );
    let again = rep
        .clone()
        .with_header("if-none-match", &etag)
        .get("/api/products/OTC452/documents/contract");
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_problem(
        &rep.get("/api/products/OTC452/documents/memo"),
        404,
        "not_found",
    );
    assert_problem(
        &rep.get("/api/products/NOPE1/documents/contract"),
        404,
        "not_found",
    );

    // PROD-3 favourites: idempotent both ways, audited once each, newest first.
    let favorite = |code: &str| {
        rep.put(
            &format!("/api/products/{code}/favorite"),
            "application/json",
            Vec::new(),
        )
    };
    for _ in 0..2 {
        let put = favorite("OTC452");
        assert_eq!(put.status, 200, "{}", put.text());
        assert_eq!(put.value(), json!({"code": "OTC452", "favorite": true}));
    }
    assert_eq!(audits(&app, "A0001", "product.favorite"), 1);
    assert_eq!(rep.get("/api/products/OTC452").value()["favorite"], true);
    assert_eq!(
        rep.get("/api/products?code=OTC452").value()["items"][0]["favorite"],
        true
    );
    sql(
        &app,
        "UPDATE product_favorites SET created_at = '2020-01-01T00:00:00Z' WHERE product_code = 'OTC452'",
    );
    assert_eq!(favorite("s20101").status, 200);
    let favorites = rep.get("/api/products/favorites");
    assert_eq!(codes(&favorites), ["S20101", "OTC452"]);
    assert_eq!(favorites.value()["total"], 2);
    assert!(
        favorites.value()["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["favorite"] == true)
    );
    for _ in 0..2 {
        let removed = rep.delete("/api/products/S20101/favorite");
        assert_eq!(
            removed.value(),
            json!({"code": "S20101", "favorite": false})
        );
    }
    assert_eq!(audits(&app, "A0001", "product.unfavorite"), 1);
    assert_eq!(codes(&rep.get("/api/products/favorites")), ["OTC452"]);
    assert_problem(&favorite("NOPE1"), 404, "not_found");
    // Another staff member's favourites are their own.
    let other = signed_in(&app, A0002);
    assert_eq!(
        codes(&other.get("/api/products/favorites")),
        Vec::<String>::new()
    );
    assert_eq!(other.get("/api/products/OTC452").value()["favorite"], false);

    // Exports: the list's rows, as CSV and as a real workbook, audited.
    let csv = rep.get("/api/products/export");
    let lines = csv_lines(&csv);
    assert_eq!(csv.header("x-total-count"), Some("12"));
    assert_eq!(
        lines
            .iter()
            .map(|l| l.split(',').next().unwrap())
            .collect::<Vec<_>>(),
        DEMO_CODES
    );
    assert_eq!(
        lines[3],
        "S19108,海通OTC富国理财宝1号尊享第8期优先级14天,富国资产管理（上海）有限公司,低,14天,5.20%,,,参与的最低份额为200万份，每份价格为1元。,到期结束,金融类"
    );
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"products-")
    );
    for query in [
        "status=on_sale",
        "risk=R1&category=financial",
        "name=%E6%B5%B7%E9%80%9AOTC",
        "code=TG",
    ] {
        let listed = codes(&rep.get(&format!("/api/products?{query}")));
        let exported: Vec<String> =
            csv_lines(&rep.get(&format!("/api/products/export?format=csv&{query}")))
                .iter()
                .map(|l| l.split(',').next().unwrap().to_owned())
                .collect();
        assert_eq!(exported, listed, "{query}");
        let sheet = xlsx_rows(&rep.get(&format!("/api/products/export?format=xlsx&{query}")));
        let sheet_codes: Vec<String> = sheet[1..].iter().map(|row| row[0].clone()).collect();
        assert_eq!(sheet_codes, listed, "{query}");
    }
    let sheet = xlsx_rows(&rep.get("/api/products/export?format=xlsx"));
    assert_eq!(sheet.len(), 13);
    assert_eq!(
        sheet[0].join(","),
        CSV_HEADER.trim_start_matches('\u{feff}')
    );
    assert_eq!(sheet[4].join(","), lines[3]);
    assert_problem(
        &rep.get("/api/products/export?format=pdf"),
        422,
        "validation_failed",
    );
    assert_problem(
        &rep.get("/api/products/export?risk=R9"),
        422,
        "validation_failed",
    );
    // Two CSV exports, one per format of the second loop's queries, and the two above.
    assert_eq!(audits(&app, "A0001", "product.export"), 1 + 4 * 2 + 1);
    let audited: Value = serde_json::from_str(
        sql_value(
            &app,
            "SELECT detail FROM audit_log WHERE action = 'product.export' ORDER BY id LIMIT 1 OFFSET 1",
        )
        .as_str()
        .unwrap(),
    )
    .unwrap();
    assert_eq!(audited["format"], "csv");
    assert_eq!(audited["filters"]["status"], "on_sale");
    assert_eq!(audited["rows"], 4);
}

/// A0001's demo customers by tolerance, and a customer of A0002's (same team) lent to
/// A0001 through the customers API.
#[test]
fn suitability_recommendations_and_suitable_customers() {
    let app = app();
    let rep = signed_in(&app, A0001);
    let id_where = |condition: &str| {
        count(
            &app,
            &format!("SELECT id FROM customers WHERE {condition} ORDER BY id LIMIT 1"),
        )
    };
    let conservative = id_where("owner_code = 'A0001' AND risk_tolerance = 'conservative'");
    let steady = id_where("owner_code = 'A0001' AND risk_tolerance = 'steady'");
    let unassessed = id_where("owner_code = 'A0001' AND risk_tolerance IS NULL");
    let teammates = id_where("owner_code = 'A0002' AND risk_tolerance = 'aggressive'");
    let other_team = id_where("owner_code = 'A0003'");
    let recommendations = || count(&app, "SELECT COUNT(*) FROM product_recommendations");
    let recommend = |client: &Client, code: &str, customer: i64| {
        client.post_json(
            &format!("/api/products/{code}/recommendations"),
            &json!({"customer_id": customer, "note": "电话沟通后推介"}),
        )
    };

    // A conservative customer and a medium-high (R4) product: refused, with the reason
    // in the caller's language, and nothing recorded.
    let refused = recommend(&rep, "S20215", conservative);
    assert_problem(&refused, 409, "conflict");
    assert_eq!(refused.value()["reason"], "risk_tolerance_too_low");
    assert_eq!(
        refused.value()["detail"],
        "客户风险承受能力为保守型，低于产品风险等级中高(R4)，不能推介。"
    );
    let english = recommend(&english(&rep), "S20215", conservative);
    assert_problem(&english, 409, "conflict");
    assert_eq!(
        english.value()["detail"],
        "The customer's risk tolerance is conservative, below the product's risk level medium-high (R4); it cannot be recommended."
    );
    let unknown = recommend(&rep, "S20101", unassessed);
    assert_problem(&unknown, 409, "conflict");
    assert_eq!(unknown.value()["reason"], "risk_tolerance_unknown");
    let ended = recommend(&rep, "OTC452", steady);
    assert_problem(&ended, 409, "conflict");
    assert_eq!(ended.value()["reason"], "product_ended");
    assert_eq!(recommendations(), 0);
    assert_eq!(audits(&app, "A0001", "product.recommend"), 0);

    // A steady customer and a medium (R3) product: recorded, audited, 201.
    let made = recommend(&rep, "S20101", steady);
    assert_eq!(made.status, 201, "{}", made.text());
    let v = made.value();
    assert_eq!(v["product_code"], "S20101");
    assert_eq!(v["customer_id"], steady);
    assert_eq!(v["staff_code"], "A0001");
    assert_eq!(v["risk_level"], "R3");
    assert_eq!(v["risk_tolerance"], "steady");
    assert_eq!(v["note"], "电话沟通后推介");
    assert_eq!(recommendations(), 1);
    assert_eq!(audits(&app, "A0001", "product.recommend"), 1);
    let audited = |column: &str| {
        sql_value(
            &app,
            &format!("SELECT {column} FROM audit_log WHERE action = 'product.recommend'"),
        )
    };
    assert_eq!(audited("target"), "S20101");
    let detail: Value = serde_json::from_str(audited("detail").as_str().unwrap()).unwrap();
    assert_eq!(detail["customer_id"], steady);
    let mine = rep.get("/api/products/S20101/recommendations");
    assert_eq!(mine.value()["total"], 1);
    assert_eq!(mine.value()["items"][0]["id"], v["id"]);

    // ORG-4: another rep's customer does not exist for a rep (404); a lead reads the
    // team's customers but serves none of them (403); nothing is recorded.
    assert_problem(&recommend(&rep, "S20101", teammates), 404, "not_found");
    assert_problem(&recommend(&rep, "S20101", other_team), 404, "not_found");
    assert_problem(&recommend(&rep, "S20101", 99_999_999), 404, "not_found");
    let lead = signed_in(&app, LEAD);
    let forbidden = recommend(&lead, "S20101", teammates);
    assert_problem(&forbidden, 403, "forbidden");
    assert_problem(&recommend(&lead, "S20101", other_team), 404, "not_found");
    assert_problem(&recommend(&rep, "NOPE1", steady), 404, "not_found");
    for bad in [
        json!({"customer_id": "x"}),
        json!({"customer_id": 0}),
        json!({"customer_id": steady, "note": "字".repeat(501)}),
        json!({"customer_id": steady, "extra": 1}),
        json!({}),
    ] {
        assert_problem(
            &rep.post_json("/api/products/S20101/recommendations", &bad),
            422,
            "validation_failed",
        );
    }
    assert_eq!(recommendations(), 1);

    // Lent by A0002 to A0001: served now, so recommendable and suitable.
    let owner = signed_in(&app, A0002);
    let in_a_month = zhanye_platform::time::china_date(unix_now() + 30 * 86_400).to_string();
    let lent = owner.post_json(
        &format!("/api/customers/{teammates}/delegations"),
        &json!({"delegate_code": "A0001", "ends_on": in_a_month, "reason": "休假"}),
    );
    assert_eq!(lent.status, 201, "{}", lent.text());
    assert_eq!(recommend(&rep, "S20215", teammates).status, 201);

    // Suitable customers: exactly the served ones whose tolerance covers the level.
    for (code, tolerances) in [
        ("S20402", "'conservative', 'steady', 'aggressive'"),
        ("S20101", "'steady', 'aggressive'"),
        ("S20215", "'aggressive'"),
        ("S20388", "'aggressive'"),
    ] {
        let expected: Value = sql_value(
            &app,
            &format!(
                "SELECT json_group_array(id) FROM (SELECT c.id FROM customers c
                 WHERE c.deleted_at IS NULL AND c.risk_tolerance IN ({tolerances})
                   AND (c.owner_code = 'A0001' OR c.id = {teammates})
                 ORDER BY c.name, c.id) AS suitable"
            ),
        );
        let expected: Vec<i64> = serde_json::from_str(expected.as_str().unwrap()).unwrap();
        let mut got = Vec::new();
        let mut page = 1;
        loop {
            let reply = rep.get(&format!(
                "/api/products/{code}/suitable-customers?page={page}&page_size=200"
            ));
            assert_eq!(reply.status, 200, "{}", reply.text());
            assert_eq!(reply.value()["total"], json!(expected.len()), "{code}");
            let items = reply.value()["items"].as_array().unwrap().clone();
            got.extend(items.iter().map(|c| c["id"].as_i64().unwrap()));
            if items.len() < 200 {
                break;
            }
            page += 1;
        }
        assert_eq!(got, expected, "{code}");
        assert!(got.contains(&teammates) == tolerances.contains("aggressive"));
    }
    // An ended product suits no one.
    assert_eq!(
        rep.get("/api/products/OTC452/suitable-customers").value()["total"],
        0
    );
    assert_problem(
        &rep.get("/api/products/NOPE1/suitable-customers"),
        404,
        "not_found",
    );
}

/// One issuer record with the required fields.
fn product(code: &str, name: &str, risk_level: u8, status: &str) -> Value {
    json!({"code": code, "name": name, "manager": "测试资产管理有限公司",
           "risk_level": risk_level, "status": status, "category": "financial"})
}

#[test]
fn the_issuer_webhook_updates_refuses_and_replays() {
    let app = app();
    let rep = signed_in(&app, A0001);
    // Stamped a while ago, so that the update's new stamp differs within the same second.
    sql(
        &app,
        "UPDATE products SET updated_at = '2026-01-01T00:00:00Z' WHERE code = 'S20101'",
    );
    let before = rep.get("/api/products/S20101").value();
    assert_eq!(before["updated_at"], "2026-01-01T00:00:00Z");

    // An update: new status and yield, a new contract; the other documents are kept.
    let mut update = product("s20101", "海通月月赢集合资产管理计划", 3, "ended");
    update["expected_yield"] = json!("业绩比较基准4.00%");
    update["documents"] = json!([{"kind": "contract", "file_name": "新版合同.pdf",
                                  "content_base64": "JVBERi0xLjQKJSVFT0YK"}]);
    let applied = issue(&app, "update-1", &json!([update]));
    assert_eq!(applied.status, 200, "{}", applied.text());
    assert_eq!(
        applied.value()["outcome"],
        json!({"created": 0, "updated": 1, "unchanged": 0, "documents": 1})
    );
    let after = rep.get("/api/products/S20101").value();
    assert_eq!(after["status"], "ended");
    assert_eq!(after["expected_yield"], "业绩比较基准4.00%");
    // Optional fields left out are cleared: the record is the product as it is now.
    assert_eq!(after["custodian"], Value::Null);
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_eq!(after["documents"].as_array().unwrap().len(), 3);
    assert_eq!(after["documents"][1]["file_name"], "新版合同.pdf");
    let contract = rep.get("/api/products/S20101/documents/contract");
    assert_eq!(contract.body, b"%PDF-1.4\n%%EOF\n");
    assert_eq!(
        contract.header("content-disposition"),
        Some(
            "attachment; filename=\"S20101-contract.pdf\"; filename*=UTF-8''%E6%96%B0%E7%89%88%E5%90%88%E5%90%8C.pdf"
        )
    );
    assert_eq!(audits(&app, "partner:issuer", "hook.products"), 2);

    // Redelivery: the first answer again, nothing changed.
    let again = issue(&app, "update-1", &json!([update]));
    assert_eq!(again.status, 200);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.value(), applied.value());
    // The same catalog under a new key changes nothing either.
    let same = issue(&app, "update-2", &json!([update]));
    assert_eq!(
        same.value()["outcome"],
        json!({"created": 0, "updated": 0, "unchanged": 1, "documents": 0})
    );
    assert_eq!(
        rep.get("/api/products/S20101").value()["updated_at"],
        after["updated_at"]
    );

    // A bad record refuses the whole batch: the good one beside it is not applied.
    let products = || count(&app, "SELECT COUNT(*) FROM products");
    let stored = products();
    let mut bad = product("NEW2", "新产品二", 6, "on_sale");
    bad["documents"] =
        json!([{"kind": "contract", "file_name": "a.pdf", "content_base64": "SGVsbG8="}]);
    let refused = issue(
        &app,
        "bad-1",
        &json!([product("NEW1", "新产品一", 2, "on_sale"), bad, {"name": "无代码"}]),
    );
    assert_problem(&refused, 422, "validation_failed");
    let fields = texts(&refused.value()["errors"], "field");
    assert_eq!(
        fields,
        [
            "records[1].risk_level",
            "records[1].documents[0].content_base64",
            "records[2].code",
            "records[2].manager",
            "records[2].risk_level",
            "records[2].status",
            "records[2].category",
        ]
    );
    assert_eq!(refused.value()["records"][1]["reason"], "not_pdf");
    assert_eq!(products(), stored);
    assert_problem(&rep.get("/api/products/NEW1"), 404, "not_found");
    // Signed with another partner's secret, or sent to a topic the issuer lacks.
    let body = json!([product("NEW1", "新产品一", 2, "on_sale")]).to_string();
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let foreign = app
        .client()
        .with_header("x-timestamp", &timestamp)
        .with_header(
            "x-signature",
            &zhanye_ingest::signature::sign(TRADING_SECRET.as_bytes(), &timestamp, body.as_bytes()),
        )
        .with_header("idempotency-key", "foreign")
        .post("/hooks/issuer/products", "application/json", body.clone());
    assert_problem(&foreign, 401, "invalid_signature");
    let wrong_topic = app
        .client()
        .with_header("x-timestamp", &timestamp)
        .with_header(
            "x-signature",
            &zhanye_ingest::signature::sign(ISSUER_SECRET.as_bytes(), &timestamp, body.as_bytes()),
        )
        .with_header("idempotency-key", "topic")
        .post("/hooks/issuer/customers", "application/json", body);
    assert_problem(&wrong_topic, 404, "not_found");
    assert_eq!(products(), stored);
}

#[test]
fn a_catalog_of_100000_streams_as_csv_and_caps_xlsx() {
    let app = app();
    let rep = signed_in(&app, A0001);
    // 100,000 products in ten batches of 10,000 (NDJSON), codes B000000 … B099999.
    for batch in 0..10 {
        let mut body = Vec::new();
        for n in batch * 10_000..(batch + 1) * 10_000 {
            let status = ["on_sale", "issuing", "ended"][n % 3];
            let record = json!({"code": format!("B{n:06}"), "name": format!("批量产品{n}"),
                                "manager": "测试资产管理有限公司", "risk_level": n % 5 + 1,
                                "status": status,
                                "category": "financial", "term": "1年"});
            body.extend_from_slice(record.to_string().as_bytes());
            body.push(b'\n');
        }
        let reply = push_products(&app, &format!("bulk-{batch}"), body, "application/x-ndjson");
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.value()["outcome"]["created"], 10_000);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM products"), 100_012);

    // The list counts up to its cap and pages within it.
    let list = rep.get("/api/products?code=B");
    assert_eq!(list.value()["total"], 10_000);
    assert_eq!(list.value()["total_capped"], true);
    assert_eq!(codes(&list)[0], "B000000");
    assert_eq!(
        codes(&rep.get("/api/products?code=B&page=500&page_size=20"))
            .last()
            .unwrap(),
        "B009999"
    );

    // CSV streams every row, in list order.
    let csv = rep.get("/api/products/export");
    assert_eq!(csv.header("content-length"), None, "a stream has no length");
    assert_eq!(csv.header("x-total-count"), Some("100012"));
    let lines = csv_lines(&csv);
    assert_eq!(lines.len(), 100_012);
    assert_eq!(
        lines[0],
        "B000000,批量产品0,测试资产管理有限公司,低,1年,,,,,在售,金融类"
    );
    assert_eq!(lines[99_999].split(',').next(), Some("B099999"));
    assert_eq!(lines[100_000].split(',').next(), Some("OTC452"));
    let filtered = csv_lines(&rep.get("/api/products/export?status=issuing&risk=R2"));
    assert_eq!(
        filtered.len() as i64,
        count(
            &app,
            "SELECT COUNT(*) FROM products WHERE status = 'issuing' AND risk_level = 2"
        )
    );

    // XLSX: past its cap, 422 pointing to CSV in both languages; under it, a workbook.
    let refused = rep.get("/api/products/export?format=xlsx");
    assert_problem(&refused, 422, "validation_failed");
    assert_eq!(refused.value()["errors"][0]["field"], "format");
    assert_eq!(refused.value()["limit"], 20_000);
    assert!(refused.value()["detail"].as_str().unwrap().contains("CSV"));
    let english = english(&rep).get("/api/products/export?format=xlsx&code=B");
    assert!(
        english.value()["detail"]
            .as_str()
            .unwrap()
            .contains("export CSV")
    );
    let sheet = xlsx_rows(&rep.get("/api/products/export?format=xlsx&code=B00"));
    assert_eq!(sheet.len(), 10_001);
    assert_eq!(sheet[1][0], "B000000");
    assert_eq!(sheet[10_000][0], "B009999");
}
