//! OCDS open data: a release for each stage of a project, stored as published (a
//! release never changes once out), and the release packages that serve them — per
//! project, and every release in publication order for harvesters.

use super::error::{MarketError, field};
use super::projects::{ID, NOT_FOUND, load};
use crate::store::projects::{self as prstore, Project};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use spin_sdk::http::Request;
use std::borrow::Cow;
use yingshang_core::intermediary::ocds::{ProjectFacts, package, release};
use yingshang_core::openapi::{Operation, Param, Reply, schema};
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

/// The OCDS 1.1 release package this function serves (its schema, for the document):
/// the official `release-package-schema.json`, as far as these releases use it.
pub struct ReleasePackage;

/// One OCDS 1.1 release of a project's stage (`release-schema.json`, the fields used).
pub struct Release;

impl JsonSchema for Release {
    fn schema_name() -> Cow<'static, str> {
        "OcdsRelease".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "An OCDS 1.1 release (https://standard.open-contracting.org/1.1/en/schema/release/): \
                            one stage of a project — tender, award, contract or implementation. \
                            A release never changes once published. OCDS 发布记录。",
            "required": ["ocid", "id", "date", "tag", "initiationType", "buyer", "tender", "parties"],
            "properties": {
                "ocid": {"type": "string", "description": "`ocds-<prefix>-` and the project's id."},
                "id": {"type": "string"},
                "date": {"type": "string", "format": "date-time"},
                "tag": {"type": "array", "items": {"enum": ["tender", "award", "contract", "implementation"]}},
                "initiationType": {"const": "tender"},
                "language": {"const": "zh"},
                "buyer": {"$ref": "#/components/schemas/OcdsOrganizationReference"},
                "tender": {
                    "type": "object",
                    "required": ["id", "title", "status", "items", "value", "procurementMethod"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"enum": ["active", "unsuccessful", "complete"]},
                        "items": {"type": "array", "items": {"type": "object"}},
                        "value": {"$ref": "#/components/schemas/OcdsValue"},
                        "procurementMethod": {"enum": ["open", "direct"]},
                        "procurementMethodDetails": {"enum": ["direct", "random_draw", "scoring"]},
                        "procurementMethodRationale": {"type": "string", "description": "The round, the seed's commitment and, once revealed, the seed."},
                        "tenderPeriod": {"type": "object", "properties": {"endDate": {"type": "string", "format": "date-time"}}},
                        "numberOfTenderers": {"type": "integer", "minimum": 0}
                    }
                },
                "awards": {"type": "array", "items": {
                    "type": "object",
                    "required": ["id", "status", "value", "suppliers"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"const": "active"},
                        "date": {"type": ["string", "null"], "format": "date-time"},
                        "value": {"$ref": "#/components/schemas/OcdsValue"},
                        "suppliers": {"type": "array", "items": {"$ref": "#/components/schemas/OcdsOrganizationReference"}}
                    }
                }},
                "contracts": {"type": "array", "items": {
                    "type": "object",
                    "required": ["id", "awardID", "status"],
                    "properties": {
                        "id": {"type": "string"},
                        "awardID": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"enum": ["active", "terminated"]},
                        "period": {"type": "object"},
                        "value": {"$ref": "#/components/schemas/OcdsValue"},
                        "dateSigned": {"type": "string", "format": "date-time"},
                        "milestones": {"type": "array", "items": {"type": "object"}},
                        "implementation": {"type": "object"}
                    }
                }},
                "parties": {"type": "array", "items": {
                    "type": "object",
                    "required": ["id", "name", "roles"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "roles": {"type": "array", "items": {"type": "string"}},
                        "identifier": {"type": "object"}
                    }
                }}
            }
        })
    }
}

/// An amount (OCDS `Value`).
struct OcdsValue;

impl JsonSchema for OcdsValue {
    fn schema_name() -> Cow<'static, str> {
        "OcdsValue".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "An amount in yuan with two decimals (from fen). 金额（元）。",
            "required": ["amount", "currency"],
            "properties": {
                "amount": {"type": "number"},
                "currency": {"const": "CNY"}
            }
        })
    }
}

/// A party named by id (OCDS `OrganizationReference`).
struct OcdsOrg;

impl JsonSchema for OcdsOrg {
    fn schema_name() -> Cow<'static, str> {
        "OcdsOrganizationReference".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}}
        })
    }
}

impl JsonSchema for ReleasePackage {
    fn schema_name() -> Cow<'static, str> {
        "OcdsReleasePackage".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let release = g.subschema_for::<Release>();
        // Registered for the release's `$ref`s.
        g.subschema_for::<OcdsValue>();
        g.subschema_for::<OcdsOrg>();
        json_schema!({
            "type": "object",
            "description": "An OCDS 1.1 release package \
                            (https://standard.open-contracting.org/1.1/en/schema/release_package/), \
                            served as `application/json`. OCDS 发布包。",
            "required": ["uri", "version", "publishedDate", "publisher", "releases"],
            "properties": {
                "uri": {"type": "string", "format": "uri"},
                "version": {"const": "1.1"},
                "publishedDate": {"type": "string", "format": "date-time"},
                "publisher": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                "releases": {"type": "array", "items": release},
                "links": {
                    "type": "object",
                    "description": "The harvest feed only: the next page, none after the last.",
                    "properties": {"next": {"type": ["string", "null"]}}
                }
            }
        })
    }
}

/// `GET /ocds/projects/{id}`'s description.
pub const PROJECT_DOC: Operation = Operation {
    id: "getProjectReleasePackage",
    summary: "A project's OCDS 1.1 releases, one per stage, as a release package",
    description: "项目的 OCDS 1.1 开放数据：每个阶段一条发布记录（招标、授予、合同、履约），以发布包形式提供（公开）。",
    params: &[ID],
    replies: &[Reply::json(
        200,
        "The release package",
        schema::<ReleasePackage>,
    )],
    problems: &[NOT_FOUND],
    ..Operation::NEW
};

/// `GET /ocds/releases`'s description.
pub const RELEASES_DOC: Operation = Operation {
    id: "listReleases",
    summary: "Every OCDS release in publication order, paged for harvesters",
    description: "全部 OCDS 发布记录，按发布先后分页，供采集方读取；links.next 指向下一页（公开）。",
    params: &[
        Param::query(
            "after",
            "The cursor from the previous page's `links.next` (`<ms>.<release id>`). 游标。",
            schema::<String>,
        ),
        Param::query(
            "limit",
            "Releases per page, 1–500 (default 100). 每页条数。",
            schema::<u32>,
        )
        .example("100"),
    ],
    replies: &[Reply::json(
        200,
        "A page of releases, as a release package",
        schema::<ReleasePackage>,
    )],
    problems: &[(400, &["INTERMEDIARY_FIELD_INVALID"])],
    ..Operation::NEW
};

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
