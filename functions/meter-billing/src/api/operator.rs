//! Operator set-up: sites and sockets (meter id, device secret, dated models and
//! tariffs), each owned by the operator agency that created it, and the public socket
//! status with its current price.

use super::dto::{SiteRequest, SiteView, SocketRequest, SocketView};
use super::error::PowerError;
use super::{EXAMPLE_SITE, EXAMPLE_SOCKET, SCOPE_OPERATE, agency_of, own_record};
use crate::store::{self, SocketSetup, sessions};
use spin_sdk::http::Request;
use yingshang_core::metering::{MeterId, SiteId};
use yingshang_core::openapi::{Caller, Content, Link, Operation, Param, Reply, schema};
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::device::MIN_DEVICE_SECRET_LEN;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, read_json};
use yingshang_kit::guard;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

const SITE_ID: Param = Param::path(
    "site_id",
    "The site's id: 1-64 letters, digits, '-' or '_'. 站点编号。",
    schema::<String>,
)
.example(EXAMPLE_SITE);

const SOCKET_ID: Param = Param::path(
    "socket_id",
    "The socket's id (on its QR code): 1-64 letters, digits, '-' or '_'. 插座编号。",
    schema::<String>,
)
.example(EXAMPLE_SOCKET);

/// `PUT /sites/{site_id}`'s description.
pub const PUT_SITE_DOC: Operation = Operation {
    id: "putSite",
    summary: "Create a site for the caller's operator agency, or rename one of its own",
    description: "运营机构创建站点，或修改本机构站点的名称；其他机构的站点不可修改。",
    caller: Caller::Agency(SCOPE_OPERATE),
    params: &[SITE_ID],
    body: Content::Json(schema::<SiteRequest>),
    body_example: Some(r#"{"name": "许昌夜市"}"#),
    replies: &[
        Reply::json(200, "The site, renamed", schema::<SiteView>),
        Reply::json(201, "The site, created", schema::<SiteView>),
    ],
    problems: &[
        (400, &["METER_SITE_ID_INVALID"]),
        (403, &["METER_NOT_OPERATOR"]),
    ],
    links: &[
        Link {
            status: 200,
            name: "GetStatements",
            operation_id: "getSiteStatements",
            parameters: &[("site_id", "$response.body#/site_id")],
        },
        Link {
            status: 201,
            name: "GetStatements",
            operation_id: "getSiteStatements",
            parameters: &[("site_id", "$response.body#/site_id")],
        },
    ],
    ..Operation::NEW
};

/// `PUT /sites/{site_id}`: creates a site for the caller's agency, or renames one of
/// its own (another agency's site: 403).
pub async fn put_site(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    site_id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_OPERATE).await?;
    let agency = agency_of(&caller).ok_or(PowerError::NotOperator)?;
    let site = SiteId::parse(site_id).map_err(PowerError::Input)?;
    let (parts, body) = req.into_parts();
    let request: SiteRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let actor = caller.audit_actor();
    let after = serde_json::json!({ "site_id": site.as_str(), "name": request.name });
    let entry = AuditEntry::new(
        actor.clone(),
        "power.site.put",
        format!("power/site/{site}"),
        ctx.now,
        None,
        Some(&after),
    );
    // Checked in the transaction that writes, so two agencies creating one site at
    // once cannot both get it.
    let existed = tx::in_transaction(ctx, db, "saving a site", async |db: &Db| {
        let found = store::site(db, site.as_str()).await?;
        if let Some(found) = &found {
            own_record(ctx, &caller, found.owner_agency.as_deref())?;
        }
        store::upsert_site(db, &site, &request.name, &actor, agency, ctx.now).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<bool, TxError>(found.is_some())
    })
    .await?;
    let view = SiteView {
        site_id: site.as_str().to_owned(),
        name: request.name,
    };
    Ok(json(ctx, if existed { 200 } else { 201 }, &view))
}

fn check_socket_id(id: &str) -> Result<(), PowerError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(()).ok_or(PowerError::SocketIdInvalid)
}

/// `PUT /sockets/{socket_id}`'s description.
pub const PUT_SOCKET_DOC: Operation = Operation {
    id: "putSocket",
    summary: "Create or update a socket: its meter, device secret, dated models and tariffs",
    description: "在本机构站点上创建或修改插座：电表地址、设备密钥（新插座必填，不回显）、\
                  分时段生效的型号保护参数与电价（单价为微分/千瓦时）。",
    caller: Caller::Agency(SCOPE_OPERATE),
    params: &[SOCKET_ID],
    body: Content::Json(schema::<SocketRequest>),
    body_example: Some(
        r#"{"site_id": "xuchang-night-market", "meter_id": "123456789012",
            "device_secret": "device-secret-0123456789abcdef",
            "models": [{"effective_from": "2024-01-01T00:00:00Z", "model": {
              "name": "S", "rated_current": 100000, "over_voltage": 2354, "under_voltage": 1980,
              "over_current": 150000, "overload_after_s": 60, "short_circuit": 1000000,
              "over_temperature": 800, "residual_current": 30, "surge_rise": 22000,
              "idle_power": 5, "idle_after_s": 600, "cover_interval_s": 60}}],
            "tariff": [{"effective_from": "2024-01-01T00:00:00Z",
                        "tariff": {"kind": "flat", "price": 60000000}}]}"#,
    ),
    replies: &[
        Reply::json(200, "The socket, updated", schema::<SocketView>),
        Reply::json(201, "The socket, created", schema::<SocketView>),
    ],
    problems: &[
        (
            400,
            &[
                "METER_SOCKET_ID_INVALID",
                "METER_SITE_ID_INVALID",
                "METER_ID_INVALID",
                "METER_DEVICE_SECRET_TOO_SHORT",
                "METER_DEVICE_SECRET_REQUIRED",
            ],
        ),
        (403, &["METER_NOT_OPERATOR"]),
        (404, &["METER_SITE_NOT_FOUND"]),
        (409, &["METER_ID_TAKEN"]),
    ],
    links: &[
        Link {
            status: 200,
            name: "GetSocket",
            operation_id: "getSocket",
            parameters: &[("socket_id", "$response.body#/socket_id")],
        },
        Link {
            status: 201,
            name: "GetSocket",
            operation_id: "getSocket",
            parameters: &[("socket_id", "$response.body#/socket_id")],
        },
    ],
    ..Operation::NEW
};

/// `GET /sockets/{socket_id}`'s description.
pub const SOCKET_STATUS_DOC: Operation = Operation {
    id: "getSocket",
    summary: "A socket's status and its price now (anyone who scans it)",
    description: "扫码查看插座状态与当前电价（公开，不含设备密钥）。",
    caller: Caller::Public,
    params: &[SOCKET_ID],
    replies: &[Reply::json(200, "The socket", schema::<SocketView>)],
    problems: &[(404, &["METER_SOCKET_NOT_FOUND"])],
    ..Operation::NEW
};

/// `PUT /sockets/{socket_id}`: creates or updates a socket on one of the caller's
/// agency's sites; an existing socket only by the agency that created it (else 403).
pub async fn put_socket(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    socket_id: &str,
) -> Result<Answer, Failure> {
    let caller = guard::agency(ctx, db, req.headers(), SCOPE_OPERATE).await?;
    let agency = agency_of(&caller).ok_or(PowerError::NotOperator)?;
    check_socket_id(socket_id)?;
    let (parts, body) = req.into_parts();
    let request: SocketRequest = read_json(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let site = SiteId::parse(&request.site_id).map_err(PowerError::Input)?;
    let meter = MeterId::parse(&request.meter_id).map_err(PowerError::Input)?;
    if let Some(secret) = &request.device_secret
        && secret.len() < MIN_DEVICE_SECRET_LEN
    {
        return Err(PowerError::SecretTooShort.into());
    }
    let setup = SocketSetup {
        socket_id,
        site_id: &site,
        meter: &meter,
        device_secret: request.device_secret.as_deref(),
        models: &request.models,
        tariff: &request.tariff,
        agency,
    };
    // The audit row records the configuration, never the secret.
    let after = serde_json::json!({
        "socket_id": socket_id, "site_id": site.as_str(), "meter_id": meter.as_str(),
        "models": request.models, "tariff": request.tariff,
        "secret_changed": request.device_secret.is_some(),
    });
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "power.socket.put",
        format!("power/socket/{socket_id}"),
        ctx.now,
        None,
        Some(&after),
    );
    // Every check runs in the transaction that writes: an owner checked before it
    // could have changed by the time of the write.
    let create = tx::in_transaction(ctx, db, "saving a socket", async |db: &Db| {
        let target = store::site(db, site.as_str())
            .await?
            .ok_or(PowerError::SiteNotFound)?;
        own_record(ctx, &caller, target.owner_agency.as_deref())?;
        let existing = store::socket(db, socket_id).await?;
        match &existing {
            Some(socket) => own_record(ctx, &caller, socket.owner_agency.as_deref())?,
            None if request.device_secret.is_none() => {
                return Err(PowerError::SecretRequired.into());
            }
            None => {}
        }
        if store::meter_taken_by_other(db, &meter, socket_id).await? {
            return Err(PowerError::MeterTaken.into());
        }
        let create = existing.is_none();
        store::save_socket(db, &setup, create, ctx.now).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok::<bool, TxError>(create)
    })
    .await?;
    let saved = store::socket(db, socket_id)
        .await
        .map_err(|e| ctx.internal("reloading a socket", e))?
        .ok_or_else(|| ctx.internal("reloading a socket", "gone"))?;
    let in_use = sessions::active_of_socket(db, socket_id)
        .await
        .map_err(|e| ctx.internal("loading a socket's session", e))?
        .is_some();
    let view = SocketView::of(&saved, in_use, ctx.now);
    Ok(json(ctx, if create { 201 } else { 200 }, &view))
}

/// `GET /sockets/{socket_id}`: status and the price now, for anyone who scans it.
pub async fn socket_status(
    ctx: &RequestContext,
    db: &Db,
    socket_id: &str,
) -> Result<Answer, Failure> {
    let socket = store::socket(db, socket_id)
        .await
        .map_err(|e| ctx.internal("loading a socket", e))?
        .ok_or(PowerError::SocketNotFound)?;
    let in_use = sessions::active_of_socket(db, socket_id)
        .await
        .map_err(|e| ctx.internal("loading a socket's session", e))?
        .is_some();
    Ok(json(ctx, 200, &SocketView::of(&socket, in_use, ctx.now)))
}
