//! Topic `org-units` (ORG-1): `{code, name, kind, parent_code}`; `kind` a [`UnitKind`]
//! (`hq`, `region`, `branch`, `team`), each under the kind before it; the HQ has no
//! parent.

use serde_json::{Map, Value};
use zhanye_staff::vocab::UnitKind;

use crate::batch::report_duplicates;
use crate::fields::Fields;
use crate::report::Report;

/// One org unit as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnitRecord {
    pub index: usize,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_code: Option<String>,
}

/// Reads the records; every problem goes into the report.
pub fn parse(records: &[Map<String, Value>]) -> Result<Vec<OrgUnitRecord>, Report> {
    let mut report = Report::default();
    let mut units = Vec::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let mut fields = Fields::new(index, record, &mut report);
        let code = fields.text("code", 32);
        fields.key = code.clone();
        let name = fields.text("name", 64);
        let kind = fields.one_of::<UnitKind>("kind");
        let parent_code = fields.optional_text("parent_code", 32);
        if let Some(kind) = kind {
            match (kind, &parent_code) {
                (UnitKind::Hq, Some(_)) => fields.fail("parent_code", "invalid"),
                (UnitKind::Hq, None) => {}
                (_, None) => fields.fail("parent_code", "required"),
                _ => {}
            }
        }
        if let (Some(code), Some(name), Some(kind)) = (code, name, kind) {
            units.push(OrgUnitRecord {
                index,
                code,
                name,
                kind,
                parent_code,
            });
        }
    }
    report_duplicates(
        units.iter().map(|u| (u.index, Some(u.code.as_str()))),
        "code",
        &mut report,
    );
    report.finish(units)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::records;
    use serde_json::json;

    #[test]
    fn good_records_parse() {
        let units = parse(&records(json!([
            {"code": "HQ", "name": "总部", "kind": "hq"},
            {"code": "R1", "name": "华东地区", "kind": "region", "parent_code": "HQ"}
        ])))
        .unwrap();
        assert_eq!(units.len(), 2);
        assert_eq!(units[1].parent_code.as_deref(), Some("HQ"));
        assert_eq!(
            (units[0].kind, units[1].kind),
            (UnitKind::Hq, UnitKind::Region)
        );
    }

    #[test]
    fn bad_records_are_reported() {
        let report = parse(&records(json!([
            {"code": "HQ2", "name": "x", "kind": "hq", "parent_code": "HQ"},
            {"code": "T1", "name": "团队", "kind": "team"},
            {"code": "T1", "name": "团队", "kind": "team", "parent_code": "B1"},
            {"name": "无代码", "kind": "moon", "parent_code": "B1"}
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
                (0, "parent_code", "invalid"),
                (1, "parent_code", "required"),
                (3, "code", "required"),
                (3, "kind", "invalid"),
                (2, "code", "duplicate"),
            ]
        );
    }
}
