//! OCDS open data: a release for each stage of a project, stored as published (a
//! release never changes once out), and the release packages that serve them — per
//! project, and every release in publication order for harvesters.

use super::error::{MarketError, field};
use super::projects::load;
use crate::store::projects::{self as prstore, Project};
use spin_sdk::http::Request;
use yingshang_core::intermediary::ocds::{ProjectFacts, package, release};
use yingshang_kit::clock::{from_unix_ms, rfc3339, unix_ms};
use yingshang_kit::context::origin;
use yingshang_kit::responses::json;
use yingshang_kit::tx::TxError;
use yingshang_kit::{Answer, Db, DbError, Failure, RequestContext};

pub use yingshang_core::intermediary::ocds::Stage;

/// The publisher's name in every package.
const PUBLISHER: &str = "营商中介超市";

/// Publishes the release of `stage` for a project (inside the caller's transaction).
/// `tenderers` is the number of bids of the round (0 when not yet known).
pub async fn publish(
    ctx: &RequestContext,
    db: &Db,
    p: &Project,
    stage: Stage,
    tenderers: usize,
) -> Result<(), TxError> {
    let catalogue = yingshang_core::intermediary::catalogue::Catalogue::builtin()
        .map_err(|e| TxError::Db(yingshang_kit::db::corrupt("catalogue", e)))?;
    let item_name = match catalogue.item(&p.item) {
        Some(i) => i.name_zh.clone(),
        None => super::items_name(db, &p.item).await?,
    };
    let winner = match &p.winner {
        Some(w) => crate::store::providers::provider_by(db, w)
            .await?
            .map(|x| (w.clone(), x.name)),
        None => None,
    };
    let deadline = rfc3339(from_unix_ms(p.bid_deadline_ms));
    let awarded = p.awarded_ms.map(|t| rfc3339(from_unix_ms(t)));
    let closed = p.closed_ms.is_some() && p.status != "open";
    let facts = ProjectFacts {
        ocid: &p.ocid,
        id: &p.id,
        title: &p.title,
        owner: (&p.owner, &p.owner_name),
        item: (&p.item, &item_name),
        cap_fen: p.budget_cap_fen,
        method: &p.method,
        round: p.round,
        bid_deadline: &deadline,
        commitment: &p.commitment,
        seed: closed.then_some(p.seed.as_str()),
        status: &p.status,
        tenderers,
        award: match (&winner, p.award_price_fen) {
            (Some((code, name)), Some(price)) => Some((code.as_str(), name.as_str(), price)),
            _ => None,
        },
        awarded_at: awarded.as_deref(),
        contract: match (&p.signed_on, &p.contractual_due, &p.statutory_due) {
            (Some(s), Some(c), Some(st)) => Some((s.as_str(), c.as_str(), st.as_str())),
            _ => None,
        },
        delivered_on: p.delivered_on.as_deref(),
    };
    let n = prstore::releases_of(db, &p.id).await?.len();
    let r = release(&facts, stage, &rfc3339(ctx.now), n);
    let id = r["id"].as_str().unwrap_or_default().to_owned();
    prstore::insert_release(
        db,
        &id,
        &p.id,
        stage.tag(),
        &r.to_string(),
        unix_ms(ctx.now),
    )
    .await?;
    Ok(())
}

fn parse(bodies: Vec<String>) -> Result<Vec<serde_json::Value>, DbError> {
    bodies
        .iter()
        .map(|b| {
            serde_json::from_str(b).map_err(|e| yingshang_kit::db::corrupt("an OCDS release", e))
        })
        .collect()
}

/// `GET /ocds/projects/{id}`: the project's releases as a package.
pub async fn project(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let p = load(ctx, db, id).await?;
    let releases = prstore::releases_of(db, &p.id)
        .await
        .and_then(parse)
        .map_err(|e| ctx.internal("loading releases", e))?;
    if releases.is_empty() {
        return Err(MarketError::ProjectNotFound.into());
    }
    let uri = format!("{}/api/intermediary/ocds/projects/{id}", origin(&req));
    Ok(json(
        ctx,
        200,
        &package(&uri, &rfc3339(ctx.now), PUBLISHER, releases),
    ))
}

/// `GET /ocds/releases?after=<ms>.<release id>&limit=`: every release in publication
/// order, for harvesters; `next` names the following page.
pub async fn releases(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let query = req.uri().query();
    let after = match yingshang_core::query::param(query, "after") {
        None => (i64::MIN, String::new()),
        Some(t) => {
            let (ms, id) = t.split_once('.').ok_or_else(|| {
                field(
                    "after",
                    "须为上一页 next 中的游标",
                    "must be the cursor from the previous page's next",
                )
            })?;
            let ms = ms.parse::<i64>().map_err(|_| {
                field(
                    "after",
                    "须为上一页 next 中的游标",
                    "must be the cursor from the previous page's next",
                )
            })?;
            (ms, id.to_owned())
        }
    };
    let limit = match yingshang_core::query::param(query, "limit") {
        None => 100,
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| field("limit", "须为 1–500", "must be 1–500"))?,
    };
    let rows = prstore::releases_after(db, (after.0, &after.1), limit)
        .await
        .map_err(|e| ctx.internal("listing releases", e))?;
    let next = (rows.len() as i64 == limit)
        .then(|| {
            rows.last().map(|(id, ms, _)| {
                format!("/api/intermediary/ocds/releases?after={ms}.{id}&limit={limit}")
            })
        })
        .flatten();
    let releases = parse(rows.into_iter().map(|(_, _, b)| b).collect())
        .map_err(|e| ctx.internal("reading releases", e))?;
    let uri = format!("{}/api/intermediary/ocds/releases", origin(&req));
    let mut pkg = package(&uri, &rfc3339(ctx.now), PUBLISHER, releases);
    pkg["links"] = serde_json::json!({ "next": next });
    Ok(json(ctx, 200, &pkg))
}
