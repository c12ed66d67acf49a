//! Topic `monthly-performance` (CUST-3 客户业绩): one customer's figures for one month,
//! upserted by (`account_no`, `month`).
//!
//! `{account_no, month: "YYYY-MM", total_assets, normal_assets, margin_assets,
//! repo_holding, floating_holding, quant_holding, daily_average_assets, total_volume,
//! normal_volume, collateral_volume, credit_volume, total_commission, normal_commission,
//! collateral_commission, credit_commission}`, every amount required, in yuan: a decimal
//! string (`"512127.19"`) or a JSON number with at most two decimals. Each total must be
//! the sum of its parts (checked when the batch is applied, reason
//! `parts_do_not_add_up` on the total):
//! - `total_assets` = `normal_assets` + `margin_assets` + `repo_holding` +
//!   `floating_holding` + `quant_holding`;
//! - `total_volume` = `normal_volume` + `collateral_volume` + `credit_volume`;
//! - `total_commission` = `normal_commission` + `collateral_commission` +
//!   `credit_commission`.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use zhanye_money::Money;

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;

/// The amounts, in the stored column order of `customer_months`.
pub const AMOUNTS: [&str; 15] = [
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

/// One month of one customer as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyPerformanceRecord {
    pub index: usize,
    pub account_no: String,
    /// The month's first day.
    pub month: NaiveDate,
    /// In [`AMOUNTS`] order.
    pub amounts: [Money; 15],
}

/// Reads the records; every problem goes into the report.
pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<MonthlyPerformanceRecord>, Report> {
    let mut report = Report::default();
    let mut rows = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let account_no = fields.text("account_no", 32);
        fields.key = account_no.clone();
        let month = fields.month("month");
        let mut amounts = [Money::ZERO; 15];
        let mut complete = true;
        for (slot, name) in amounts.iter_mut().zip(AMOUNTS) {
            match fields.money(name) {
                Some(amount) => *slot = amount,
                None => complete = false,
            }
        }
        if let (Some(account_no), Some(month), true) = (account_no, month, complete) {
            rows.push(MonthlyPerformanceRecord {
                index,
                account_no,
                month,
                amounts,
            });
        }
    }
    let keys: Vec<(usize, String)> = rows
        .iter()
        .map(|r| {
            (
                r.index,
                format!("{}/{}", r.account_no, r.month.format("%Y-%m")),
            )
        })
        .collect();
    report_duplicates(
        keys.iter().map(|(index, key)| (*index, Some(key.as_str()))),
        "month",
        &mut report,
    );
    report.finish(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    /// 客户业绩 #201408 from the seed's customer page.
    fn seed_row() -> Value {
        json!({"account_no": "310000000001", "month": "2014-08",
               "total_assets": "512127.19", "normal_assets": "512127.19", "margin_assets": "0",
               "repo_holding": 0, "floating_holding": "0.00", "quant_holding": "0",
               "daily_average_assets": 500000, "total_volume": 30492.0, "normal_volume": "30492",
               "collateral_volume": "0", "credit_volume": "0", "total_commission": "6.48",
               "normal_commission": 6.48, "collateral_commission": "0", "credit_commission": "0"})
    }

    #[test]
    fn good_records_parse() {
        let mut september = seed_row();
        september["month"] = json!("2014-09");
        let rows = parse(&records(json!([seed_row(), september]))).unwrap();
        let r = &rows[0];
        assert_eq!(r.month.to_string(), "2014-08-01");
        assert_eq!(r.amounts[0].fen(), 51_212_719);
        assert_eq!(r.amounts[6].fen(), 50_000_000);
        assert_eq!(r.amounts[7].fen(), 3_049_200);
        assert_eq!(r.amounts[12].fen(), 648);
        assert_eq!(rows[1].month.to_string(), "2014-09-01");
    }

    #[test]
    fn bad_records_are_reported() {
        let mut bad = seed_row();
        bad["month"] = json!("2014-8");
        bad["total_assets"] = json!("512,127.19");
        bad["margin_assets"] = json!(0.001);
        bad["credit_commission"] = json!(null);
        bad["quant_holding"] = json!([]);
        let mut no_account = seed_row();
        no_account.as_object_mut().unwrap().remove("account_no");
        let report = parse(&records(json!([bad, no_account, seed_row(), seed_row()]))).unwrap_err();
        let got: Vec<(usize, Option<&str>, &str, &str)> = report
            .errors
            .iter()
            .map(|e| {
                (
                    e.index,
                    e.key.as_deref(),
                    e.field.as_str(),
                    e.reason.as_str(),
                )
            })
            .collect();
        let key = Some("310000000001");
        assert_eq!(
            got,
            [
                (0, key, "month", "invalid_format"),
                (0, key, "total_assets", "invalid_format"),
                (0, key, "margin_assets", "invalid_format"),
                (0, key, "quant_holding", "invalid_type"),
                (0, key, "credit_commission", "required"),
                (1, None, "account_no", "required"),
                (3, Some("310000000001/2014-08"), "month", "duplicate"),
            ]
        );
    }
}
