//! The org tree above a unit, as approver chains are resolved against it: the team,
//! branch and HQ on the path, and the staff in normal status at those units.

use zhanye_platform::{ApiError, Db, params};
use zhanye_staff::org::path_ids;
use zhanye_staff::{Principal, Roles};

use crate::chain::OrgView;

/// The paths of the units from the root down to `unit_path`: `/1/2/4/` →
/// `["/1/", "/1/2/", "/1/2/4/"]`.
pub fn ancestor_paths(unit_path: &str) -> Vec<String> {
    let mut path = String::from("/");
    path_ids(unit_path)
        .into_iter()
        .map(|id| {
            path.push_str(&format!("{id}/"));
            path.clone()
        })
        .collect()
}

/// The org view above `unit_path` (`org_units` by primary key, `staff_unit_path`).
pub async fn view(db: &Db, unit_path: &str) -> Result<OrgView, ApiError> {
    let paths = serde_json::to_string(&ancestor_paths(unit_path)).unwrap_or_default();
    let ids = serde_json::to_string(&path_ids(unit_path)).unwrap_or_default();
    let units = db
        .query(
            "SELECT o.kind, o.path FROM json_each(?1) AS j \
             JOIN org_units AS o ON o.id = CAST(j.atom AS BIGINT)",
            params![ids],
        )
        .await?;
    let mut view = OrgView::default();
    for unit in &units {
        let path: String = unit.get("path")?;
        match unit.get::<String>("kind")?.as_str() {
            "team" => view.team = Some(path),
            "branch" => view.branch = Some(path),
            "hq" => view.hq = Some(path),
            _ => {}
        }
    }
    let staff = db
        .query(
            "SELECT s.code, s.roles, s.unit_path FROM json_each(?1) AS j \
             JOIN staff AS s ON s.unit_path = j.atom WHERE s.status = 'normal'",
            params![paths],
        )
        .await?;
    for member in &staff {
        view.staff.push(Principal::new(
            &member.get::<String>("code")?,
            Roles::from_stored(&member.get::<String>("roles")?),
            &member.get::<String>("unit_path")?,
        ));
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_units_above() {
        assert_eq!(
            ancestor_paths("/1/2/4/8/"),
            ["/1/", "/1/2/", "/1/2/4/", "/1/2/4/8/"]
        );
        assert_eq!(ancestor_paths("/"), Vec::<String>::new());
    }
}
