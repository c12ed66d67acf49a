//! Topic `customers`: upserted by account number. Optional fields left out keep what is
//! stored (new customers take the defaults: `individual`, `existing`, no owner). The
//! owner's unit becomes the customer's (`unit_path`, `/` while unowned); the ID number
//! is kept only as a verifier and a masked copy; `tags` is stored joined by commas and
//! as one `customer_tags` row per tag (replaced when sent); the name's search grams
//! (`customer_name_grams`) follow the name. A status other than `lost`
//! ends an earlier loss (the loss date and assets are cleared). The HOME-1 figures of
//! the customers whose owner, dates or loss change follow.

use serde_json::{Map, Value, json};
use zhanye_ingest::Report;
use zhanye_ingest::topics::customers::CustomerRecord;
use zhanye_platform::grams::grams;
use zhanye_platform::{ApiError, Db, params};
use zhanye_staff::identity::{id_verifier, mask_id_number};

use super::{Applied, count, list, one_row, positions, report_at, rows_param};
use crate::store::left_book;
use crate::store::stats::{self, Deltas};

/// The columns a record sets when it sends them (the row key is the column name).
const KEPT_UNLESS_SENT: [&str; 18] = [
    "kind",
    "gender",
    "birth_date",
    "mobile",
    "email",
    "address",
    "id_number_verifier",
    "id_number_masked",
    "status",
    "grade",
    "level",
    "risk_tolerance",
    "open_date",
    "effective_date",
    "assessment_effective_date",
    "owner_code",
    "unit_path",
    "tags",
];

/// Owner codes that name no staff member. Rows are objects keyed by column.
const UNKNOWN_OWNERS: &str = "\
    SELECT json_group_array(j.key) FROM json_each(?1) AS j \
    WHERE j.value ->> 'owner_code' IS NOT NULL \
      AND NOT EXISTS (SELECT 1 FROM staff AS s WHERE s.code = j.value ->> 'owner_code')";

/// What changes a customer's HOME-1 contributions.
const TOUCHES_HOME: &str = "\
    (j.value ->> 'owner_code' IS NOT NULL AND c.owner_code IS DISTINCT FROM j.value ->> 'owner_code') \
    OR (j.value ->> 'open_date' IS NOT NULL AND c.open_date IS DISTINCT FROM j.value ->> 'open_date') \
    OR (j.value ->> 'effective_date' IS NOT NULL \
        AND c.effective_date IS DISTINCT FROM j.value ->> 'effective_date') \
    OR (j.value ->> 'status' IS NOT NULL AND j.value ->> 'status' <> 'lost' \
        AND c.lost_date IS NOT NULL)";

/// Customers stored already, and those whose HOME-1 contributions change.
fn existing_sql() -> String {
    format!(
        "SELECT COUNT(*), json_group_array(c.id) FILTER (WHERE {TOUCHES_HOME}) \
         FROM json_each(?1) AS j JOIN customers AS c ON c.account_no = j.value ->> 'account_no'"
    )
}

fn update_sql() -> String {
    let mut sets = vec!["name = r.name".to_owned()];
    let mut changed = vec!["customers.name IS DISTINCT FROM r.name".to_owned()];
    for column in KEPT_UNLESS_SENT {
        sets.push(format!(
            "{column} = COALESCE(r.{column}, customers.{column})"
        ));
        changed.push(format!(
            "customers.{column} IS DISTINCT FROM COALESCE(r.{column}, customers.{column})"
        ));
    }
    let ends_loss = "r.status IS NOT NULL AND r.status <> 'lost'";
    sets.push(format!(
        "lost_date = CASE WHEN {ends_loss} THEN NULL ELSE customers.lost_date END"
    ));
    sets.push(format!(
        "lost_assets = CASE WHEN {ends_loss} THEN 0 ELSE customers.lost_assets END"
    ));
    changed.push(format!("({ends_loss} AND customers.lost_date IS NOT NULL)"));
    sets.push("updated_at = ?2".to_owned());
    let selected: Vec<String> = ["account_no", "name"]
        .iter()
        .chain(KEPT_UNLESS_SENT.iter().filter(|c| **c != "unit_path"))
        .map(|c| format!("j.value ->> '{c}' AS {c}"))
        .collect();
    format!(
        "UPDATE customers SET {} \
         FROM (SELECT {}, s.unit_path AS unit_path \
               FROM json_each(?1) AS j \
               LEFT JOIN staff AS s ON s.code = j.value ->> 'owner_code') AS r \
         WHERE customers.account_no = r.account_no AND ({})",
        sets.join(", "),
        selected.join(", "),
        changed.join(" OR ")
    )
}

fn insert_sql() -> String {
    let defaults = |c: &str| match c {
        "kind" => "COALESCE(j.value ->> 'kind', 'individual')".to_owned(),
        "status" => "COALESCE(j.value ->> 'status', 'existing')".to_owned(),
        "tags" => "COALESCE(j.value ->> 'tags', '')".to_owned(),
        "unit_path" => "COALESCE(s.unit_path, '/')".to_owned(),
        _ => format!("j.value ->> '{c}'"),
    };
    let columns: Vec<&str> = ["account_no", "name"]
        .into_iter()
        .chain(KEPT_UNLESS_SENT)
        .collect();
    let values: Vec<String> = columns.iter().map(|c| defaults(c)).collect();
    format!(
        "INSERT INTO customers ({}, created_at, updated_at) \
         SELECT {}, CAST(?2 AS TEXT), CAST(?2 AS TEXT) \
         FROM json_each(?1) AS j LEFT JOIN staff AS s ON s.code = j.value ->> 'owner_code' \
         WHERE NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.account_no = j.value ->> 'account_no')",
        columns.join(", "),
        values.join(", ")
    )
}

/// The customers whose tags were sent lose their old tag rows…
const CLEAR_TAGS: &str = "\
    DELETE FROM customer_tags WHERE customer_id IN ( \
        SELECT c.id FROM json_each(?1) AS j \
        JOIN customers AS c ON c.account_no = j.value ->> 'account_no' \
        WHERE j.value ->> 'tags' IS NOT NULL)";

/// …and get the ones sent.
const ADD_TAGS: &str = "\
    INSERT INTO customer_tags (tag, customer_id) \
    SELECT t.atom, c.id \
    FROM json_each(?1) AS j \
    JOIN customers AS c ON c.account_no = j.value ->> 'account_no' \
    CROSS JOIN json_each(j.value ->> 'tag_list') AS t \
    WHERE t.atom IS NOT NULL \
    ON CONFLICT DO NOTHING";

/// The search grams of names that changed go (rows keyed by the old name)…
const CLEAR_STALE_GRAMS: &str = "\
    DELETE FROM customer_name_grams WHERE customer_id IN ( \
        SELECT c.id FROM json_each(?1) AS j \
        JOIN customers AS c ON c.account_no = j.value ->> 'account_no') \
      AND name <> (SELECT c.name FROM customers AS c \
                   WHERE c.id = customer_name_grams.customer_id)";

/// …and every live customer's name has its own (a name sent again unchanged finds them
/// there; a deleted customer has none, see `store::detail::soft_delete`).
const ADD_GRAMS: &str = "\
    INSERT INTO customer_name_grams (gram, name, customer_id) \
    SELECT g.atom, c.name, c.id \
    FROM json_each(?1) AS j \
    JOIN customers AS c ON c.account_no = j.value ->> 'account_no' \
    CROSS JOIN json_each(j.value ->> 'name_grams') AS g \
    WHERE g.atom IS NOT NULL AND c.deleted_at IS NULL \
    ON CONFLICT DO NOTHING";

/// One record as a row object: only what was sent.
fn row(record: &CustomerRecord, pii_key: &[u8]) -> Value {
    let mut row = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            row.insert(key.to_owned(), value);
        }
    };
    let text = |value: &Option<String>| value.as_ref().map(|v| json!(v));
    let day = |value: &Option<chrono::NaiveDate>| value.map(|d| json!(d.to_string()));
    put("account_no", Some(json!(record.account_no)));
    put("name", Some(json!(record.name)));
    put("name_grams", Some(json!(grams(&record.name))));
    put("kind", record.kind.map(|v| json!(v)));
    put("gender", record.gender.map(|v| json!(v)));
    put("birth_date", day(&record.birth_date));
    put("mobile", text(&record.mobile));
    put("email", text(&record.email));
    put("address", text(&record.address));
    put(
        "id_number_verifier",
        record
            .id_number
            .as_ref()
            .map(|id| json!(id_verifier(pii_key, id))),
    );
    put(
        "id_number_masked",
        record
            .id_number
            .as_ref()
            .map(|id| json!(mask_id_number(id))),
    );
    put("status", record.status.map(|v| json!(v)));
    put("grade", record.grade.map(|v| json!(v)));
    put("level", record.level.map(|v| json!(v)));
    put("risk_tolerance", record.risk_tolerance.map(|v| json!(v)));
    put("open_date", day(&record.open_date));
    put("effective_date", day(&record.effective_date));
    put(
        "assessment_effective_date",
        day(&record.assessment_effective_date),
    );
    put(
        "owner_code",
        record.owner_code.as_ref().map(|c| json!(c.as_str())),
    );
    put("tags", record.tags.as_ref().map(|t| json!(t.join(","))));
    put("tag_list", record.tags.as_ref().map(|t| json!(t)));
    Value::Object(row)
}

/// Applies the customers. Run it in a transaction.
pub async fn apply(
    db: &Db,
    records: &[CustomerRecord],
    pii_key: &[u8],
    now: &str,
    report: &mut Report,
) -> Result<Applied, ApiError> {
    let rows = rows_param(records.iter().map(|r| row(r, pii_key)).collect());
    let unknown = positions(&one_row(db, UNKNOWN_OWNERS, &rows).await?, 0)?;
    if !unknown.is_empty() {
        let keys: Vec<(usize, &str)> = records
            .iter()
            .map(|r| (r.index, r.account_no.as_str()))
            .collect();
        report_at(report, &keys, &unknown, "owner_code", "unknown_reference");
        return Ok(Applied::default());
    }
    let existing = one_row(db, &existing_sql(), &rows).await?;
    let stored = count(&existing, 0)?;
    let touched: Vec<i64> = list(&existing, 1)?;

    let mut deltas = Deltas::new();
    stats::contributions(db, &touched, None, -1, &mut deltas).await?;
    left_book::by_customer_rows(db, &rows, now).await?;
    let updated = db
        .execute(&update_sql(), params![rows.as_str(), now])
        .await?;
    let created = db
        .execute(&insert_sql(), params![rows.as_str(), now])
        .await?;
    db.execute(CLEAR_TAGS, params![rows.as_str()]).await?;
    db.execute(ADD_TAGS, params![rows.as_str()]).await?;
    db.execute(CLEAR_STALE_GRAMS, params![rows.as_str()])
        .await?;
    db.execute(ADD_GRAMS, params![rows.as_str()]).await?;
    stats::contributions(db, &touched, None, 1, &mut deltas).await?;
    stats::apply(db, &deltas).await?;

    let updated = usize::try_from(updated).unwrap_or(usize::MAX);
    Ok(Applied {
        created: usize::try_from(created).unwrap_or(usize::MAX),
        updated,
        unchanged: stored.saturating_sub(updated),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_name_every_column() {
        let update = update_sql();
        for column in KEPT_UNLESS_SENT {
            assert!(
                update.contains(&format!(
                    "{column} = COALESCE(r.{column}, customers.{column})"
                )),
                "{column}"
            );
        }
        assert!(update.contains("s.unit_path AS unit_path"));
        assert!(!update.contains("'unit_path'"));
        let insert = insert_sql();
        assert!(insert.contains("COALESCE(s.unit_path, '/')"));
        assert!(insert.contains("COALESCE(j.value ->> 'status', 'existing')"));
    }

    #[test]
    fn a_row_holds_only_what_was_sent() {
        let record = CustomerRecord {
            index: 0,
            account_no: "310000000001".into(),
            name: "张三".into(),
            kind: None,
            gender: None,
            birth_date: None,
            mobile: Some("13812345678".into()),
            email: None,
            address: None,
            id_number: Some("31010119800506001X".into()),
            status: None,
            grade: None,
            level: None,
            risk_tolerance: None,
            open_date: chrono::NaiveDate::from_ymd_opt(2007, 9, 11),
            effective_date: None,
            assessment_effective_date: None,
            tags: Some(vec!["高净值".into(), "两融".into()]),
            owner_code: None,
        };
        let row = row(&record, b"key");
        let mut keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "account_no",
                "id_number_masked",
                "id_number_verifier",
                "mobile",
                "name",
                "name_grams",
                "open_date",
                "tag_list",
                "tags"
            ]
        );
        assert_eq!(row["id_number_masked"], "310101********001X");
        assert_eq!(row["tags"], "高净值,两融");
        assert_eq!(row["open_date"], "2007-09-11");
    }
}
