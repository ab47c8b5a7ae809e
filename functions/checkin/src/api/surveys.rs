//! Surveys an agency addresses to enterprises (by industry and division prefix),
//! shown on the landing while open, answered once per enterprise, counted per choice.

use super::SCOPE_AGENCY;
use super::dto::parse_time;
use super::error::CheckinError;
use super::who::{ENTERPRISE_ROLES, enterprise_user};
use crate::store::register as rstore;
use crate::store::surveys::{self as sstore, Question, Survey};
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::openapi::{Caller, Content, Link, Operation, Param, Reply, schema};
use yingshang_core::security::Principal;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::ids::{is_ulid, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// `POST /surveys`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyBody {
    /// Its title (1-100 characters).
    title: String,
    /// 1-30 questions of 2-10 choices.
    questions: Vec<Question>,
    /// Industry-code prefix of its audience (empty: all).
    #[serde(default)]
    industry_prefix: String,
    /// Division-code prefix of its audience (empty: all).
    #[serde(default)]
    division_prefix: String,
    /// When it opens (RFC 3339).
    opens_at: String,
    /// When it closes (RFC 3339).
    closes_at: String,
}

/// The survey in the path.
const SURVEY_ID: Param = Param::path(
    "id",
    "The survey's id (a ULID). 问卷编号。",
    schema::<String>,
);

/// `POST /surveys`'s description.
pub const CREATE_DOC: Operation = Operation {
    id: "createSurvey",
    summary: "An agency addresses a survey to enterprises (by industry and division)",
    description: "机关向企业发布问卷（按行业代码、区划代码前缀确定范围），开放期间在扫码页展示。",
    caller: Caller::Agency(SCOPE_AGENCY),
    body: Content::Json(schema::<SurveyBody>),
    body_example: Some(
        r#"{"title": "2026 年涉企检查满意度调查",
            "questions": [{"text": "今年以来，执法人员入企检查前是否都已扫码？", "choices": ["都已扫码", "部分未扫码"]}],
            "opens_at": "2026-11-01T00:00:00+08:00", "closes_at": "2027-01-31T00:00:00+08:00"}"#,
    ),
    replies: &[Reply::json(201, "The survey", schema::<Survey>)],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (403, &["CHECKIN_OFFICERS_ONLY"]),
    ],
    links: &[
        Link {
            status: 201,
            name: "GetResults",
            operation_id: "getSurveyResults",
            parameters: &[("id", "$response.body#/id")],
        },
        Link {
            status: 201,
            name: "Answer",
            operation_id: "answerSurvey",
            parameters: &[("id", "$response.body#/id")],
        },
    ],
    ..Operation::NEW
};

/// `POST /surveys/{id}/answers`'s description.
pub const ANSWER_DOC: Operation = Operation {
    id: "answerSurvey",
    summary: "An enterprise of the audience answers an open survey, once",
    description: "企业填写面向本企业、开放中的问卷（每题一个选项序号，从 0 起），每家企业一次。",
    caller: Caller::Users(ENTERPRISE_ROLES),
    params: &[SURVEY_ID],
    body: Content::Json(schema::<AnswerBody>),
    body_example: Some(r#"{"answers": [0, 1]}"#),
    replies: &[Reply::json(201, "Answered", schema::<AnswerView>)],
    problems: &[
        (400, &["CHECKIN_FIELD_INVALID"]),
        (
            404,
            &["CHECKIN_SURVEY_NOT_FOUND", "CHECKIN_ENTERPRISE_NOT_FOUND"],
        ),
        (409, &["CHECKIN_SURVEY_ALREADY_ANSWERED"]),
    ],
    ..Operation::NEW
};

/// `GET /surveys/{id}/results`'s description.
pub const RESULTS_DOC: Operation = Operation {
    id: "getSurveyResults",
    summary: "A survey's counts per choice (the asking agency; no enterprises named)",
    description: "发布问卷的机关查询结果：各选项人数，不含企业信息。",
    caller: Caller::Agency(SCOPE_AGENCY),
    params: &[SURVEY_ID],
    replies: &[Reply::json(200, "The results", schema::<Results>)],
    problems: &[(404, &["CHECKIN_SURVEY_NOT_FOUND"])],
    ..Operation::NEW
};

fn field(field: &'static str, zh: &'static str, en: &'static str) -> Failure {
    CheckinError::Field { field, zh, en }.into()
}

fn short(t: &str, max: usize) -> bool {
    let n = t.trim().chars().count();
    n > 0 && n <= max && !t.chars().any(char::is_control)
}

/// `POST /surveys` (agency key `checkin:agency`).
pub async fn create(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_AGENCY).await?;
    let Principal::Agency(a) = &caller else {
        return Err(CheckinError::OfficersOnly.into());
    };
    let (parts, body) = req.into_parts();
    let b: SurveyBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    if !short(&b.title, 100) {
        return Err(field("title", "须为 1–100 字", "must be 1–100 characters"));
    }
    let questions_ok = (1..=30).contains(&b.questions.len())
        && b.questions.iter().all(|q| {
            short(&q.text, 200)
                && (2..=10).contains(&q.choices.len())
                && q.choices.iter().all(|c| short(c, 50))
        });
    if !questions_ok {
        return Err(field(
            "questions",
            "须为 1–30 题，每题 2–10 个选项",
            "must be 1–30 questions of 2–10 choices",
        ));
    }
    let prefix_ok =
        |p: &str, max: usize| p.len() <= max && p.bytes().all(|b| b.is_ascii_alphanumeric());
    if !prefix_ok(&b.industry_prefix, 5) || !prefix_ok(&b.division_prefix, 6) {
        return Err(field(
            "industry_prefix",
            "前缀须为行业代码或区划代码的开头",
            "prefixes must begin an industry or division code",
        ));
    }
    let opens = parse_time(&b.opens_at, "opens_at")?;
    let closes = parse_time(&b.closes_at, "closes_at")?;
    if closes <= opens {
        return Err(field(
            "closes_at",
            "须晚于 opens_at",
            "must be after opens_at",
        ));
    }
    let s = Survey {
        id: ulid(ctx.now),
        agency: a.agency.as_str().to_owned(),
        title: b.title.trim().to_owned(),
        questions: b.questions,
        industry_prefix: b.industry_prefix,
        division_prefix: b.division_prefix,
        opens_ms: unix_ms(opens),
        closes_ms: unix_ms(closes),
    };
    sstore::insert(db, &s, unix_ms(ctx.now))
        .await
        .map_err(|e| ctx.internal("storing a survey", e))?;
    Ok(json(ctx, 201, &s))
}

/// `POST /surveys/{id}/answers`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// One choice index (from 0) per question.
    answers: Vec<usize>,
}

/// An answer as recorded.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AnswerView {
    /// The survey.
    survey: String,
    /// The choices.
    answers: Vec<usize>,
}

async fn load(ctx: &RequestContext, db: &Db, id: &str) -> Result<Survey, Failure> {
    if !is_ulid(id) {
        return Err(CheckinError::SurveyNotFound.into());
    }
    sstore::by_id(db, id)
        .await
        .map_err(|e| ctx.internal("loading a survey", e))?
        .ok_or_else(|| CheckinError::SurveyNotFound.into())
}

/// `POST /surveys/{id}/answers`: an enterprise of the audience, while open, once.
pub async fn answer(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let (_, cc) = enterprise_user(ctx, db, req.headers()).await?;
    let (parts, body) = req.into_parts();
    let b: AnswerBody = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let s = load(ctx, db, id).await?;
    let e = rstore::enterprise(db, cc.as_str())
        .await
        .map_err(|e| ctx.internal("loading an enterprise", e))?
        .ok_or(CheckinError::EnterpriseNotFound)?
        .enterprise;
    let now = unix_ms(ctx.now);
    let audience = e.industry_code.starts_with(&s.industry_prefix)
        && e.division_code.starts_with(&s.division_prefix);
    if !audience || now < s.opens_ms || now >= s.closes_ms {
        return Err(CheckinError::SurveyNotFound.into());
    }
    let fits = b.answers.len() == s.questions.len()
        && b.answers
            .iter()
            .zip(&s.questions)
            .all(|(a, q)| *a < q.choices.len());
    if !fits {
        return Err(field(
            "answers",
            "须为每题一个选项序号（从 0 起）",
            "must hold one choice index (from 0) per question",
        ));
    }
    let fresh = sstore::answer(db, id, cc.as_str(), &b.answers, now)
        .await
        .map_err(|e| ctx.internal("storing an answer", e))?;
    if !fresh {
        return Err(CheckinError::AlreadyAnswered.into());
    }
    Ok(json(
        ctx,
        201,
        &AnswerView {
            survey: id.to_owned(),
            answers: b.answers,
        },
    ))
}

/// A survey's results.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Results {
    survey: String,
    title: String,
    respondents: usize,
    questions: Vec<QuestionResult>,
}

/// One question's counts: `[choice, count]` pairs.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct QuestionResult {
    text: String,
    choices: Vec<(String, usize)>,
}

/// `GET /surveys/{id}/results`: the asking agency's key (counts only, no enterprises).
pub async fn results(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_AGENCY).await?;
    let s = load(ctx, db, id).await?;
    let own = matches!(&caller, Principal::Agency(a) if a.agency.as_str() == s.agency || a.agency.as_str() == "bootstrap");
    if !own {
        return Err(CheckinError::SurveyNotFound.into());
    }
    let all = sstore::answers(db, id)
        .await
        .map_err(|e| ctx.internal("loading answers", e))?;
    let questions = s
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionResult {
            text: q.text.clone(),
            choices: q
                .choices
                .iter()
                .enumerate()
                .map(|(c, name)| {
                    (
                        name.clone(),
                        all.iter().filter(|a| a.get(i) == Some(&c)).count(),
                    )
                })
                .collect(),
        })
        .collect();
    Ok(json(
        ctx,
        200,
        &Results {
            survey: s.id,
            title: s.title,
            respondents: all.len(),
            questions,
        },
    ))
}
