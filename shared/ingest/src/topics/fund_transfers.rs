//! Topic `fund-transfers` (银证转账): `{transfer_no, account_no, date, direction: in|out,
//! amount}`, `amount` in yuan above zero. A transfer number already stored is skipped
//! (counted `unchanged`).

use chrono::NaiveDate;
use serde_json::{Map, Value};
use zhanye_money::Money;

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;
use crate::vocab::TransferDirection;

/// One transfer as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundTransferRecord {
    pub index: usize,
    pub transfer_no: String,
    pub account_no: String,
    pub date: NaiveDate,
    pub direction: TransferDirection,
    pub amount: Money,
}

/// Reads the records; every problem goes into the report.
pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<FundTransferRecord>, Report> {
    let mut report = Report::default();
    let mut transfers = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let transfer_no = fields.text("transfer_no", 64);
        fields.key = transfer_no.clone();
        let account_no = fields.text("account_no", 32);
        let date = fields.date("date");
        let direction = fields.one_of("direction");
        let amount = fields.money("amount").filter(|amount| {
            let ok = *amount > Money::ZERO;
            if !ok {
                fields.fail("amount", "out_of_range");
            }
            ok
        });
        if let (Some(transfer_no), Some(account_no), Some(date), Some(direction), Some(amount)) =
            (transfer_no, account_no, date, direction, amount)
        {
            transfers.push(FundTransferRecord {
                index,
                transfer_no,
                account_no,
                date,
                direction,
                amount,
            });
        }
    }
    report_duplicates(
        transfers
            .iter()
            .map(|t| (t.index, Some(t.transfer_no.as_str()))),
        "transfer_no",
        &mut report,
    );
    report.finish(transfers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    #[test]
    fn good_records_parse() {
        let transfers = parse(&records(json!([
            {"transfer_no": "F1", "account_no": "310000000001", "date": "2026-08-31", "direction": "in", "amount": "50000"},
            {"transfer_no": "F2", "account_no": "310000000001", "date": "2026-08-31", "direction": "out", "amount": 0.01}
        ])))
        .unwrap();
        assert_eq!(transfers[0].amount.fen(), 5_000_000);
        assert_eq!(
            (transfers[1].direction.as_str(), transfers[1].amount.fen()),
            ("out", 1)
        );
    }

    #[test]
    fn bad_records_are_reported() {
        let report = parse(&records(json!([
            {"transfer_no": "F1", "account_no": "310000000001", "date": "2026-08-31", "direction": "sideways", "amount": "0"},
            {"transfer_no": "F2", "date": "2026-8-31", "direction": "in", "amount": "-5"},
            {"transfer_no": "F3", "account_no": "310000000001", "date": "2026-08-31", "direction": "in", "amount": "5"},
            {"transfer_no": "F3", "account_no": "310000000001", "date": "2026-08-31", "direction": "in", "amount": "5"}
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
                (0, "direction", "invalid"),
                (0, "amount", "out_of_range"),
                (1, "account_no", "required"),
                (1, "date", "invalid_format"),
                (1, "amount", "out_of_range"),
                (3, "transfer_no", "duplicate"),
            ]
        );
    }
}
