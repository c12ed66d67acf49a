//! 考核方案: `GET /api/assessments/schemes?month=` (every signed-in staff member: all
//! schemes, or those in force in `month`) and `POST /api/assessments/schemes` (HQ: a
//! rank's scheme from a month on, checked by `SchemeRules::check`; audited).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use zhanye_assessment::store::schemes::{self, Scheme};
use zhanye_assessment::{Rank, SchemeRules};
use zhanye_platform::Request;
use zhanye_platform::json::{self, read_json};
use zhanye_platform::problem::reason;
use zhanye_platform::{ApiError, ApiResult, Lang, Localized, QueryParams, Reply, RequestContext};

use crate::access::{AssessmentAccess, BODY_LIMIT, parse_month};

/// The longest scheme name, in characters.
const NAME_MAX_CHARS: usize = 64;

#[derive(Serialize)]
struct SchemeView {
    #[serde(flatten)]
    scheme: Scheme,
    rank_label: &'static str,
}

impl SchemeView {
    fn of(scheme: Scheme, lang: Lang) -> SchemeView {
        let (zh, en) = scheme.rank.labels();
        SchemeView {
            scheme,
            rank_label: lang.pick(zh, en),
        }
    }
}

#[derive(Serialize)]
struct SchemeList {
    month: Option<String>,
    items: Vec<SchemeView>,
}

pub async fn list(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    let params = QueryParams::from_uri(request.uri());
    let month = match params.get_non_empty("month") {
        None => None,
        Some(text) => Some(
            parse_month(text)
                .ok_or_else(|| ApiError::invalid_field("month", reason::INVALID_FORMAT))?,
        ),
    };
    let found = match month {
        Some(month) => schemes::for_month(&ctx.db, month).await?,
        None => schemes::all(&ctx.db).await?,
    };
    json::ok(&SchemeList {
        month: month.map(|m| m.to_string()),
        items: found
            .into_iter()
            .map(|s| SchemeView::of(s, ctx.lang))
            .collect(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewScheme {
    rank: String,
    valid_from: String,
    name: String,
    /// Read on its own, so that any fault in it is a refusal on `rules`.
    rules: Value,
}

pub async fn save(request: Request) -> ApiResult<Reply> {
    let ctx = RequestContext::new(&request).await?;
    ctx.require_hq()?;
    let body: NewScheme = read_json(request, BODY_LIMIT).await?;
    let rank = Rank::parse(body.rank.trim())
        .ok_or_else(|| ApiError::invalid_field("rank", reason::INVALID))?;
    let valid_from = parse_month(&body.valid_from)
        .ok_or_else(|| ApiError::invalid_field("valid_from", reason::INVALID_FORMAT))?;
    let name = body.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid_field("name", reason::REQUIRED));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(ApiError::invalid_field("name", reason::TOO_LONG));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::invalid_field("name", reason::INVALID_CHARACTERS));
    }
    if zhanye_platform::text::has_misleading_character(name) {
        return Err(ApiError::invalid_field(
            "name",
            reason::MISLEADING_CHARACTER,
        ));
    }
    let rules: SchemeRules = serde_json::from_value(body.rules).map_err(|e| {
        ApiError::invalid_field("rules", reason::INVALID)
            .with_detail(Localized::new(
                "考核方案规则的格式不正确。",
                "The scheme's rules are not in the expected form.",
            ))
            .with_cause(e)
    })?;
    let problems = rules.check();
    if !problems.is_empty() {
        let reasons: Vec<(String, String)> = problems.iter().map(|p| p.reason()).collect();
        let zh: Vec<&str> = reasons.iter().map(|(zh, _)| zh.as_str()).collect();
        let en: Vec<&str> = reasons.iter().map(|(_, en)| en.as_str()).collect();
        let listed: Vec<&str> = reasons
            .iter()
            .map(|(zh, en)| ctx.lang.pick(zh, en))
            .collect();
        return Err(ApiError::invalid_field("rules", reason::INVALID)
            .with_detail(Localized::new(zh.join(""), en.join(" ")))
            .with_extension("reasons", json!(listed)));
    }
    let now = ctx.stamp();
    let id = ctx
        .db
        .transaction(async |tx| {
            let id = schemes::save(
                tx,
                rank,
                valid_from,
                name,
                &rules,
                &ctx.principal().code,
                &now,
            )
            .await?;
            let detail = json!({
                "rank": rank.key(),
                "valid_from": valid_from.to_string(),
                "name": name,
            });
            tx.audit(
                &ctx.principal().code,
                "assessment.scheme.save",
                Some(&id.to_string()),
                Some(&detail.to_string()),
            )
            .await?;
            Ok(id)
        })
        .await?;
    let saved = schemes::all(&ctx.db)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ApiError::internal("a saved scheme is not found"))?;
    json::created(&SchemeView::of(saved, ctx.lang))
}
