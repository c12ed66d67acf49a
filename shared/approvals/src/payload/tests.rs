use super::*;
use serde_json::json;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

fn refusals(kind: Kind, payload: Value) -> Vec<(String, String)> {
    Payload::parse(kind, &payload, today())
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.reason))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, r)| ((*f).to_owned(), (*r).to_owned()))
        .collect()
}

#[test]
fn a_development_book_as_filed() {
    let book = Payload::parse(
        Kind::Development,
        &json!({"prospect_id": 7, "goal": " 开户并转入 50 万 ", "deadline": "2026-06-30",
                "method": "上门拜访", "needs": "两融咨询"}),
        today(),
    )
    .unwrap();
    assert_eq!(
        book,
        Payload::Development(DevelopmentBook {
            prospect_id: 7,
            goal: "开户并转入 50 万".into(),
            deadline: "2026-06-30".into(),
            method: "上门拜访".into(),
            needs: "两融咨询".into(),
        })
    );
    assert_eq!(book.prospect_id(), Some(7));
    assert_eq!(book.title(Some("王先生")), "客户开发任务书：王先生");
    let stored = book.to_json().to_string();
    assert_eq!(Payload::from_stored(Kind::Development, &stored), Some(book));
}

#[test]
fn bad_forms_name_each_field() {
    let long = "长".repeat(501);
    // (kind, payload, refusals)
    type Case<'a> = (Kind, Value, Vec<(&'a str, &'a str)>);
    let table: Vec<Case<'_>> = vec![
        (
            Kind::Development,
            json!({}),
            vec![
                ("payload.prospect_id", "required"),
                ("payload.goal", "required"),
                ("payload.deadline", "required"),
                ("payload.method", "required"),
                ("payload.needs", "required"),
            ],
        ),
        (
            Kind::Development,
            json!({"prospect_id": "7", "goal": long, "deadline": "2026-03-09",
                   "method": 1, "needs": " ", "extra": true}),
            vec![
                ("payload.prospect_id", "invalid_type"),
                ("payload.goal", "too_long"),
                ("payload.deadline", "out_of_range"),
                ("payload.method", "invalid_type"),
                ("payload.needs", "required"),
                ("payload.extra", "unknown_field"),
            ],
        ),
        (
            Kind::Development,
            json!({"prospect_id": 0, "goal": "g", "deadline": "2027-03-12", "method": "m", "needs": "n"}),
            vec![
                ("payload.prospect_id", "invalid"),
                ("payload.deadline", "out_of_range"),
            ],
        ),
        (
            Kind::NewCustomer,
            json!({"prospect_id": -1, "account_no": "1".repeat(33)}),
            vec![
                ("payload.prospect_id", "invalid"),
                ("payload.account_no", "too_long"),
            ],
        ),
        (
            Kind::Expense,
            json!({"reason": "客户拜访", "time": "2026-3-1", "target": "王总", "use": "交通",
                   "amount": 120.5}),
            vec![
                ("payload.time", "invalid_format"),
                ("payload.amount", "invalid_type"),
            ],
        ),
        (
            Kind::Expense,
            json!({"reason": "r", "time": "1999-12-31", "target": "t", "use": "u", "amount": "0"}),
            vec![
                ("payload.time", "out_of_range"),
                ("payload.amount", "out_of_range"),
            ],
        ),
        (
            Kind::Expense,
            json!({"reason": "r", "time": "2026-03-01", "target": "t", "use": "u", "amount": "-5.00"}),
            vec![("payload.amount", "out_of_range")],
        ),
        (
            Kind::Expense,
            json!({"reason": "r", "time": "2026-03-01", "target": "t", "use": "u", "amount": "1.005"}),
            vec![("payload.amount", "invalid_format")],
        ),
        (
            Kind::Expense,
            json!({"reason": "r", "time": "2026-03-01", "target": "t", "use": "u", "amount": "10000000.01"}),
            vec![("payload.amount", "out_of_range")],
        ),
        (
            Kind::Expense,
            json!({"reason": "r", "time": "2026-03-01", "target": "t", "use": "u", "amount": "1e3"}),
            vec![("payload.amount", "invalid_format")],
        ),
        (
            Kind::Collaboration,
            json!({"problem": null, "needs": "n", "proposal": ["x"]}),
            vec![
                ("payload.problem", "required"),
                ("payload.proposal", "invalid_type"),
            ],
        ),
    ];
    for (i, (kind, payload, expected)) in table.into_iter().enumerate() {
        assert_eq!(refusals(kind, payload), pairs(&expected), "row {i}");
    }
    for not_an_object in [json!([]), json!("x"), json!(1)] {
        assert_eq!(
            refusals(Kind::Expense, not_an_object),
            pairs(&[("payload", "invalid_type")])
        );
    }
    assert_eq!(
        refusals(Kind::Expense, Value::Null),
        pairs(&[("payload", "required")])
    );
}

#[test]
fn expenses_collaborations_and_transfers() {
    let expense = Payload::parse(
        Kind::Expense,
        &json!({"reason": "客户开发", "time": "2026-03-01", "target": "某科技公司",
                "use": "交通与资料", "amount": "1280.5"}),
        today(),
    )
    .unwrap();
    assert_eq!(
        expense.to_json(),
        json!({"reason": "客户开发", "time": "2026-03-01", "target": "某科技公司",
               "use": "交通与资料", "amount": "1280.50"})
    );
    assert_eq!(expense.title(None), "费用申请：客户开发（1280.50 元）");
    let stored = expense.to_json().to_string();
    assert_eq!(Payload::from_stored(Kind::Expense, &stored), Some(expense));
    assert_eq!(Payload::from_stored(Kind::Development, &stored), None);

    let help = Payload::parse(
        Kind::Collaboration,
        &json!({"problem": "机构客户需要定制化的量化产品方案，团队内部缺少相应的研究支持和数据", "needs": "研究所支持"}),
        today(),
    )
    .unwrap();
    assert_eq!(
        help.title(None),
        "业务协作申请：机构客户需要定制化的量化产品方案，团队内部缺少相应的研究支持…"
    );
    assert_eq!(help.to_json()["proposal"], "");

    let transfer = Payload::parse(
        Kind::CustomerTransfer,
        &json!({"reason": "客户迁居", "suggested_code": ""}),
        today(),
    )
    .unwrap();
    assert_eq!(
        transfer,
        Payload::CustomerTransfer(TransferRequest {
            reason: "客户迁居".into(),
            suggested_code: None,
        })
    );
    assert_eq!(transfer.title(Some("张三")), "客户转让：张三");
    assert_eq!(transfer.prospect_id(), None);
}
