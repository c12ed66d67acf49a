//! CHECKIN-1..3 and the ORG-4 scope of check-ins through the built components.

use crate::common::*;
use serde_json::json;

#[test]
fn one_check_in_a_day_made_at_sign_in_or_by_hand() {
    let app = app();
    let session = ready(&app, A0001);
    let user = as_user(&app, &session);
    let today = china_day(&app, 0);

    // The sign-in already checked in: an explicit call answers the same day's record.
    let again = user.post_json("/api/checkins", &json!({"channel": "mobile"}));
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.value()["created"], false);
    assert_eq!(again.value()["checkin"]["date"], today);
    assert_eq!(again.value()["checkin"]["source"], "sign_in");

    // Without it, the explicit call makes the day's check-in, with the location.
    sql(&app, "DELETE FROM checkins WHERE staff_code = 'A0001'");
    let made = user.post_json(
        "/api/checkins",
        &json!({"channel": "mobile", "lat": 31.2304, "lng": 121.4737, "address": "上海市黄浦区四川南路"}),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    let v = made.value();
    assert_eq!(v["created"], true);
    assert_eq!(v["checkin"]["channel"], "mobile");
    assert_eq!(v["checkin"]["source"], "explicit");
    assert_eq!(v["checkin"]["lat"], 31.2304);
    assert_eq!(v["checkin"]["address"], "上海市黄浦区四川南路");
    assert_eq!(v["message"], "签到成功");
    let twice = user.post("/api/checkins", "application/json", Vec::new());
    assert_eq!(twice.status, 200);
    assert_eq!(twice.value()["created"], false);
    assert_eq!(
        sql_value(
            &app,
            "SELECT COUNT(*) FROM checkins WHERE staff_code = 'A0001'"
        ),
        json!(1)
    );

    // Concurrent calls still make one.
    sql(&app, "DELETE FROM checkins WHERE staff_code = 'A0001'");
    let created: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let user = user.clone();
                scope.spawn(move || user.post_json("/api/checkins", &json!({})).status)
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|s| *s == 201)
            .count()
    });
    assert_eq!(created, 1);

    // Bad input.
    for (body, field) in [
        (json!({"lat": 31.2}), "lng"),
        (json!({"lat": 91.0, "lng": 0.0}), "lat"),
        (json!({"lat": 0.0, "lng": 181.0}), "lng"),
        (json!({"channel": "tablet"}), "channel"),
        (
            json!({"address": "x".repeat(201), "lat": 1.0, "lng": 1.0}),
            "address",
        ),
    ] {
        let r = user.post_json("/api/checkins", &body);
        assert_problem(&r, 422, "validation_failed");
        assert_eq!(r.value()["errors"][0]["field"], field, "{body}");
    }
    assert_problem(
        &user.post("/api/checkins", "application/json", b"{".to_vec()),
        400,
        "validation_failed",
    );
    assert_problem(
        &app.client().post_json("/api/checkins", &json!({})),
        401,
        "unauthorized",
    );
    assert_problem(&user.delete("/api/checkins"), 405, "method_not_allowed");
}

#[test]
fn the_month_view_counts_days_in_and_days_missed() {
    let app = app();
    let user = as_user(&app, &ready(&app, A0001));
    let today = china_day(&app, 0);
    let month = &today[..7];

    let view = user.get(&format!("/api/checkins?month={month}"));
    assert_eq!(view.status, 200, "{}", view.text());
    let v = view.value();
    assert_eq!(v["code"], "A0001");
    assert_eq!(v["month"], month);
    assert_eq!(v["days_checked_in"], 1);
    let day = v["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == today)
        .unwrap()
        .clone();
    assert_eq!(day["status"], "checked_in");
    // Every workday before today is missed.
    let missed = v["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == "missed")
        .count() as i64;
    assert_eq!(v["days_missed"], missed);

    // A month in the past, with two check-ins stored on workdays: 2026-10-08 (Thu) and
    // 2026-10-09 (Fri); October 2026 has 22 workdays.
    sql(
        &app,
        "INSERT INTO checkins (staff_code, day, checked_in_at, channel, source)
               VALUES ('A0001', '2026-10-08', '2026-10-08T00:30:00Z', 'mobile', 'explicit'),
                      ('A0001', '2026-10-09', '2026-10-09T00:30:00Z', 'desktop', 'sign_in')",
    );
    let october = user.get("/api/checkins?month=2026-10").value();
    assert_eq!(october["days_checked_in"], 2);
    assert_eq!(october["days_missed"], 20);
    assert_eq!(october["workdays_due"], 22);
    assert_eq!(october["attendance_rate"], "0.0909");
    assert_eq!(october["checkins"].as_array().unwrap().len(), 2);

    for bad in ["2026-13", "2026-1", "abc", "2026-10-01"] {
        assert_problem(
            &user.get(&format!("/api/checkins?month={bad}")),
            422,
            "validation_failed",
        );
    }
}

#[test]
fn leads_see_their_team_and_reps_only_themselves() {
    let app = app();
    let rep = as_user(&app, &ready(&app, A0001));
    let lead = as_user(&app, &ready(&app, LEAD));

    // Reps: no team view, no one else's month.
    assert_problem(&rep.get("/api/checkins/team"), 403, "forbidden");
    assert_problem(&rep.get("/api/checkins?code=A0002"), 403, "forbidden");
    assert_problem(&rep.get("/api/checkins?code=A0003"), 403, "forbidden");
    assert_eq!(rep.get("/api/checkins?code=a0001").status, 200);

    // The lead's team: A0001 and the lead signed in today, A0002 did not.
    let team = lead.get("/api/checkins/team");
    assert_eq!(team.status, 200, "{}", team.text());
    let v = team.value();
    assert_eq!(v["unit"]["name"], "四川南路财富一组");
    assert_eq!(v["members_total"], 3);
    assert_eq!(v["checked_in"], 2);
    assert_eq!(v["not_checked_in"], 1);
    assert_eq!(v["total"], 3);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items[0]["code"], "A0002", "not checked in comes first");
    assert_eq!(items[0]["checked_in"], false);
    let a0001 = items.iter().find(|m| m["code"] == "A0001").unwrap();
    assert_eq!(a0001["checked_in"], true);
    assert!(a0001["month_checkins"].as_i64().unwrap() <= 1);
    assert!(items.iter().all(|m| m["code"] != "A0003"));

    // A member's month, within the team only.
    assert_eq!(lead.get("/api/checkins?code=A0002").status, 200);
    assert_problem(&lead.get("/api/checkins?code=A0003"), 403, "forbidden");
    assert_problem(&lead.get("/api/checkins/team?unit=9"), 403, "forbidden");
    assert_problem(
        &lead.get("/api/checkins/team?date=2999-01-01"),
        422,
        "validation_failed",
    );
    assert_problem(
        &lead.get("/api/checkins/team?date=yesterday"),
        422,
        "validation_failed",
    );

    // The branch manager sees both teams of the branch, not another branch.
    let manager = as_user(&app, &ready(&app, MANAGER));
    let second_team = manager.get("/api/checkins/team?unit=9");
    assert_eq!(second_team.status, 200, "{}", second_team.text());
    assert_eq!(second_team.value()["items"][0]["code"], "A0003");
    let branch = manager.get("/api/checkins/team").value();
    assert_eq!(branch["members_total"], 5);
    assert_problem(&manager.get("/api/checkins/team?unit=11"), 403, "forbidden");

    // Pages.
    let paged = manager.get("/api/checkins/team?page=2&page_size=2").value();
    assert_eq!(paged["page"], 2);
    assert_eq!(paged["items"].as_array().unwrap().len(), 2);
    assert_eq!(paged["total"], 5);
}

#[test]
fn the_team_view_counts_the_workdays_of_the_month_up_to_the_day() {
    let app = app();
    let lead = as_user(&app, &ready(&app, LEAD));
    // A0001 in October 2026: Thu 8th, Sat 10th (a weekend: not counted), Mon 12th, and
    // days outside 1st..12th that must not count either.
    sql(
        &app,
        "INSERT INTO checkins (staff_code, day, checked_in_at, channel, source)
               VALUES ('A0001', '2026-09-30', '2026-09-30T00:30:00Z', 'mobile', 'explicit'),
                      ('A0001', '2026-10-08', '2026-10-08T00:30:00Z', 'mobile', 'explicit'),
                      ('A0001', '2026-10-10', '2026-10-10T00:30:00Z', 'mobile', 'explicit'),
                      ('A0001', '2026-10-12', '2026-10-12T00:30:00Z', 'desktop', 'sign_in'),
                      ('A0001', '2026-10-13', '2026-10-13T00:30:00Z', 'mobile', 'explicit')",
    );
    let team = lead.get("/api/checkins/team?date=2026-10-12");
    assert_eq!(team.status, 200, "{}", team.text());
    let v = team.value();
    assert_eq!(v["date"], "2026-10-12");
    assert_eq!(v["members_total"], 3);
    assert_eq!(v["checked_in"], 1);
    assert_eq!(v["not_checked_in"], 2);
    let items = v["items"].as_array().unwrap();
    let codes: Vec<_> = items.iter().map(|m| m["code"].clone()).collect();
    assert_eq!(codes, [json!(LEAD.code), json!("A0002"), json!("A0001")]);
    let a0001 = &items[2];
    assert_eq!(a0001["checked_in"], true);
    assert_eq!(a0001["checked_in_at"], "2026-10-12T00:30:00Z");
    assert_eq!(a0001["channel"], "desktop");
    // Workdays 1st..9th (7) and the 12th, checked in: 8 due, 2 of them checked in.
    assert_eq!(a0001["month_checkins"], 2);
    assert_eq!(a0001["month_workdays_due"], 8);
    assert_eq!(a0001["month_rate"], "0.2500");
    let a0002 = &items[1];
    assert_eq!(a0002["checked_in"], false);
    assert_eq!(a0002["checked_in_at"], json!(null));
    assert_eq!(a0002["month_checkins"], 0);
    assert_eq!(a0002["month_workdays_due"], 7);
    assert_eq!(a0002["month_rate"], "0.0000");

    // A month's first day on a weekend: nothing is due yet.
    let sunday = lead.get("/api/checkins/team?date=2026-11-01").value();
    assert!(
        sunday["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["month_checkins"] == 0
                && m["month_workdays_due"] == 0
                && m["month_rate"].is_null()),
        "{sunday}"
    );
}
