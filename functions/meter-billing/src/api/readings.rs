//! The meter's webhook: signed readings, one at a time, in a batch buffered while
//! offline, or as a raw DL/T 645-2007 reply frame forwarded by a 4G data unit. Each
//! is billed by the core against the socket's active session; the answer tells the
//! device to keep on, stay off, or cut off with the reason.

use super::error::PowerError;
use super::sessions::save_settled;
use super::{EXAMPLE_METER, contended, path_and_query};
use crate::store::sessions::{self, SessionRecord, status_of};
use crate::store::{self, SocketRecord};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use spin_sdk::http::Request;
use time::OffsetDateTime;
use yingshang_core::metering::{
    Command, DeviceEvent, MeterId, ModelPlan, Reading, ReadingOutcome, RegisterMark, RelayState,
    SessionState, apply_batch_dated, check_times, command_for, decode_energy_reply,
};
use yingshang_core::metering::{DeciCelsius, DeciVolt, MilliAmp, Watt};
use yingshang_core::openapi::{Caller, Content, Operation, Param, Reply, schema};
use yingshang_kit::body::{DEFAULT_JSON_LIMIT, parse_json, read_body};
use yingshang_kit::device;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::json;
use yingshang_kit::tx::{self, TxError};
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// The most readings one batch may carry.
pub const MAX_BATCH: usize = 500;

/// A batch of readings buffered while offline.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Batch {
    /// 1 to 500 readings.
    #[schemars(length(min = 1, max = 500))]
    readings: Vec<Reading>,
}

/// A reading whose energy register comes as a DL/T 645 reply frame (hex) from the
/// meter; the data unit adds what it measured itself.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct FrameReading {
    seq: u64,
    /// The device's timestamp (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    at: OffsetDateTime,
    /// The meter's reply to "total forward active energy" (control 0x91), hex.
    frame: String,
    voltage: DeciVolt,
    current: MilliAmp,
    power: Watt,
    temperature: DeciCelsius,
    residual: MilliAmp,
    relay: RelayState,
    #[serde(default)]
    events: Vec<DeviceEvent>,
}

/// What a meter posts: one reading, a batch buffered while offline, or a reading
/// whose register is a DL/T 645 reply frame (the three are told apart by their
/// `readings` and `frame` fields). Only a schema: `parse_readings` reads the body.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ReadingsBody {
    Batch(Batch),
    Frame(FrameReading),
    One(Reading),
}

/// The answer to the device.
#[derive(Debug, Serialize, JsonSchema)]
struct ReadingsAnswer {
    meter_id: String,
    session_id: Option<String>,
    /// What the device must do.
    #[serde(flatten)]
    command: Command,
    /// Each reading's outcome, in sequence order.
    outcomes: Vec<SeqOutcome>,
    /// What is left of the prepay, in fen (rounded half-up), while a session runs.
    balance_fen: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct SeqOutcome {
    seq: u64,
    #[serde(flatten)]
    outcome: ReadingOutcome,
}

/// Which of the three body forms was sent: `{"readings": [...]}` is a batch,
/// `{"frame": "68 …", …}` a DL/T 645 frame, anything else one reading.
fn parse_readings(
    headers: &spin_sdk::http::HeaderMap,
    bytes: &[u8],
    meter: &MeterId,
) -> Result<Vec<Reading>, Failure> {
    let shape: Option<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(bytes).ok();
    let has = |k: &str| shape.as_ref().is_some_and(|m| m.contains_key(k));
    if has("readings") {
        let batch: Batch = parse_json(headers, bytes, DEFAULT_JSON_LIMIT)?;
        if batch.readings.is_empty() || batch.readings.len() > MAX_BATCH {
            return Err(PowerError::BatchSize.into());
        }
        Ok(batch.readings)
    } else if has("frame") {
        let f: FrameReading = parse_json(headers, bytes, DEFAULT_JSON_LIMIT)?;
        let register = decode_energy_reply(&f.frame, meter).map_err(PowerError::Frame)?;
        Ok(vec![Reading {
            seq: f.seq,
            at: f.at,
            register,
            voltage: f.voltage,
            current: f.current,
            power: f.power,
            temperature: f.temperature,
            residual: f.residual,
            relay: f.relay,
            events: f.events,
        }])
    } else {
        Ok(vec![parse_json(headers, bytes, DEFAULT_JSON_LIMIT)?])
    }
}

fn outcome_code(o: &ReadingOutcome) -> &'static str {
    match o {
        ReadingOutcome::NotActive => "not_active",
        ReadingOutcome::Duplicate { .. } => "duplicate",
        ReadingOutcome::Baseline => "baseline",
        ReadingOutcome::RegisterWentBackwards { .. } => "register_went_backwards",
        ReadingOutcome::Implausible { .. } => "implausible",
        ReadingOutcome::Charged { .. } => "charged",
    }
}

/// The frame problems that are the request's fault (400); a meter's error reply is 422.
const FRAME_400: &[&str] = &[
    "METER_FRAME_BAD_HEX",
    "METER_FRAME_TOO_SHORT",
    "METER_FRAME_BAD_START",
    "METER_FRAME_BAD_END",
    "METER_FRAME_LENGTH_MISMATCH",
    "METER_FRAME_BAD_CHECKSUM",
    "METER_FRAME_BAD_ADDRESS",
    "METER_FRAME_WRONG_ADDRESS",
    "METER_FRAME_UNEXPECTED_CONTROL",
    "METER_FRAME_UNKNOWN_DI",
    "METER_FRAME_BAD_DATA_LENGTH",
    "METER_FRAME_BAD_BCD",
    "METER_FRAME_VALUE_OUT_OF_RANGE",
];

/// `POST /meters/{meter_id}/readings`'s description.
pub const POST_DOC: Operation = Operation {
    id: "postReadings",
    summary: "A meter posts signed readings (one, a batch, or a DL/T 645 frame); the answer is its command",
    description: "电表签名上报读数（单条、离线批量或 DL/T 645 应答帧），按有效电价精确计费并检查八项保护；\
                  应答告知设备保持通电、保持断电或断电及原因。读数时间不得超前服务器5分钟，且须在1900至2100年间。",
    caller: Caller::Device,
    params: &[Param::path(
        "meter_id",
        "The meter's id (12 digits, its DL/T 645 address); the signing device must be this meter. 电表地址。",
        schema::<String>,
    )
    .example(EXAMPLE_METER)],
    body: Content::Json(schema::<ReadingsBody>),
    body_example: Some(
        r#"{"seq": 1, "at": "2026-01-01T12:00:00+08:00", "register": 1000, "voltage": 2200,
            "current": 2000, "power": 440, "temperature": 300, "residual": 0, "relay": "on",
            "events": []}"#,
    ),
    replies: &[Reply::json(
        200,
        "What the socket must do, and each reading's outcome",
        schema::<ReadingsAnswer>,
    )],
    problems: &[
        (400, &["METER_BATCH_SIZE", "METER_READING_DATE_OUT_OF_RANGE"]),
        (400, FRAME_400),
        (404, &["METER_SOCKET_NOT_FOUND"]),
        (409, &["METER_CONTENDED"]),
        (422, &["METER_FRAME_ERROR_REPLY", "METER_READING_IN_FUTURE"]),
    ],
    ..Operation::NEW
};

/// `POST /meters/{meter_id}/readings`, signed by the meter.
///
/// Signing (what a device, a simulator or a load script does; see
/// `yingshang_core::security::device`): with the socket's `device_secret` as the
/// HMAC-SHA256 key, sign the five lines
/// `POST\n/api/power/meters/<meter_id>/readings\n<unix seconds>\n<nonce>\n<hex sha256 of the body>`
/// (no trailing newline; the path exactly as sent, query included), and send
/// `x-device-id: <meter_id>`, `x-timestamp: <unix seconds>` (within ±300 s of the
/// server), `x-nonce: <16–64 of A-Z a-z 0-9 _ ->` (new for every request) and
/// `x-signature: <lower-case hex>`. In a shell:
/// `printf 'POST\n%s\n%s\n%s\n%s' "$path" "$ts" "$nonce" "$(printf %s "$body" | sha256sum | cut -d' ' -f1)" | openssl dgst -sha256 -hmac "$secret"`.
/// A body is one reading `{"seq","at"(RFC 3339),"register"(Wh),"voltage"(0.1 V),
/// "current"(mA),"power"(W),"temperature"(0.1 °C),"residual"(mA),"relay"("on"|"off"),
/// "events":[…]}`, a batch `{"readings":[…]}`, or a frame reading (`"frame"` hex in
/// place of `"register"`).
///
/// Every reading must be dated within the years 1900–2100 and no more than the core's
/// `DEVICE_CLOCK_TOLERANCE` (5 minutes) ahead of the server's clock, else the whole
/// request is refused (4xx) and nothing of it is applied; readings buffered from the
/// past are fine. A reading whose sequence number is not newer than the socket's
/// newest changes neither the socket's register nor its session.
pub async fn post(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    meter_path: &str,
) -> Result<Answer, Failure> {
    let signed_path = path_and_query(&req);
    let (parts, body) = req.into_parts();
    let bytes = read_body(ctx, &parts.headers, body, DEFAULT_JSON_LIMIT).await?;
    // The socket is loaded with the secret (one query per reading, not two); it is
    // the path's socket once `require_own` has matched the device to the path.
    let mut found: Option<SocketRecord> = None;
    let verified = device::verify(
        ctx,
        &parts.headers,
        "POST",
        &signed_path,
        &bytes,
        async |id| {
            let row = store::socket_and_secret_by_meter(db, id.as_str()).await?;
            Ok(row.map(|(socket, secret)| {
                found = Some(socket);
                secret
            }))
        },
    )
    .await?;
    device::require_own(ctx, &verified, meter_path)?;
    let socket = found.ok_or(PowerError::SocketNotFound)?;
    let readings = parse_readings(&parts.headers, &bytes, &socket.meter)?;
    check_times(&readings, ctx.now).map_err(PowerError::Reading)?;
    let actor = format!("device:{}", verified.device_id);
    // The active session is read before the write transaction, which holds the
    // database's one write lock: the shorter it is, the more readings per second
    // the database takes. Nothing is lost by it: the session is saved only if its
    // version is still the one read, else everything is rolled back and read again.
    let read = async |db: &Db| sessions::active_of_socket(db, &socket.socket_id).await;
    let answer = tx::retrying_after_read(ctx, db, "applying readings", read, async |db, active| {
        if !device::remember_nonce(db, &verified).await? {
            return Err(TxError::Refused(device::replayed(ctx, &verified)));
        }
        apply(ctx, db, &socket, &readings, &actor, active).await
    })
    .await?;
    Ok(json(ctx, 200, &answer))
}

async fn apply(
    ctx: &RequestContext,
    db: &Db,
    socket: &SocketRecord,
    readings: &[Reading],
    actor: &str,
    active: Option<SessionRecord>,
) -> Result<ReadingsAnswer, TxError> {
    // The socket's register moves only to a reading newer than its newest.
    let mark = RegisterMark::after(socket.mark(), readings);
    let Some(mut r) = active else {
        // Read before the transaction: a session may have started since.
        if sessions::active_of_socket(db, &socket.socket_id)
            .await?
            .is_some()
        {
            return Err(contended());
        }
        // No session: remember what the meter says, keep the relay off.
        let rows: Vec<_> = readings.iter().map(|r| (r, "no_session")).collect();
        store::insert_readings(db, &socket.meter, None, &rows, ctx.now).await?;
        if let Some(m) = &mark {
            store::set_socket_last(db, &socket.socket_id, m).await?;
        }
        let last = sessions::latest_paid_of_socket(db, &socket.socket_id).await?;
        let command = match last.as_ref().map(|l| l.session.state()) {
            Some(SessionState::Ended { reason }) => Command::CutOff { reason },
            _ => Command::StayOff,
        };
        return Ok(ReadingsAnswer {
            meter_id: socket.meter.to_string(),
            session_id: None,
            command,
            outcomes: Vec::new(),
            balance_fen: None,
        });
    };
    let models: &ModelPlan = &socket.models;
    let decision = apply_batch_dated(&r.session, readings, &socket.tariff, models);
    let rows: Vec<_> = decision
        .outcomes
        .iter()
        .filter_map(|(seq, outcome)| {
            let reading = readings.iter().find(|x| x.seq == *seq)?;
            Some((reading, outcome_code(outcome)))
        })
        .collect();
    store::insert_readings(db, &socket.meter, Some(&r.id), &rows, ctx.now).await?;
    if let Some(m) = &mark {
        store::set_socket_last(db, &socket.socket_id, m).await?;
    }
    for alarm in &decision.alarms {
        store::insert_alarm(db, &ulid(ctx.now), socket, Some(&r.id), alarm, ctx.now).await?;
    }
    // Only duplicates (late, repeated or older readings) leave the session as it was
    // and do not count as seen, so they cannot keep it from the stale sweep. It is
    // saved all the same: the version check notices a stop that came in meanwhile.
    let seen = (decision.session != r.session).then_some(ctx.now);
    r.session = decision.session.clone();
    r.status = status_of(&r.session).to_owned();
    match r.session.settlement() {
        Some(settlement) => save_settled(ctx, db, &r, &settlement, seen, actor).await?,
        None => {
            if !sessions::save(db, &r, seen, None).await? {
                return Err(contended());
            }
        }
    }
    let s = &r.session;
    let charged = s
        .charged()
        .to_fen_half_up()
        .clamp(yingshang_core::money::Fen::ZERO, s.prepaid());
    Ok(ReadingsAnswer {
        meter_id: socket.meter.to_string(),
        session_id: Some(r.id.clone()),
        command: command_for(s),
        outcomes: decision
            .outcomes
            .iter()
            .map(|(seq, outcome)| SeqOutcome {
                seq: *seq,
                outcome: *outcome,
            })
            .collect(),
        balance_fen: Some((s.prepaid() - charged).0),
    })
}
