//! The only place with the tax SQL (named constants, `$1…$n` in order, the subset
//! SQLite and PostgreSQL share) and the Spin calls that run it. Tables are those of
//! `infra/migrations/sqlite/0005_tax.sql`.
//!
//! - this module: registry holdings and assessments;
//! - [`outbox`]: payments, the registry hand-off outbox and the local registry stand-in;
//! - [`risk`]: the risk screening's inputs and flags;
//! - [`policies`]: 免申即享 catalogues, enterprise attributes, matches and savings;
//! - [`settings`]: the Spin variables the rules read.

pub mod outbox;
pub mod policies;
pub mod risk;
pub mod settings;

use time::OffsetDateTime;
use yingshang_core::tax::{Basis, Holding, IdNumber, PersonHoldings, RegistryAnswer};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::db::{self, Db, DbError, Row};

const UPSERT_HOLDINGS: &str = "INSERT INTO tax_registry_holdings (id_number, holdings, source, \
     updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id_number) DO UPDATE SET \
     holdings = excluded.holdings, source = excluded.source, updated_at = excluded.updated_at";
const SELECT_HOLDINGS: &str = "SELECT holdings FROM tax_registry_holdings WHERE id_number = $1";

const INSERT_ASSESSMENT: &str = "INSERT INTO tax_assessments (id, created_by, owner_subject, \
     owner_prefix, buyer_account, seller_account, buyer_id_number, seller_id_number, unit_code, \
     rule_set_version, house_count_source, assessed_price_fen, total_fen, status, request, \
     assessment, basis, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'assessed', $14, $15, $16, \
     $17)";
const SELECT_ASSESSMENT: &str = "SELECT id, created_by, buyer_account, seller_account, \
     buyer_id_number, seller_id_number, status, assessment, basis, payment_txn, declaration_key, \
     created_at, total_fen, owner_prefix FROM tax_assessments WHERE id = $1";
const SET_DECLARATION_KEY: &str = "UPDATE tax_assessments SET declaration_key = $1 \
     WHERE id = $2 AND declaration_key IS NULL";

pub(crate) use yingshang_kit::db::corrupt;

fn to_json<T: serde::Serialize>(what: &str, value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError {
        doing: format!("encoding {what}"),
        error: e.to_string(),
    })
}

/// Replaces the holdings of one ID number.
pub async fn put_holdings(
    db: &Db,
    id: &IdNumber,
    holdings: &[Holding],
    source: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        UPSERT_HOLDINGS,
        vec![
            db::text(id.as_str()),
            db::text(to_json("holdings", &holdings)?),
            db::text(source),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
}

/// The registry's answer for these persons: `None` when it knows none of them.
pub async fn registry_answer(
    db: &Db,
    persons: &[IdNumber],
) -> Result<Option<RegistryAnswer>, DbError> {
    let mut found = Vec::new();
    for id in persons {
        if let Some(row) = db
            .query_one(SELECT_HOLDINGS, vec![db::text(id.as_str())])
            .await?
        {
            let holdings: Vec<Holding> = serde_json::from_str(&row.text(0)?)
                .map_err(|e| corrupt("tax_registry_holdings.holdings", e))?;
            found.push(PersonHoldings {
                id: id.clone(),
                holdings,
            });
        }
    }
    Ok((!found.is_empty()).then_some(RegistryAnswer { persons: found }))
}

/// A new assessment, as inserted.
#[derive(Debug)]
pub struct NewAssessment<'a> {
    /// ULID.
    pub id: &'a str,
    /// The caller's audit actor.
    pub created_by: &'a str,
    /// The creating user's subject (for reference: the creator is matched on
    /// `created_by`, which names the role too).
    pub owner_subject: Option<&'a str>,
    /// The creator's object-key prefix.
    pub owner_prefix: &'a str,
    /// Buyer's account.
    pub buyer_account: Option<&'a str>,
    /// Seller's account.
    pub seller_account: Option<&'a str>,
    /// Buyer's ID number.
    pub buyer_id_number: &'a str,
    /// Seller's ID number.
    pub seller_id_number: &'a str,
    /// The core's assessment.
    pub assessment: &'a yingshang_core::tax::Assessment,
    /// The basis (count, family, prices).
    pub basis: &'a Basis,
    /// The request body as received.
    pub request: &'a str,
}

/// Stores an assessment.
pub async fn insert_assessment(
    db: &Db,
    a: &NewAssessment<'_>,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let source = match a.basis.house_count.source {
        yingshang_core::tax::CountSource::Registry => "registry",
        yingshang_core::tax::CountSource::Pledge => "pledge",
    };
    db.execute(
        INSERT_ASSESSMENT,
        vec![
            db::text(a.id),
            db::text(a.created_by),
            db::opt_text(a.owner_subject),
            db::text(a.owner_prefix),
            db::opt_text(a.buyer_account),
            db::opt_text(a.seller_account),
            db::text(a.buyer_id_number),
            db::text(a.seller_id_number),
            db::text(a.assessment.unit_code.as_str()),
            db::text(a.assessment.rule_set_version.as_str()),
            db::text(source),
            db::int(a.basis.assessed_price_fen),
            db::int(a.assessment.totals.overall.get()),
            db::text(a.request),
            db::text(to_json("assessment", a.assessment)?),
            db::text(to_json("basis", a.basis)?),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
}

/// A stored assessment.
#[derive(Debug, Clone)]
pub struct AssessmentRecord {
    /// ULID.
    pub id: String,
    /// Who made it (audit actor, `<role>:<subject>` for a user: what the creator is
    /// matched on).
    pub created_by: String,
    /// Buyer's account.
    pub buyer_account: Option<String>,
    /// Seller's account.
    pub seller_account: Option<String>,
    /// Buyer's ID number.
    pub buyer_id_number: String,
    /// Seller's ID number.
    pub seller_id_number: String,
    /// assessed | paid.
    pub status: String,
    /// The core's assessment, as computed then.
    pub assessment: yingshang_core::tax::Assessment,
    /// The basis.
    pub basis: Basis,
    /// The payment's transaction id.
    pub payment_txn: Option<String>,
    /// The declaration's object key, once rendered.
    pub declaration_key: Option<String>,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// Total payable, fen.
    pub total_fen: i64,
    /// The creator's object-key prefix.
    pub owner_prefix: String,
}

fn assessment_of(r: &Row) -> Result<AssessmentRecord, DbError> {
    Ok(AssessmentRecord {
        id: r.text(0)?,
        created_by: r.text(1)?,
        buyer_account: r.opt_text(2)?,
        seller_account: r.opt_text(3)?,
        buyer_id_number: r.text(4)?,
        seller_id_number: r.text(5)?,
        status: r.text(6)?,
        assessment: serde_json::from_str(&r.text(7)?)
            .map_err(|e| corrupt("tax_assessments.assessment", e))?,
        basis: serde_json::from_str(&r.text(8)?)
            .map_err(|e| corrupt("tax_assessments.basis", e))?,
        payment_txn: r.opt_text(9)?,
        declaration_key: r.opt_text(10)?,
        created_at: yingshang_kit::clock::from_unix_ms(r.int(11)?),
        total_fen: r.int(12)?,
        owner_prefix: r.text(13)?,
    })
}

/// An assessment by id.
pub async fn assessment(db: &Db, id: &str) -> Result<Option<AssessmentRecord>, DbError> {
    db.query_one(SELECT_ASSESSMENT, vec![db::text(id)])
        .await?
        .map(|r| assessment_of(&r))
        .transpose()
}

/// Records the declaration's key once; false if one was recorded first.
pub async fn set_declaration_key(db: &Db, id: &str, key: &str) -> Result<bool, DbError> {
    let changed = db
        .execute(SET_DECLARATION_KEY, vec![db::text(key), db::text(id)])
        .await?;
    Ok(changed == 1)
}
