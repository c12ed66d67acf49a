//! Topic `daily-assets` (T+1 日资产): `{account_no, date: "YYYY-MM-DD", total_assets,
//! cash}`, amounts in yuan (decimal string, or a JSON number with at most two decimals),
//! upserted by (`account_no`, `date`). A customer's newest date becomes its current
//! total assets and cash.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use zhanye_money::Money;

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;

/// One customer's snapshot for one day as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyAssetsRecord {
    pub index: usize,
    pub account_no: String,
    pub date: NaiveDate,
    pub total_assets: Money,
    pub cash: Money,
}

/// Reads the records; every problem goes into the report.
pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<DailyAssetsRecord>, Report> {
    let mut report = Report::default();
    let mut rows = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let account_no = fields.text("account_no", 32);
        fields.key = account_no.clone();
        let date = fields.date("date");
        let total_assets = fields.money("total_assets");
        let cash = fields.money("cash");
        if let (Some(account_no), Some(date), Some(total_assets), Some(cash)) =
            (account_no, date, total_assets, cash)
        {
            rows.push(DailyAssetsRecord {
                index,
                account_no,
                date,
                total_assets,
                cash,
            });
        }
    }
    let keys: Vec<(usize, String)> = rows
        .iter()
        .map(|r| (r.index, format!("{}/{}", r.account_no, r.date)))
        .collect();
    report_duplicates(
        keys.iter().map(|(index, key)| (*index, Some(key.as_str()))),
        "date",
        &mut report,
    );
    report.finish(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    #[test]
    fn good_records_parse() {
        let rows = parse(&records(json!([
            {"account_no": "310000000001", "date": "2026-08-31", "total_assets": "25435595.41", "cash": 1000.5},
            {"account_no": "310000000001", "date": "2026-09-01", "total_assets": 0, "cash": "0"}
        ])))
        .unwrap();
        assert_eq!(rows[0].total_assets.fen(), 2_543_559_541);
        assert_eq!(rows[0].cash.fen(), 100_050);
        assert_eq!(rows[1].date.to_string(), "2026-09-01");
    }

    #[test]
    fn bad_records_are_reported() {
        let report = parse(&records(json!([
            {"account_no": "310000000001", "date": "2026-08-32", "total_assets": "1e3", "cash": "1.234"},
            {"account_no": "", "date": "2026-08-31", "total_assets": "1", "cash": true},
            {"account_no": "310000000002", "date": "2026-08-31", "total_assets": "1", "cash": "1"},
            {"account_no": "310000000002", "date": "2026-08-31", "total_assets": "2", "cash": "2"}
        ])))
        .unwrap_err();
        let got: Vec<(usize, &str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.index, e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, "date", "invalid_format"),
                (0, "total_assets", "invalid_format"),
                (0, "cash", "invalid_format"),
                (1, "account_no", "required"),
                (1, "cash", "invalid_type"),
                (3, "date", "duplicate"),
            ]
        );
        assert_eq!(
            report.errors[5].key.as_deref(),
            Some("310000000002/2026-08-31")
        );
    }
}
