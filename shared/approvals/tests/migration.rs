//! Migration 0007 moves the ORG-5 transfer requests filed before it into the engine:
//! each becomes a `customer_transfer` request of one step (the branch manager of the
//! customer's branch) with its history, and `customer_transfers` goes.

use rusqlite::Connection;

fn before_0007() -> Connection {
    let db = Connection::open_in_memory().unwrap();
    for script in zhanye_migrations::migrations() {
        if script.version < 7 {
            db.execute_batch(script.sql).unwrap();
        }
    }
    db.execute_batch(
        "INSERT INTO org_units (id, parent_id, kind, code, name, path) VALUES
             (1, NULL, 'hq', 'HQ', '总部', '/1/'), (2, 1, 'region', 'R', '华东地区', '/1/2/'),
             (4, 2, 'branch', 'B', '上海四川南路营业部', '/1/2/4/'),
             (8, 4, 'team', 'T', '四川南路财富一组', '/1/2/4/8/');
         INSERT INTO staff (code, name, kind, unit_id, unit_path, roles, birth_date, mobile,
                            id_number_verifier, id_number_masked, created_at, updated_at) VALUES
             ('A0001', '李明', 'broker', 8, '/1/2/4/8/', 'rep', '1982-07-18', '13800000001', 'v', 'm', 't', 't'),
             ('A0002', '王芳', 'broker', 8, '/1/2/4/8/', 'rep', '1990-01-15', '13800000002', 'v', 'm', 't', 't'),
             ('0010002', '周敏', 'employee', 4, '/1/2/4/', 'branch_manager', '1975-03-03', '13800000004', 'v', 'm', 't', 't');
         INSERT INTO customers (id, account_no, name, status, owner_code, unit_path, created_at, updated_at) VALUES
             (1, '110000000001', '张三', 'existing', 'A0001', '/1/2/4/8/', 't', 't'),
             (2, '110000000002', '张伟', 'existing', 'A0002', '/1/2/4/8/', 't', 't'),
             (3, '110000000003', '李四', 'existing', 'A0001', '/1/2/4/8/', 't', 't'),
             (4, '110000000004', '王五', 'existing', 'A0001', '/1/2/4/8/', 't', 't');
         INSERT INTO customer_transfers (id, customer_id, from_code, to_code, unit_path, reason, status,
                                         requested_at, decided_by, decided_at, comment) VALUES
             (1, 1, 'A0001', 'A0002', '/1/2/4/8/', '客户迁居', 'pending', '2026-03-01T01:00:00Z', NULL, NULL, ''),
             (2, 2, 'A0001', 'A0002', '/1/2/4/8/', '工作量', 'approved', '2026-03-02T01:00:00Z', '0010002', '2026-03-02T02:00:00Z', '同意'),
             (3, 3, 'A0001', NULL, '/1/2/4/8/', '调岗', 'rejected', '2026-03-03T01:00:00Z', '0010002', '2026-03-03T02:00:00Z', '暂不调整'),
             (4, 4, 'A0001', NULL, '/1/2/4/8/', '调岗', 'withdrawn', '2026-03-04T01:00:00Z', NULL, '2026-03-04T02:00:00Z', '');",
    )
    .unwrap();
    db
}

fn rows(db: &Connection, sql: &str) -> Vec<String> {
    let mut statement = db.prepare(sql).unwrap();
    let columns = statement.column_count();
    statement
        .query_map([], |row| {
            Ok((0..columns)
                .map(|i| match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Null => "NULL".to_owned(),
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    other => format!("{other:?}"),
                })
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn transfer_requests_become_engine_requests() {
    let db = before_0007();
    let script = zhanye_migrations::migrations()
        .iter()
        .find(|s| s.version == 7)
        .unwrap();
    // Statement by statement, as both appliers run it.
    for statement in zhanye_migrations::split_statements(script.sql) {
        db.execute_batch(&statement).unwrap();
    }
    assert_eq!(
        rows(
            &db,
            "SELECT id, kind, subject_id, title, payload, IFNULL(outcome, 'NULL'), requester_code, \
                    unit_path, status, step, IFNULL(step_role, 'NULL'), IFNULL(step_unit, 'NULL'), \
                    submitted_at, updated_at, IFNULL(decided_at, 'NULL') \
             FROM approval_requests ORDER BY id"
        ),
        [
            "1|customer_transfer|1|客户转让：张三|{\"reason\":\"客户迁居\",\"suggested_code\":\"A0002\"}|NULL|A0001|/1/2/4/8/|pending|1|branch_manager|/1/2/4/|2026-03-01T01:00:00Z|2026-03-01T01:00:00Z|NULL",
            "2|customer_transfer|2|客户转让：张伟|{\"reason\":\"工作量\",\"suggested_code\":null}|{\"new_owner_code\":\"A0002\",\"new_owner_name\":\"王芳\"}|A0001|/1/2/4/8/|approved|1|NULL|NULL|2026-03-02T01:00:00Z|2026-03-02T02:00:00Z|2026-03-02T02:00:00Z",
            "3|customer_transfer|3|客户转让：李四|{\"reason\":\"调岗\",\"suggested_code\":null}|NULL|A0001|/1/2/4/8/|rejected|1|NULL|NULL|2026-03-03T01:00:00Z|2026-03-03T02:00:00Z|2026-03-03T02:00:00Z",
            "4|customer_transfer|4|客户转让：王五|{\"reason\":\"调岗\",\"suggested_code\":null}|NULL|A0001|/1/2/4/8/|withdrawn|1|NULL|NULL|2026-03-04T01:00:00Z|2026-03-04T02:00:00Z|2026-03-04T02:00:00Z",
        ]
    );
    assert_eq!(
        rows(
            &db,
            "SELECT request_id, step, role, unit_path FROM approval_steps ORDER BY request_id"
        ),
        [
            "1|1|branch_manager|/1/2/4/",
            "2|1|branch_manager|/1/2/4/",
            "3|1|branch_manager|/1/2/4/",
            "4|1|branch_manager|/1/2/4/",
        ]
    );
    assert_eq!(
        rows(
            &db,
            "SELECT request_id, IFNULL(step, 'NULL'), event, actor_code, at, comment, IFNULL(detail, 'NULL') \
             FROM approval_events ORDER BY request_id, id"
        ),
        [
            "1|NULL|submitted|A0001|2026-03-01T01:00:00Z||NULL",
            "2|NULL|submitted|A0001|2026-03-02T01:00:00Z||NULL",
            "2|1|approved|0010002|2026-03-02T02:00:00Z|同意|{\"new_owner_code\":\"A0002\"}",
            "3|NULL|submitted|A0001|2026-03-03T01:00:00Z||NULL",
            "3|1|rejected|0010002|2026-03-03T02:00:00Z|暂不调整|NULL",
            "4|NULL|submitted|A0001|2026-03-04T01:00:00Z||NULL",
            "4|NULL|withdrawn|system|2026-03-04T02:00:00Z||NULL",
        ]
    );
    assert!(
        rows(
            &db,
            "SELECT name FROM sqlite_master WHERE name LIKE 'customer_transfers%'"
        )
        .is_empty()
    );
    // The moved pending request still holds its customer: a second one is refused.
    let second = db.execute(
        "INSERT INTO approval_requests (kind, subject_id, title, payload, requester_code, unit_path, \
                                        step_role, step_unit, submitted_at, updated_at) \
         VALUES ('customer_transfer', 1, 't', '{}', 'A0001', '/1/2/4/8/', 'branch_manager', '/1/2/4/', 't', 't')",
        [],
    );
    assert!(second.is_err());
}
