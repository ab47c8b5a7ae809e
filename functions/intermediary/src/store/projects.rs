//! Projects, their rounds and bids, evaluations, OCDS releases and reminders.

use serde::Serialize;
use yingshang_kit::db::{int, opt_int, opt_text, text};
use yingshang_kit::{Db, DbError, Row};

/// A project as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// Id.
    pub id: String,
    /// Its OCDS ocid.
    pub ocid: String,
    /// `enterprise:<credit code>` or `agency:<agency id>`.
    pub owner: String,
    /// The owner's name.
    pub owner_name: String,
    /// The owner's phone (never published).
    #[serde(skip)]
    pub owner_phone: String,
    /// Title.
    pub title: String,
    /// Item code.
    pub item: String,
    /// Budget cap.
    pub budget_cap_fen: i64,
    /// direct | random_draw | scoring.
    pub method: String,
    /// Scoring: the price's weight.
    pub price_weight: Option<i64>,
    /// Statutory deadline, working days from signing.
    pub statutory_working_days: i64,
    /// Contractual deadline, calendar days from signing.
    pub contractual_days: i64,
    /// The round.
    pub round: i64,
    /// Bid deadline (ms).
    pub bid_deadline_ms: i64,
    /// The draw's seed (hex): secret until the round closes.
    #[serde(skip)]
    pub seed: String,
    /// The published commitment.
    pub commitment: String,
    /// Status.
    pub status: String,
    /// The winner.
    pub winner: Option<String>,
    /// The winning price.
    pub award_price_fen: Option<i64>,
    /// The winner's total (scoring), hundredths.
    pub score_centi: Option<i64>,
    /// Valid bidders at the close (JSON array).
    pub valid_bidders: Option<String>,
    /// Signed on.
    pub signed_on: Option<String>,
    /// Statutory deadline.
    pub statutory_due: Option<String>,
    /// Contractual deadline.
    pub contractual_due: Option<String>,
    /// Delivered on.
    pub delivered_on: Option<String>,
    /// The result handed to the approval system.
    pub result_summary: Option<String>,
    /// Published (ms).
    pub published_ms: i64,
    /// Closed (ms).
    pub closed_ms: Option<i64>,
    /// Awarded (ms).
    pub awarded_ms: Option<i64>,
}

const COLUMNS: &str = "id, ocid, owner, owner_name, owner_phone, title, item, budget_cap_fen, method, \
     price_weight, statutory_working_days, contractual_days, round, bid_deadline, seed, commitment, status, \
     winner, award_price_fen, score_centi, valid_bidders, signed_on, statutory_due, contractual_due, \
     delivered_on, result_summary, published_at, closed_at, awarded_at";

fn project(r: &Row) -> Result<Project, DbError> {
    Ok(Project {
        id: r.text(0)?,
        ocid: r.text(1)?,
        owner: r.text(2)?,
        owner_name: r.text(3)?,
        owner_phone: r.text(4)?,
        title: r.text(5)?,
        item: r.text(6)?,
        budget_cap_fen: r.int(7)?,
        method: r.text(8)?,
        price_weight: r.opt_int(9)?,
        statutory_working_days: r.int(10)?,
        contractual_days: r.int(11)?,
        round: r.int(12)?,
        bid_deadline_ms: r.int(13)?,
        seed: r.text(14)?,
        commitment: r.text(15)?,
        status: r.text(16)?,
        winner: r.opt_text(17)?,
        award_price_fen: r.opt_int(18)?,
        score_centi: r.opt_int(19)?,
        valid_bidders: r.opt_text(20)?,
        signed_on: r.opt_text(21)?,
        statutory_due: r.opt_text(22)?,
        contractual_due: r.opt_text(23)?,
        delivered_on: r.opt_text(24)?,
        result_summary: r.opt_text(25)?,
        published_ms: r.int(26)?,
        closed_ms: r.opt_int(27)?,
        awarded_ms: r.opt_int(28)?,
    })
}

/// Inserts a new project (round 1, open).
pub async fn insert(db: &Db, p: &Project, now_ms: i64) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO intermediary_projects (id, ocid, owner, owner_name, owner_phone, title, item, budget_cap_fen, \
         method, price_weight, statutory_working_days, contractual_days, round, bid_deadline, seed, commitment, \
         status, published_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)",
        vec![
            text(p.id.as_str()),
            text(p.ocid.as_str()),
            text(p.owner.as_str()),
            text(p.owner_name.as_str()),
            text(p.owner_phone.as_str()),
            text(p.title.as_str()),
            text(p.item.as_str()),
            int(p.budget_cap_fen),
            text(p.method.as_str()),
            opt_int(p.price_weight),
            int(p.statutory_working_days),
            int(p.contractual_days),
            int(p.round),
            int(p.bid_deadline_ms),
            text(p.seed.as_str()),
            text(p.commitment.as_str()),
            text(p.status.as_str()),
            int(now_ms),
        ],
    )
    .await
    .map(drop)
}

/// A project by id.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<Project>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM intermediary_projects WHERE id = $1");
    db.query_one(&sql, vec![text(id)])
        .await?
        .map(|r| project(&r))
        .transpose()
}

/// Projects newest first, optionally of one status, at most `limit`.
pub async fn list(db: &Db, status: Option<&str>, limit: i64) -> Result<Vec<Project>, DbError> {
    let (sql, params) = match status {
        Some(s) => (
            format!(
                "SELECT {COLUMNS} FROM intermediary_projects WHERE status = $1 ORDER BY published_at DESC, id DESC LIMIT $2"
            ),
            vec![text(s), int(limit)],
        ),
        None => (
            format!(
                "SELECT {COLUMNS} FROM intermediary_projects ORDER BY published_at DESC, id DESC LIMIT $1"
            ),
            vec![int(limit)],
        ),
    };
    db.query(&sql, params).await?.iter().map(project).collect()
}

/// Open rounds whose deadline passed.
pub async fn due_to_close(db: &Db, now_ms: i64, limit: i64) -> Result<Vec<Project>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM intermediary_projects WHERE status = 'open' AND bid_deadline <= $1 \
         ORDER BY bid_deadline, id LIMIT $2"
    );
    db.query(&sql, vec![int(now_ms), int(limit)])
        .await?
        .iter()
        .map(project)
        .collect()
}

/// Contracted projects not yet delivered, for the reminders.
pub async fn under_contract(db: &Db, limit: i64) -> Result<Vec<Project>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM intermediary_projects WHERE status = 'contracted' ORDER BY contractual_due, id LIMIT $1"
    );
    db.query(&sql, vec![int(limit)])
        .await?
        .iter()
        .map(project)
        .collect()
}

/// Writes a project's changing columns back, if its status is still `expected`:
/// false when another request moved it first.
pub async fn save(db: &Db, p: &Project, expected: &str, now_ms: i64) -> Result<bool, DbError> {
    let n = db
        .execute(
            "UPDATE intermediary_projects SET status = $1, round = $2, bid_deadline = $3, seed = $4, commitment = $5, \
             winner = $6, award_price_fen = $7, score_centi = $8, valid_bidders = $9, signed_on = $10, \
             statutory_due = $11, contractual_due = $12, delivered_on = $13, result_summary = $14, closed_at = $15, \
             awarded_at = $16, updated_at = $17 WHERE id = $18 AND status = $19",
            vec![
                text(p.status.as_str()),
                int(p.round),
                int(p.bid_deadline_ms),
                text(p.seed.as_str()),
                text(p.commitment.as_str()),
                opt_text(p.winner.clone()),
                opt_int(p.award_price_fen),
                opt_int(p.score_centi),
                opt_text(p.valid_bidders.clone()),
                opt_text(p.signed_on.clone()),
                opt_text(p.statutory_due.clone()),
                opt_text(p.contractual_due.clone()),
                opt_text(p.delivered_on.clone()),
                opt_text(p.result_summary.clone()),
                opt_int(p.closed_ms),
                opt_int(p.awarded_ms),
                int(now_ms),
                text(p.id.as_str()),
                text(expected),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// A bid as stored.
#[derive(Debug, Clone, Serialize)]
pub struct BidRow {
    /// The provider.
    pub provider: String,
    /// Price.
    pub price_fen: i64,
    /// The proposal.
    pub proposal: String,
    /// The owner's score of it.
    pub proposal_score: Option<i64>,
    /// Submitted (ms).
    #[serde(skip)]
    pub submitted_ms: i64,
}

fn bid(r: &Row) -> Result<BidRow, DbError> {
    Ok(BidRow {
        provider: r.text(0)?,
        price_fen: r.int(1)?,
        proposal: r.text(2)?,
        proposal_score: r.opt_int(3)?,
        submitted_ms: r.int(4)?,
    })
}

/// Records a bid; false if the provider bid in this round already.
pub async fn insert_bid(
    db: &Db,
    project: &str,
    round: i64,
    provider: &str,
    price_fen: i64,
    proposal: &str,
    now_ms: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            "INSERT INTO intermediary_bids (project_id, round, provider, price_fen, proposal, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, round, provider) DO NOTHING",
            vec![text(project), int(round), text(provider), int(price_fen), text(proposal), int(now_ms)],
        )
        .await?;
    Ok(n == 1)
}

/// The bids of a round, by provider; or one provider's.
pub async fn bids(
    db: &Db,
    project: &str,
    round: i64,
    provider: Option<&str>,
) -> Result<Vec<BidRow>, DbError> {
    let base = "SELECT provider, price_fen, proposal, proposal_score, submitted_at FROM intermediary_bids \
                WHERE project_id = $1 AND round = $2";
    match provider {
        Some(p) => db
            .query(
                &format!("{base} AND provider = $3"),
                vec![text(project), int(round), text(p)],
            )
            .await?
            .iter()
            .map(bid)
            .collect(),
        None => db
            .query(
                &format!("{base} ORDER BY provider"),
                vec![text(project), int(round)],
            )
            .await?
            .iter()
            .map(bid)
            .collect(),
    }
}

/// Sets the owner's proposal score of a bid.
pub async fn score_bid(
    db: &Db,
    project: &str,
    round: i64,
    provider: &str,
    score: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            "UPDATE intermediary_bids SET proposal_score = $1 WHERE project_id = $2 AND round = $3 AND provider = $4",
            vec![int(score), text(project), int(round), text(provider)],
        )
        .await?;
    Ok(n == 1)
}

/// An evaluation as stored.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EvaluationRow {
    /// The provider.
    pub provider: String,
    /// Timeliness, measured.
    pub timeliness: i64,
    /// Quality.
    pub quality: i64,
    /// Attitude.
    pub attitude: i64,
    /// Fees.
    pub fees: i64,
    /// Total.
    pub total: i64,
    /// Stars.
    pub stars: i64,
    /// Burden of proof reversed.
    pub burden_reversed: bool,
    /// Evidence due.
    pub evidence_due: Option<String>,
    /// The agency's evidence.
    pub evidence: Option<String>,
}

/// Records an evaluation; false if the project was evaluated already.
pub async fn insert_evaluation(
    db: &Db,
    project: &str,
    e: &EvaluationRow,
    now_ms: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            "INSERT INTO intermediary_evaluations (project_id, provider, timeliness, quality, attitude, fees, total, \
             stars, burden_reversed, evidence_due, evaluated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (project_id) DO NOTHING",
            vec![
                text(project),
                text(e.provider.as_str()),
                int(e.timeliness),
                int(e.quality),
                int(e.attitude),
                int(e.fees),
                int(e.total),
                int(e.stars),
                int(i64::from(e.burden_reversed)),
                opt_text(e.evidence_due.clone()),
                int(now_ms),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// A project's evaluation.
pub async fn evaluation(db: &Db, project: &str) -> Result<Option<EvaluationRow>, DbError> {
    db.query_one(
        "SELECT provider, timeliness, quality, attitude, fees, total, stars, burden_reversed, evidence_due, evidence \
         FROM intermediary_evaluations WHERE project_id = $1",
        vec![text(project)],
    )
    .await?
    .map(|r| {
        Ok(EvaluationRow {
            provider: r.text(0)?,
            timeliness: r.int(1)?,
            quality: r.int(2)?,
            attitude: r.int(3)?,
            fees: r.int(4)?,
            total: r.int(5)?,
            stars: r.int(6)?,
            burden_reversed: r.int(7)? != 0,
            evidence_due: r.opt_text(8)?,
            evidence: r.opt_text(9)?,
        })
    })
    .transpose()
}

/// Records the agency's evidence; false if none is due or it was given.
pub async fn give_evidence(
    db: &Db,
    project: &str,
    evidence: &str,
    now_ms: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            "UPDATE intermediary_evaluations SET evidence = $1, evidence_at = $2 \
             WHERE project_id = $3 AND burden_reversed = 1 AND evidence IS NULL",
            vec![text(evidence), int(now_ms), text(project)],
        )
        .await?;
    Ok(n == 1)
}

/// Stores a published OCDS release.
pub async fn insert_release(
    db: &Db,
    id: &str,
    project: &str,
    tag: &str,
    body: &str,
    now_ms: i64,
) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO intermediary_releases (id, project_id, tag, body, published_at) VALUES ($1, $2, $3, $4, $5)",
        vec![text(id), text(project), text(tag), text(body), int(now_ms)],
    )
    .await
    .map(drop)
}

/// A project's releases, oldest first (JSON bodies).
pub async fn releases_of(db: &Db, project: &str) -> Result<Vec<String>, DbError> {
    db.query(
        "SELECT body FROM intermediary_releases WHERE project_id = $1 ORDER BY published_at, id",
        vec![text(project)],
    )
    .await?
    .iter()
    .map(|r| r.text(0))
    .collect()
}

/// Releases published after `(ms, id)`, oldest first, at most `limit`: (id, ms, body).
pub async fn releases_after(
    db: &Db,
    after: (i64, &str),
    limit: i64,
) -> Result<Vec<(String, i64, String)>, DbError> {
    db.query(
        "SELECT id, published_at, body FROM intermediary_releases \
         WHERE published_at > $1 OR (published_at = $1 AND id > $2) ORDER BY published_at, id LIMIT $3",
        vec![int(after.0), text(after.1), int(limit)],
    )
    .await?
    .iter()
    .map(|r| Ok((r.text(0)?, r.int(1)?, r.text(2)?)))
    .collect()
}

/// Records a reminder as sent; false if it was sent before.
pub async fn remember_reminder(
    db: &Db,
    project: &str,
    which: &str,
    days_ahead: i64,
    now_ms: i64,
) -> Result<bool, DbError> {
    let n = db
        .execute(
            "INSERT INTO intermediary_reminders (project_id, which, days_ahead, sent_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (project_id, which, days_ahead) DO NOTHING",
            vec![text(project), text(which), int(days_ahead), int(now_ms)],
        )
        .await?;
    Ok(n == 1)
}
