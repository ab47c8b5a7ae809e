//! Surveys agencies address to enterprises, and the enterprises' answers.

use serde::{Deserialize, Serialize};
use yingshang_kit::db::{int, text};
use yingshang_kit::{Db, DbError, Row, db::corrupt};

/// A question: its text and choices.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The question.
    pub text: String,
    /// Its choices (2–10).
    pub choices: Vec<String>,
}

/// A survey.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Survey {
    /// Id.
    pub id: String,
    /// The agency asking.
    pub agency: String,
    /// Title.
    pub title: String,
    /// Questions.
    pub questions: Vec<Question>,
    /// Industry-code prefix of its audience ('' for all).
    pub industry_prefix: String,
    /// Division-code prefix of its audience ('' for all).
    pub division_prefix: String,
    /// Opens (ms).
    pub opens_ms: i64,
    /// Closes (ms).
    pub closes_ms: i64,
}

const COLUMNS: &str =
    "id, agency, title, questions, industry_prefix, division_prefix, opens_at, closes_at";

fn survey(r: &Row) -> Result<Survey, DbError> {
    Ok(Survey {
        id: r.text(0)?,
        agency: r.text(1)?,
        title: r.text(2)?,
        questions: serde_json::from_str(&r.text(3)?).map_err(|e| corrupt("survey questions", e))?,
        industry_prefix: r.text(4)?,
        division_prefix: r.text(5)?,
        opens_ms: r.int(6)?,
        closes_ms: r.int(7)?,
    })
}

/// Records a survey.
pub async fn insert(db: &Db, s: &Survey, now_ms: i64) -> Result<(), DbError> {
    let questions = serde_json::to_string(&s.questions).map_err(|e| corrupt("questions", e))?;
    db.execute(
        "INSERT INTO checkin_surveys (id, agency, title, questions, industry_prefix, division_prefix, \
         opens_at, closes_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        vec![
            text(s.id.as_str()),
            text(s.agency.as_str()),
            text(s.title.as_str()),
            text(questions),
            text(s.industry_prefix.as_str()),
            text(s.division_prefix.as_str()),
            int(s.opens_ms),
            int(s.closes_ms),
            int(now_ms),
        ],
    )
    .await
    .map(drop)
}

/// A survey by id.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<Survey>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM checkin_surveys WHERE id = $1");
    db.query_one(&sql, vec![text(id)])
        .await?
        .map(|r| survey(&r))
        .transpose()
}

/// Surveys open at `now_ms` whose audience holds an enterprise of this industry and
/// division, newest first (at most 20).
pub async fn open_for(
    db: &Db,
    industry: &str,
    division: &str,
    now_ms: i64,
) -> Result<Vec<Survey>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM checkin_surveys WHERE opens_at <= $1 AND closes_at > $1 \
         AND substr($2, 1, length(industry_prefix)) = industry_prefix \
         AND substr($3, 1, length(division_prefix)) = division_prefix \
         ORDER BY opens_at DESC, id DESC LIMIT 20"
    );
    db.query(&sql, vec![int(now_ms), text(industry), text(division)])
        .await?
        .iter()
        .map(survey)
        .collect()
}

/// Whether the enterprise answered the survey.
pub async fn answered(db: &Db, survey: &str, enterprise: &str) -> Result<bool, DbError> {
    Ok(db
        .query_one(
            "SELECT 1 FROM checkin_survey_answers WHERE survey_id = $1 AND enterprise = $2",
            vec![text(survey), text(enterprise)],
        )
        .await?
        .is_some())
}

/// Records an answer; false when the enterprise answered first.
pub async fn answer(
    db: &Db,
    survey: &str,
    enterprise: &str,
    choices: &[usize],
    now_ms: i64,
) -> Result<bool, DbError> {
    let json = serde_json::to_string(choices).map_err(|e| corrupt("answers", e))?;
    let n = db
        .execute(
            "INSERT INTO checkin_survey_answers (survey_id, enterprise, answers, answered_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (survey_id, enterprise) DO NOTHING",
            vec![text(survey), text(enterprise), text(json), int(now_ms)],
        )
        .await?;
    Ok(n == 1)
}

/// Every answer's choices.
pub async fn answers(db: &Db, survey: &str) -> Result<Vec<Vec<usize>>, DbError> {
    db.query(
        "SELECT answers FROM checkin_survey_answers WHERE survey_id = $1",
        vec![text(survey)],
    )
    .await?
    .iter()
    .map(|r| serde_json::from_str(&r.text(0)?).map_err(|e| corrupt("answers", e)))
    .collect()
}
