//! The customer's side: start a prepaid session (idempotent), the payment channel's
//! signed confirmation that switches the socket on, live usage, and stop. Settling a
//! session and queueing its refund happen in one transaction ([`save_settled`]).

use super::contended;
use super::dto::{ConfirmationRequest, CreateSessionRequest, IdempotencyKeyHeader, SessionView};
use super::error::PowerError;
use crate::store::outbox;
use crate::store::sessions::{self, STATUS_CANCELLED, STATUS_CREATED, SessionRecord, status_of};
use crate::store::{self};
use spin_sdk::http::Request;
use time::OffsetDateTime;
use yingshang_core::metering::{
    Baseline, EndReason, Session, SessionError, SessionState, Settlement,
};
use yingshang_core::money::Fen;
use yingshang_core::openapi::{Caller, Content, In, Link, Operation, Param, Reply, schema};
use yingshang_core::payment::{Payable, PaymentRefusal};
use yingshang_core::security::Principal;
use yingshang_core::security::audit::AuditEntry;
use yingshang_core::security::authz::Role;
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::idempotency::{Begin, Claim, begin};
use yingshang_kit::ids::{is_ulid, ulid};
use yingshang_kit::payments::{self, Confirmed};
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The roles of customers: citizens and enterprise users.
const CUSTOMERS: &[Role] = &[Role::Citizen, Role::Enterprise];

/// A customer: a citizen or an enterprise user.
async fn customer(ctx: &RequestContext, db: &Db, req: &Request) -> Result<Principal, Failure> {
    guard::user(ctx, db, req.headers(), CUSTOMERS).await
}

const SESSION_ID: Param = Param::path(
    "id",
    "The session's id (a ULID), as `POST /sessions` answered it. 用电订单编号。",
    schema::<String>,
);

const GET_SESSION: Link = Link {
    status: 200,
    name: "GetSession",
    operation_id: "getSession",
    parameters: &[("id", "$response.body#/session_id")],
};

const STOP_SESSION: Link = Link {
    status: 200,
    name: "StopSession",
    operation_id: "stopSession",
    parameters: &[("id", "$response.body#/session_id")],
};

/// `POST /sessions`'s description.
pub const CREATE_DOC: Operation = Operation {
    id: "createSession",
    summary: "Order a prepaid session on a socket (Idempotency-Key required)",
    description: "扫码下单：对插座预付（0.01至10000.00元），须带 Idempotency-Key；\
                  支付渠道确认付款后插座通电。",
    caller: Caller::Users(CUSTOMERS),
    params: &[Param {
        name: "Idempotency-Key",
        location: In::Header,
        required: true,
        description: "Required: a retried order answers the first answer again, never orders twice. \
                      幂等键（必填）：重试不会重复下单。",
        schema: schema::<IdempotencyKeyHeader>,
        example: Some("order-20261204-0001"),
    }],
    body: Content::Json(schema::<CreateSessionRequest>),
    body_example: Some(r#"{"socket_id": "night-market-a-02", "prepaid_fen": 500}"#),
    idempotent: true,
    replies: &[Reply::json(
        201,
        "The session, awaiting payment (`payment` says what to pay)",
        schema::<SessionView>,
    )],
    problems: &[
        (
            400,
            &[
                "METER_IDEMPOTENCY_KEY_REQUIRED",
                "METER_PREPAID_OUT_OF_RANGE",
            ],
        ),
        (404, &["METER_SOCKET_NOT_FOUND"]),
        (409, &["METER_SOCKET_BUSY"]),
    ],
    links: &[
        Link {
            status: 201,
            ..GET_SESSION
        },
        Link {
            status: 201,
            ..STOP_SESSION
        },
    ],
    ..Operation::NEW
};

/// `GET /sessions/{id}`'s description.
pub const SHOW_DOC: Operation = Operation {
    id: "getSession",
    summary: "A session's usage, cost, balance and refund (its customer only)",
    description: "查询本人的用电订单：用电量、费用、余额与退款。",
    caller: Caller::Users(CUSTOMERS),
    params: &[SESSION_ID],
    replies: &[Reply::json(200, "The session", schema::<SessionView>)],
    problems: &[
        (403, &["METER_SESSION_NOT_OWNER"]),
        (404, &["METER_SESSION_NOT_FOUND"]),
    ],
    links: &[STOP_SESSION],
    ..Operation::NEW
};

/// `POST /sessions/{id}/stop`'s description.
pub const STOP_DOC: Operation = Operation {
    id: "stopSession",
    summary: "Stop a session: a paid one is settled and the rest refunded, an unpaid one cancelled",
    description: "结束用电：已支付的订单结算并退还余额（退款由退款派发任务发出），\
                  未支付的订单取消；已结束的订单原样返回。",
    caller: Caller::Users(CUSTOMERS),
    params: &[SESSION_ID],
    replies: &[Reply::json(
        200,
        "The session, ended or cancelled, with its refund",
        schema::<SessionView>,
    )],
    problems: &[
        (403, &["METER_SESSION_NOT_OWNER"]),
        (404, &["METER_SESSION_NOT_FOUND"]),
        (409, &["METER_CONTENDED", "METER_SESSION_NEVER_PAID"]),
    ],
    links: &[
        GET_SESSION,
        Link {
            status: 200,
            name: "DispatchRefunds",
            operation_id: "dispatchRefunds",
            parameters: &[],
        },
    ],
    ..Operation::NEW
};

/// `POST /payments/confirmations`'s description.
pub const CONFIRM_DOC: Operation = Operation {
    id: "confirmPayment",
    summary: "The payment channel confirms a prepay; the socket switches on",
    description: "支付渠道确认预付款（对请求体签名，按渠道流水号幂等），插座通电。",
    caller: Caller::Channel,
    body: Content::Json(schema::<ConfirmationRequest>),
    body_example: Some(
        r#"{"transaction_id": "wx-4200001234202612040001", "session_id": "01J00000000000000000000000", "amount_fen": 500}"#,
    ),
    replies: &[Reply::json(
        200,
        "The session, active",
        schema::<SessionView>,
    )],
    problems: &[
        (404, &["METER_SESSION_NOT_FOUND", "METER_SOCKET_NOT_FOUND"]),
        (
            409,
            &[
                "METER_PAYMENT_CONFLICT",
                "METER_SESSION_NOT_AWAITING_PAYMENT",
                "METER_SOCKET_BUSY",
                "METER_CONTENDED",
            ],
        ),
        (422, &["METER_PAYMENT_AMOUNT_MISMATCH"]),
    ],
    links: &[GET_SESSION],
    ..Operation::NEW
};

/// Loads a session its customer may see.
async fn own_session(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    id: &str,
) -> Result<SessionRecord, Failure> {
    if !is_ulid(id) {
        return Err(PowerError::SessionNotFound.into());
    }
    let r = sessions::by_id(db, id)
        .await
        .map_err(|e| ctx.internal("loading a session", e))?
        .ok_or(PowerError::SessionNotFound)?;
    if r.owner != caller.audit_actor() {
        ctx.log_denial(&caller.audit_actor(), "METER_SESSION_NOT_OWNER");
        return Err(PowerError::NotOwner.into());
    }
    Ok(r)
}

/// The customer's view of a session, with its refund.
pub(super) async fn view(
    ctx: &RequestContext,
    db: &Db,
    r: &SessionRecord,
) -> Result<SessionView, Failure> {
    let refund = outbox::refund_of(db, &r.id)
        .await
        .map_err(|e| ctx.internal("loading a refund", e))?;
    Ok(SessionView::of(r, refund))
}

/// Saves an ended session with its settlement and queues the refund, in the caller's
/// transaction: a session is never settled without its refund, nor refunded twice
/// (one outbox row per session).
pub(super) async fn save_settled(
    ctx: &RequestContext,
    db: &Db,
    r: &SessionRecord,
    settlement: &Settlement,
    seen: Option<OffsetDateTime>,
    actor: &str,
) -> Result<(), TxError> {
    if !sessions::save(db, r, seen, Some(settlement)).await? {
        return Err(contended());
    }
    if settlement.refunded > Fen::ZERO {
        outbox::insert_refund(
            db,
            &r.id,
            r.payment_txn.as_deref(),
            settlement.refunded.0,
            ctx.now,
        )
        .await?;
    }
    let after = serde_json::json!({
        "charged_fen": settlement.charged.0, "refunded_fen": settlement.refunded.0,
        "energy_wh": settlement.energy.0, "reason": settlement.reason,
    });
    let entry = AuditEntry::new(
        actor,
        "power.session.settle",
        format!("power/session/{}", r.id),
        ctx.now,
        None,
        Some(&after),
    );
    yingshang_kit::audit::record(ctx, db, &entry).await?;
    Ok(())
}

/// `POST /sessions`: orders a prepaid session on a socket (Idempotency-Key required).
pub async fn create(ctx: &RequestContext, db: &Db, req: Request) -> Result<Answer, Failure> {
    let caller = customer(ctx, db, &req).await?;
    let path = super::path_and_query(&req);
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    let request: CreateSessionRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    let claim = match begin(ctx, db, &parts.headers, &caller, "POST", &path, &bytes).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Fresh(claim) => claim,
        Begin::Unkeyed => return Err(PowerError::IdempotencyKeyRequired.into()),
    };
    let answer = match create_session(ctx, db, &caller, &request, &claim).await {
        Ok(answer) => answer,
        Err(failure) => failure.respond(ctx),
    };
    claim.finish(ctx, db, &answer).await?;
    Ok(answer)
}

async fn create_session(
    ctx: &RequestContext,
    db: &Db,
    caller: &Principal,
    request: &CreateSessionRequest,
    claim: &Claim,
) -> Result<Answer, Failure> {
    let socket = store::socket(db, &request.socket_id)
        .await
        .map_err(|e| ctx.internal("loading a socket", e))?
        .ok_or(PowerError::SocketNotFound)?;
    let busy = sessions::active_of_socket(db, &socket.socket_id)
        .await
        .map_err(|e| ctx.internal("loading a socket's session", e))?;
    if busy.is_some() {
        return Err(PowerError::SocketBusy.into());
    }
    let session = Session::new(socket.meter.clone(), Fen(request.prepaid_fen), ctx.now)
        .map_err(PowerError::Session)?;
    let r = SessionRecord {
        id: ulid(ctx.now),
        socket_id: socket.socket_id.clone(),
        site_id: socket.site_id.to_string(),
        owner: caller.audit_actor(),
        status: STATUS_CREATED.to_owned(),
        session,
        version: 1,
        payment_txn: None,
        created_at: unix_ms(ctx.now),
        last_seen_at: None,
    };
    let after = serde_json::json!({ "socket_id": r.socket_id, "prepaid_fen": request.prepaid_fen });
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "power.session.create",
        format!("power/session/{}", r.id),
        ctx.now,
        None,
        Some(&after),
    );
    let meter = socket.meter.to_string();
    let answer = json(ctx, 201, &SessionView::of(&r, None));
    tx::retrying(ctx, db, "creating a session", async |db: &Db| {
        sessions::insert(db, &r, &meter).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        claim.store(db, &answer).await
    })
    .await?;
    Ok(answer)
}

/// `GET /sessions/{id}`: usage, cost and balance, for its customer.
pub async fn show(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let caller = customer(ctx, db, &req).await?;
    let r = own_session(ctx, db, &caller, id).await?;
    Ok(json(ctx, 200, &view(ctx, db, &r).await?))
}

/// `POST /sessions/{id}/stop`: the customer stops. A paid session is settled and the
/// rest refunded; an unpaid one is cancelled; an ended one answers as it is.
pub async fn stop(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    id: &str,
) -> Result<Answer, Failure> {
    let caller = customer(ctx, db, &req).await?;
    own_session(ctx, db, &caller, id).await?;
    let actor = caller.audit_actor();
    tx::retrying(ctx, db, "stopping a session", async |db: &Db| {
        let mut r = sessions::by_id(db, id)
            .await?
            .ok_or(PowerError::SessionNotFound)?;
        match r.session.state() {
            SessionState::Ended { .. } => {}
            _ if r.status == STATUS_CANCELLED => {}
            SessionState::Created => {
                r.status = STATUS_CANCELLED.to_owned();
                if !sessions::save(db, &r, None, None).await? {
                    return Err(contended());
                }
            }
            SessionState::Active => {
                let (ended, settlement) = r
                    .session
                    .close(EndReason::CustomerStop, ctx.now)
                    .map_err(PowerError::Session)?;
                r.session = ended;
                r.status = status_of(&r.session).to_owned();
                save_settled(ctx, db, &r, &settlement, None, &actor).await?;
            }
        }
        Ok(())
    })
    .await?;
    let r = own_session(ctx, db, &caller, id).await?;
    Ok(json(ctx, 200, &view(ctx, db, &r).await?))
}

/// The power answer for a refused confirmation.
fn refused(why: PaymentRefusal) -> PowerError {
    match why {
        PaymentRefusal::TxnUsedElsewhere => PowerError::PaymentConflict,
        PaymentRefusal::UnknownTarget => PowerError::SessionNotFound,
        PaymentRefusal::AmountMismatch { due, got } => PowerError::AmountMismatch {
            expected: due.0,
            paid: got.0,
        },
        // Paid already, so no longer awaiting payment (the core session's own answer
        // when activated twice).
        PaymentRefusal::AlreadyPaidByOther => PowerError::Session(SessionError::NotAwaitingPayment),
    }
}

/// `POST /payments/confirmations`: the payment channel confirms a prepay; the body is
/// signed (HMAC-SHA256 of the raw body under `payment_channel_secret`, hex, in
/// `x-channel-signature`). Idempotent by the channel's transaction id.
pub async fn confirm_payment(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
) -> Result<Answer, Failure> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    yingshang_kit::channel::verify(ctx, &parts.headers, &bytes).await?;
    let c: ConfirmationRequest = parse_json(&parts.headers, &bytes, DEFAULT_JSON_LIMIT)?;
    if !is_ulid(&c.session_id) {
        return Err(PowerError::SessionNotFound.into());
    }
    let actor = "payment-channel";
    let id = c.session_id.as_str();
    tx::retrying(ctx, db, "confirming a payment", async |db: &Db| {
        let (txn, amount) = (c.transaction_id.as_str(), Fen(c.amount_fen));
        let load = async |db: &Db| {
            let session = sessions::by_id(db, id).await?;
            Ok(session.map(|r| {
                let due = r.session.prepaid();
                let paid = r.payment_txn.is_some();
                (r, Payable { due, paid })
            }))
        };
        let mut r = match payments::confirm(db, &sessions::PAYMENTS, txn, id, amount, load).await? {
            Confirmed::Apply(session) => session,
            // A repeated confirmation: nothing changes, the same answer.
            Confirmed::Replay => return Ok(()),
            Confirmed::Refuse(why) => return Err(refused(why).into()),
        };
        if r.status == STATUS_CANCELLED {
            return Err(PowerError::Session(SessionError::NotAwaitingPayment).into());
        }
        if let Some(other) = sessions::active_of_socket(db, &r.socket_id).await?
            && other.id != r.id
        {
            return Err(PowerError::SocketBusy.into());
        }
        let socket = store::socket(db, &r.socket_id)
            .await?
            .ok_or(PowerError::SocketNotFound)?;
        // With the socket off, its register does not move: the socket's newest reading
        // is where this session starts, and readings not newer than it bill nothing.
        let activated = match socket.mark() {
            Some(mark) => r.session.activate_after(ctx.now, Some(mark)),
            // A register stored before sequence numbers were kept with it.
            None => r.session.activate(
                ctx.now,
                socket.last_register.map(|register| Baseline {
                    register,
                    at: ctx.now,
                }),
            ),
        };
        r.session = activated.map_err(PowerError::Session)?;
        r.status = status_of(&r.session).to_owned();
        r.payment_txn = Some(c.transaction_id.clone());
        if !payments::record(db, &sessions::PAYMENTS, txn, id, amount, ctx.now).await? {
            return Err(contended());
        }
        if !sessions::save(db, &r, Some(ctx.now), None).await? {
            return Err(contended());
        }
        let after =
            serde_json::json!({ "transaction_id": c.transaction_id, "amount_fen": c.amount_fen });
        let entry = AuditEntry::new(
            actor,
            "power.session.activate",
            format!("power/session/{id}"),
            ctx.now,
            None,
            Some(&after),
        );
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok(())
    })
    .await?;
    let r = sessions::by_id(db, id)
        .await
        .map_err(|e| ctx.internal("reloading a session", e))?
        .ok_or(PowerError::SessionNotFound)?;
    Ok(json(ctx, 200, &view(ctx, db, &r).await?))
}
