//! What the home page (个人主页, HOME-2/3) reads besides the HOME-1 figures: the
//! profile card, the followed customers and the caller's recent work. Each is one
//! indexed query over the caller's own rows; the followed customers are
//! `follows::followed`'s first page. The approvals waiting for the caller (待办) come
//! from the approvals engine (`zhanye_approvals::store::todo`).

use serde::Serialize;
use zhanye_platform::{ApiError, Db, params};
use zhanye_staff::org::path_ids;

/// HOME-2 个人信息 as stored.
#[derive(Debug, Clone)]
pub struct Profile {
    pub code: String,
    pub name: String,
    /// 所属: the branch (营业部), or the unit itself above branch level.
    pub branch_name: String,
    pub unit_name: String,
    pub unit_path: String,
    pub position: String,
    pub roles: String,
    pub status: String,
    pub gender: Option<String>,
    pub birth_date: String,
    pub mobile: String,
    pub email: Option<String>,
}

pub async fn profile(db: &Db, code: &str) -> Result<Option<Profile>, ApiError> {
    let Some(row) = db
        .query_row(
            "SELECT s.code, s.name, s.unit_path, s.position, s.roles, s.status, s.gender, \
                    s.birth_date, s.mobile, s.email, u.name AS unit_name \
             FROM staff AS s JOIN org_units AS u ON u.id = s.unit_id WHERE s.code = ?1",
            params![code],
        )
        .await?
    else {
        return Ok(None);
    };
    let unit_path: String = row.get("unit_path")?;
    let unit_name: String = row.get("unit_name")?;
    let ids = serde_json::to_string(&path_ids(&unit_path)).unwrap_or_default();
    let branch_name: Option<String> = db
        .query_value(
            "SELECT name FROM org_units WHERE kind = 'branch' AND id IN (SELECT CAST(atom AS BIGINT) FROM json_each(?1))",
            params![ids],
        )
        .await?;
    Ok(Some(Profile {
        code: row.get("code")?,
        name: row.get("name")?,
        branch_name: branch_name.unwrap_or_else(|| unit_name.clone()),
        unit_name,
        unit_path,
        position: row.get("position")?,
        roles: row.get("roles")?,
        status: row.get("status")?,
        gender: row.get("gender")?,
        birth_date: row.get("birth_date")?,
        mobile: row.get("mobile")?,
        email: row.get("email")?,
    }))
}

/// One item of recent work (历史工作): a contact the caller recorded.
#[derive(Debug, Clone, Serialize)]
pub struct RecentWork {
    pub kind: &'static str,
    pub customer_id: i64,
    pub customer_name: String,
    pub at: String,
    pub topic: String,
}

pub async fn recent_contacts(db: &Db, code: &str, limit: i64) -> Result<Vec<RecentWork>, ApiError> {
    let rows = db
        .query(
            "SELECT r.customer_id, c.name, r.contacted_at, r.topic \
             FROM contact_records AS r JOIN customers AS c ON c.id = r.customer_id \
             WHERE r.staff_code = ?1 ORDER BY r.month DESC, r.contacted_at DESC LIMIT ?2",
            params![code, limit],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(RecentWork {
                kind: "contact",
                customer_id: row.get_at(0)?,
                customer_name: row.get_at(1)?,
                at: row.get_at(2)?,
                topic: row.get_at(3)?,
            })
        })
        .collect()
}

/// Alerts (预警) raised for the caller and not yet acknowledged.
pub async fn unread_alerts(db: &Db, code: &str) -> Result<i64, ApiError> {
    Ok(db
        .query_value(
            "SELECT COUNT(*) FROM customer_alerts WHERE staff_code = ?1 AND read_at IS NULL",
            params![code],
        )
        .await?
        .unwrap_or(0))
}
