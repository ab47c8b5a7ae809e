//! Surveys an agency addresses to enterprises (by industry and division prefix),
//! shown on the landing while open, answered once per enterprise, counted per choice.

use super::SCOPE_AGENCY;
use super::dto::parse_time;
use super::error::CheckinError;
use super::who::enterprise_user;
use crate::store::register as rstore;
use crate::store::surveys::{self as sstore, Question, Survey};
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use yingshang_core::security::Principal;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::ids::{is_ulid, ulid};
use yingshang_kit::responses::json;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SurveyBody {
    title: String,
    questions: Vec<Question>,
    #[serde(default)]
    industry_prefix: String,
    #[serde(default)]
    division_prefix: String,
    opens_at: String,
    closes_at: String,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
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
        &serde_json::json!({ "survey": id, "answers": b.answers }),
    ))
}

#[derive(Debug, Serialize)]
struct Results {
    survey: String,
    title: String,
    respondents: usize,
    questions: Vec<QuestionResult>,
}

#[derive(Debug, Serialize)]
struct QuestionResult {
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
