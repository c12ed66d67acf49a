//! Topic `trades` (成交): `{trade_no, account_no, date, security_code, security_name,
//! side: buy|sell, quantity, amount, commission}`; `quantity` a whole number from 1 to
//! [`MAX_QUANTITY`], `amount` and `commission` in yuan, not negative. A trade number already stored is
//! skipped (counted `unchanged`); new trades move the customer's positions and last
//! trading day.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use zhanye_money::Money;

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;
use crate::vocab::TradeSide;

/// The most shares (units) one trade may move, far above any real trade, so positions
/// summed over many trades stay exact integers.
pub const MAX_QUANTITY: i64 = 1_000_000_000_000;

/// One trade as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeRecord {
    pub index: usize,
    pub trade_no: String,
    pub account_no: String,
    pub date: NaiveDate,
    pub security_code: String,
    pub security_name: String,
    pub side: TradeSide,
    pub quantity: i64,
    pub amount: Money,
    pub commission: Money,
}

/// An amount that must not be negative.
pub(crate) fn not_negative(fields: &mut Fields, field: &str) -> Option<Money> {
    let amount = fields.money(field)?;
    if amount < Money::ZERO {
        fields.fail(field, "out_of_range");
        return None;
    }
    Some(amount)
}

/// Reads the records; every problem goes into the report.
pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<TradeRecord>, Report> {
    let mut report = Report::default();
    let mut trades = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let trade_no = fields.text("trade_no", 64);
        fields.key = trade_no.clone();
        let account_no = fields.text("account_no", 32);
        let date = fields.date("date");
        let security_code = fields.text("security_code", 16);
        let security_name = fields.text("security_name", 64);
        let side = fields.one_of("side");
        let quantity = fields.positive_integer("quantity").filter(|q| {
            let ok = *q <= MAX_QUANTITY;
            if !ok {
                fields.fail("quantity", "out_of_range");
            }
            ok
        });
        let amount = not_negative(&mut fields, "amount");
        let commission = not_negative(&mut fields, "commission");
        if let (
            Some(trade_no),
            Some(account_no),
            Some(date),
            Some(security_code),
            Some(security_name),
            Some(side),
            Some(quantity),
            Some(amount),
            Some(commission),
        ) = (
            trade_no,
            account_no,
            date,
            security_code,
            security_name,
            side,
            quantity,
            amount,
            commission,
        ) {
            trades.push(TradeRecord {
                index,
                trade_no,
                account_no,
                date,
                security_code,
                security_name,
                side,
                quantity,
                amount,
                commission,
            });
        }
    }
    report_duplicates(
        trades.iter().map(|t| (t.index, Some(t.trade_no.as_str()))),
        "trade_no",
        &mut report,
    );
    report.finish(trades)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    fn good() -> Value {
        json!({"trade_no": "T20260831000001", "account_no": "310000000001", "date": "2026-08-31",
               "security_code": "600519", "security_name": "贵州茅台", "side": "buy",
               "quantity": 100, "amount": "168800.00", "commission": 42.2})
    }

    #[test]
    fn good_records_parse() {
        let mut sell = good();
        sell["trade_no"] = json!("T20260831000002");
        sell["side"] = json!("sell");
        sell["quantity"] = json!("40");
        let trades = parse(&records(json!([good(), sell]))).unwrap();
        assert_eq!(trades[0].amount.fen(), 16_880_000);
        assert_eq!(trades[0].commission.fen(), 4_220);
        assert_eq!((trades[1].side.as_str(), trades[1].quantity), ("sell", 40));
    }

    #[test]
    fn bad_records_are_reported() {
        let mut bad = good();
        bad["account_no"] = json!(310000000001u64);
        bad["date"] = json!("31/08/2026");
        bad["security_code"] = json!("");
        bad["side"] = json!("short");
        bad["quantity"] = json!(0);
        bad["amount"] = json!("-1.00");
        bad["commission"] = json!("0.001");
        let mut unnamed = good();
        unnamed["trade_no"] = json!("T2");
        unnamed.as_object_mut().unwrap().remove("security_name");
        unnamed["quantity"] = json!(1.5);
        let mut huge = good();
        huge["trade_no"] = json!("T3");
        huge["quantity"] = json!(MAX_QUANTITY + 1);
        let report = parse(&records(json!([bad, unnamed, huge, good(), good()]))).unwrap_err();
        let got: Vec<(usize, &str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.index, e.field.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, "account_no", "invalid_type"),
                (0, "date", "invalid_format"),
                (0, "security_code", "required"),
                (0, "side", "invalid"),
                (0, "quantity", "out_of_range"),
                (0, "amount", "out_of_range"),
                (0, "commission", "invalid_format"),
                (1, "security_name", "required"),
                (1, "quantity", "invalid_format"),
                (2, "quantity", "out_of_range"),
                (4, "trade_no", "duplicate"),
            ]
        );
        assert_eq!(report.errors[7].key.as_deref(), Some("T2"));
    }
}
