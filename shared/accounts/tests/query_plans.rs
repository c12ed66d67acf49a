//! The second factor's and the session list's statements, planned by SQLite against the
//! real schema: each finds its rows through an index (or the primary key), never by
//! reading a table whole.

use zhanye_accounts::{roster, second_factor, sessions, sms_queue};
use zhanye_platform::Value;
use zhanye_query_plans::{plan, schema};

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// Asserts no step reads a table whole and some step uses `index`.
fn assert_uses(sql: &str, params: &[Value], index: &str) {
    let db = schema();
    let lines = plan(&db, sql, params);
    assert!(
        lines.iter().all(|l| !l.starts_with("SCAN ")),
        "{sql}: {lines:#?}"
    );
    assert!(lines.iter().any(|l| l.contains(index)), "{sql}: {lines:#?}");
}

#[test]
fn the_roster_reads_the_subtree_in_its_index_order() {
    let unfiltered = [
        text("/1/2/4/"),
        text("/1/2/40"),
        text(""),
        text(""),
        text(""),
        text(""),
    ];
    let searched = [
        text("/1/2/4/"),
        text("/1/2/40"),
        text("suspended"),
        text("A00"),
        text("A00\u{10FFFF}"),
        text("%张%"),
    ];
    for params in [&unfiltered, &searched] {
        assert_uses(roster::SELECT_COUNT, params, "staff_unit_path");
        let mut paged = params.to_vec();
        paged.extend([Value::Integer(20), Value::Integer(0)]);
        assert_uses(roster::SELECT_PAGE, &paged, "staff_unit_path");
        let lines = plan(&schema(), roster::SELECT_PAGE, &paged);
        assert!(
            lines.iter().all(|l| !l.contains("TEMP B-TREE")),
            "the page is read in the index's order: {lines:#?}"
        );
    }
}

#[test]
fn second_factor_statements_use_their_indexes() {
    assert_uses(
        second_factor::SELECT_ENROLMENT,
        &[text("0010002")],
        "sqlite_autoindex_second_factors_1",
    );
    assert_uses(
        second_factor::SELECT_CHALLENGE,
        &[text("digest"), Value::Integer(0)],
        "sqlite_autoindex_second_factor_challenges_1",
    );
    assert_uses(
        second_factor::DELETE_EXPIRED_CHALLENGES,
        &[Value::Integer(0)],
        "second_factor_challenges_expiry",
    );
    assert_uses(
        second_factor::DELETE_CHALLENGES_OF,
        &[text("0010002")],
        "second_factor_challenges_staff",
    );
}

#[test]
fn session_list_statements_use_their_indexes() {
    assert_uses(
        sessions::SELECT_ACTIVE,
        &[text("A0001"), Value::Integer(0)],
        "sessions_staff_active",
    );
    assert_uses(
        sessions::SELECT_ACTIVE,
        &[text("A0001"), Value::Integer(0)],
        "refresh_tokens_session",
    );
    assert_uses(
        sessions::SELECT_OWN_LIVE,
        &[text("s1"), text("A0001")],
        "sqlite_autoindex_sessions_1",
    );
    assert_uses(
        sessions::SELECT_OTHERS_LIVE,
        &[text("A0001"), text("s1")],
        "sessions_staff_active",
    );
}

#[test]
fn sms_queue_statements_use_their_indexes() {
    let now = Value::Integer(1_800_000_000);
    assert_uses(
        sms_queue::CLAIM,
        &[Value::Integer(1), now.clone(), Value::Integer(0)],
        "INTEGER PRIMARY KEY",
    );
    assert_uses(
        sms_queue::SELECT_WAITING,
        &[now.clone(), now.clone(), now.clone(), Value::Integer(10)],
        "sms_queue_waiting",
    );
    assert_uses(sms_queue::DELETE_EXPIRED, &[now], "sms_queue_waiting");
}
