//! Topic `account-events` (账户事件): `{event_no, account_no, date, kind, detail?}`;
//! `kind` an [`AccountEvent`], `detail` at most 200 characters. An event number already
//! stored is skipped (counted `unchanged`). New events change the customer:
//! `opened`, `effective` and `assessment_effective` set its opening, effective and
//! assessment-effective date; `cancelled`, `custody_transferred` and `closed` lose it
//! (status `lost`, the loss date, and its total assets then as the assets lost) unless
//! it was already lost on an earlier date; `dividend`, `rights_issue` and `ipo_win`
//! only go on its timeline.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;
use crate::vocab::AccountEvent;

/// One event as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEventRecord {
    pub index: usize,
    pub event_no: String,
    pub account_no: String,
    pub date: NaiveDate,
    pub kind: AccountEvent,
    /// Empty when not sent.
    pub detail: String,
}

/// Reads the records; every problem goes into the report.
pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<AccountEventRecord>, Report> {
    let mut report = Report::default();
    let mut events = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let event_no = fields.text("event_no", 64);
        fields.key = event_no.clone();
        let account_no = fields.text("account_no", 32);
        let date = fields.date("date");
        let kind = fields.one_of("kind");
        let detail = fields.optional_text("detail", 200).unwrap_or_default();
        if let (Some(event_no), Some(account_no), Some(date), Some(kind)) =
            (event_no, account_no, date, kind)
        {
            events.push(AccountEventRecord {
                index,
                event_no,
                account_no,
                date,
                kind,
                detail,
            });
        }
    }
    report_duplicates(
        events.iter().map(|e| (e.index, Some(e.event_no.as_str()))),
        "event_no",
        &mut report,
    );
    report.finish(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    #[test]
    fn good_records_parse() {
        let events = parse(&records(json!([
            {"event_no": "E1", "account_no": "310000000001", "date": "2026-08-31", "kind": "custody_transferred", "detail": "转出至他券商"},
            {"event_no": "E2", "account_no": "310000000001", "date": "2026-09-01", "kind": "opened"}
        ])))
        .unwrap();
        assert_eq!(events[0].detail, "转出至他券商");
        assert_eq!(
            (events[1].kind.as_str(), events[1].detail.as_str()),
            ("opened", "")
        );
    }

    #[test]
    fn bad_records_are_reported() {
        let report = parse(&records(json!([
            {"event_no": "E1", "account_no": "310000000001", "date": "2026-08-31", "kind": "married"},
            {"account_no": "310000000001", "date": "yesterday", "kind": "opened", "detail": "x".repeat(201)},
            {"event_no": "E3", "account_no": "310000000001", "date": "2026-08-31", "kind": "closed"},
            {"event_no": "E3", "account_no": "310000000001", "date": "2026-08-31", "kind": "closed"}
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
                (0, "kind", "invalid"),
                (1, "event_no", "required"),
                (1, "date", "invalid_format"),
                (1, "detail", "invalid_format"),
                (3, "event_no", "duplicate"),
            ]
        );
    }
}
