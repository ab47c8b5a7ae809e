//! The only place with the metering SQL (named constants, `$1…$n` in order, the
//! subset SQLite and PostgreSQL share) and the Spin calls that run it. Tables are
//! those of `infra/migrations/sqlite/0003_metering.sql`, with the owning agency and
//! the socket's newest sequence number of `0008_power_ownership.sql`.
//!
//! - this module: sites, sockets (with the device secret), readings, alarms;
//! - [`sessions`]: sessions and payments;
//! - [`outbox`]: the refund outbox, the local channel stand-in, statements.

pub mod dashboard;
pub mod outbox;
pub mod sessions;

use time::OffsetDateTime;
use yingshang_core::metering::{
    Alarm, MeterId, ModelPlan, Reading, RegisterMark, RelayState, SiteId, TariffPlan, Wh,
};
use yingshang_kit::clock::{from_unix_ms, unix_ms};
use yingshang_kit::db::{self, Db, DbError, Row};

// The owning agency is set when the site is created and never changed by an update.
const UPSERT_SITE: &str = "INSERT INTO power_sites (site_id, name, operator, owner_agency, \
     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (site_id) DO UPDATE \
     SET name = excluded.name, operator = excluded.operator, updated_at = excluded.updated_at";
const SELECT_SITE: &str = "SELECT name, owner_agency FROM power_sites WHERE site_id = $1";
const SELECT_SITES_OF_AGENCY: &str = "SELECT site_id FROM power_sites WHERE owner_agency = $1";

/// A socket query with the columns [`socket_of`] reads, as one constant string.
macro_rules! select_socket {
    ($extra:literal, $filter:literal) => {
        concat!(
            "SELECT socket_id, site_id, meter_id, models, tariff, last_register_wh, \
             last_reading_at, last_seq, owner_agency",
            $extra,
            " FROM power_sockets WHERE ",
            $filter
        )
    };
}
const SELECT_SOCKET: &str = select_socket!("", "socket_id = $1");
const SELECT_SOCKET_BY_METER: &str = select_socket!("", "meter_id = $1");
// A reading's one look-up: the socket to bill and the secret its signature is checked with.
const SELECT_SOCKET_AND_SECRET_BY_METER: &str = select_socket!(", device_secret", "meter_id = $1");
const INSERT_SOCKET: &str = "INSERT INTO power_sockets (socket_id, site_id, meter_id, device_secret, \
     models, tariff, owner_agency, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
// Another meter is another device: its register and sequence numbers start afresh.
const UPDATE_SOCKET: &str = "UPDATE power_sockets SET site_id = $1, \
     last_register_wh = CASE WHEN meter_id = $2 THEN last_register_wh ELSE NULL END, \
     last_reading_at = CASE WHEN meter_id = $2 THEN last_reading_at ELSE NULL END, \
     last_seq = CASE WHEN meter_id = $2 THEN last_seq ELSE NULL END, meter_id = $2, \
     device_secret = COALESCE($3, device_secret), models = $4, tariff = $5, updated_at = $6 \
     WHERE socket_id = $7";
// Only a newer sequence number moves the register, also when two requests race.
const UPDATE_SOCKET_LAST: &str = "UPDATE power_sockets SET last_register_wh = $1, \
     last_reading_at = $2, last_seq = $3 WHERE socket_id = $4 \
     AND (last_seq IS NULL OR last_seq < $3)";

const INSERT_READINGS_HEAD: &str = "INSERT INTO power_readings (meter_id, seq, session_id, at, \
     register_wh, voltage_dv, current_ma, power_w, temp_dc, residual_ma, relay, outcome, \
     received_at) VALUES ";
/// The parameters of one reading's row.
const READING_PARAMS: usize = 13;
/// Readings per insert statement (208 parameters): a device's batch of 16 in one.
pub const READINGS_PER_INSERT: usize = 16;
const INSERT_ALARM: &str = "INSERT INTO power_alarms (id, site_id, socket_id, meter_id, session_id, \
     seq, at, protection, alarm, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

pub(crate) use yingshang_kit::db::corrupt;

/// A site.
#[derive(Debug, Clone)]
pub struct SiteRecord {
    /// Its name.
    pub name: String,
    /// The operator agency that created it (`None`: a site from before ownership was
    /// recorded whose creator is unknown; no agency may change it).
    pub owner_agency: Option<String>,
}

/// A socket as the billing needs it (never the device secret).
#[derive(Debug, Clone)]
pub struct SocketRecord {
    /// The id.
    pub socket_id: String,
    /// Its site.
    pub site_id: SiteId,
    /// Its meter (the device id that signs readings).
    pub meter: MeterId,
    /// Dated thresholds.
    pub models: ModelPlan,
    /// Dated tariffs.
    pub tariff: TariffPlan,
    /// The register of the newest reading seen, if any.
    pub last_register: Option<Wh>,
    /// Its device time.
    pub last_reading_at: Option<OffsetDateTime>,
    /// Its sequence number.
    pub last_seq: Option<u64>,
    /// The operator agency that created it (`None`: unknown, see [`SiteRecord`]).
    pub owner_agency: Option<String>,
}

impl SocketRecord {
    /// Where the socket's meter stands, if it was ever read.
    pub fn mark(&self) -> Option<RegisterMark> {
        Some(RegisterMark {
            seq: self.last_seq?,
            register: self.last_register?,
            at: self.last_reading_at?,
        })
    }
}

fn socket_of(row: &Row) -> Result<SocketRecord, DbError> {
    let site = row.text(1)?;
    let meter = row.text(2)?;
    Ok(SocketRecord {
        socket_id: row.text(0)?,
        site_id: SiteId::parse(&site).map_err(|e| corrupt("power_sockets.site_id", e))?,
        meter: MeterId::parse(&meter).map_err(|e| corrupt("power_sockets.meter_id", e))?,
        models: serde_json::from_str(&row.text(3)?)
            .map_err(|e| corrupt("power_sockets.models", e))?,
        tariff: serde_json::from_str(&row.text(4)?)
            .map_err(|e| corrupt("power_sockets.tariff", e))?,
        last_register: row.opt_int(5)?.map(|n| Wh(u64::try_from(n).unwrap_or(0))),
        last_reading_at: row.opt_int(6)?.map(from_unix_ms),
        last_seq: row.opt_int(7)?.map(|n| u64::try_from(n).unwrap_or(0)),
        owner_agency: row.opt_text(8)?,
    })
}

/// Creates a site owned by `agency`, or renames it (its owner stays). `operator` is
/// the actor making the change.
pub async fn upsert_site(
    db: &Db,
    site: &SiteId,
    name: &str,
    operator: &str,
    agency: &str,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    db.execute(
        UPSERT_SITE,
        vec![
            db::text(site.as_str()),
            db::text(name),
            db::text(operator),
            db::text(agency),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
}

/// A site, if it exists.
pub async fn site(db: &Db, site: &str) -> Result<Option<SiteRecord>, DbError> {
    let row = db.query_one(SELECT_SITE, vec![db::text(site)]).await?;
    row.map(|r| {
        Ok(SiteRecord {
            name: r.text(0)?,
            owner_agency: r.opt_text(1)?,
        })
    })
    .transpose()
}

/// The ids of the sites an agency owns.
pub async fn sites_of_agency(db: &Db, agency: &str) -> Result<Vec<String>, DbError> {
    let rows = db
        .query(SELECT_SITES_OF_AGENCY, vec![db::text(agency)])
        .await?;
    rows.iter().map(|r| r.text(0)).collect()
}

/// A socket by its id.
pub async fn socket(db: &Db, socket_id: &str) -> Result<Option<SocketRecord>, DbError> {
    let row = db
        .query_one(SELECT_SOCKET, vec![db::text(socket_id)])
        .await?;
    row.as_ref().map(socket_of).transpose()
}

/// The socket of a meter.
pub async fn socket_by_meter(db: &Db, meter: &str) -> Result<Option<SocketRecord>, DbError> {
    let row = db
        .query_one(SELECT_SOCKET_BY_METER, vec![db::text(meter)])
        .await?;
    row.as_ref().map(socket_of).transpose()
}

/// The socket of a meter with its device secret (to verify the meter's signature;
/// the secret is never answered). One query, as a reading needs both.
pub async fn socket_and_secret_by_meter(
    db: &Db,
    meter: &str,
) -> Result<Option<(SocketRecord, String)>, DbError> {
    let row = db
        .query_one(SELECT_SOCKET_AND_SECRET_BY_METER, vec![db::text(meter)])
        .await?;
    row.map(|r| Ok((socket_of(&r)?, r.text(9)?))).transpose()
}

/// A socket's set-up as the operator gives it.
pub struct SocketSetup<'a> {
    /// The id.
    pub socket_id: &'a str,
    /// Its site.
    pub site_id: &'a SiteId,
    /// Its meter.
    pub meter: &'a MeterId,
    /// A new device secret (`None` keeps the stored one on update).
    pub device_secret: Option<&'a str>,
    /// Dated thresholds.
    pub models: &'a ModelPlan,
    /// Dated tariffs.
    pub tariff: &'a TariffPlan,
    /// The agency creating it (kept on update: a socket belongs to its creator).
    pub agency: &'a str,
}

/// Inserts (`create`) or updates a socket.
pub async fn save_socket(
    db: &Db,
    s: &SocketSetup<'_>,
    create: bool,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let models = serde_json::to_string(s.models).map_err(|e| corrupt("models", e))?;
    let tariff = serde_json::to_string(s.tariff).map_err(|e| corrupt("tariff", e))?;
    if create {
        db.execute(
            INSERT_SOCKET,
            vec![
                db::text(s.socket_id),
                db::text(s.site_id.as_str()),
                db::text(s.meter.as_str()),
                db::text(s.device_secret.unwrap_or_default()),
                db::text(models),
                db::text(tariff),
                db::text(s.agency),
                db::int(unix_ms(now)),
            ],
        )
        .await
        .map(drop)
    } else {
        db.execute(
            UPDATE_SOCKET,
            vec![
                db::text(s.site_id.as_str()),
                db::text(s.meter.as_str()),
                db::opt_text(s.device_secret),
                db::text(models),
                db::text(tariff),
                db::int(unix_ms(now)),
                db::text(s.socket_id),
            ],
        )
        .await
        .map(drop)
    }
}

/// Moves a socket's register to `mark`, if its sequence number is newer than the
/// stored one (the core's [`RegisterMark::after`] decides; the condition in the SQL
/// keeps it so when two requests race).
pub async fn set_socket_last(db: &Db, socket_id: &str, mark: &RegisterMark) -> Result<(), DbError> {
    db.execute(
        UPDATE_SOCKET_LAST,
        vec![
            db::int(i64::try_from(mark.register.0).unwrap_or(i64::MAX)),
            db::int(unix_ms(mark.at)),
            db::int(i64::try_from(mark.seq).unwrap_or(i64::MAX)),
            db::text(socket_id),
        ],
    )
    .await
    .map(drop)
}

/// Stores readings with their outcomes, each once per meter and sequence number (a
/// repeat is ignored), up to [`READINGS_PER_INSERT`] rows per
/// statement: a batch of 16 is one statement instead of 16 round trips through the
/// host while the write transaction holds the database's one write lock.
pub async fn insert_readings(
    db: &Db,
    meter: &MeterId,
    session_id: Option<&str>,
    readings: &[(&Reading, &str)],
    now: OffsetDateTime,
) -> Result<(), DbError> {
    for chunk in readings.chunks(READINGS_PER_INSERT) {
        let mut params = Vec::with_capacity(chunk.len() * READING_PARAMS);
        for (r, outcome) in chunk {
            let relay = match r.relay {
                RelayState::On => "on",
                RelayState::Off => "off",
            };
            params.extend([
                db::text(meter.as_str()),
                db::int(i64::try_from(r.seq).unwrap_or(i64::MAX)),
                db::opt_text(session_id),
                db::int(unix_ms(r.at)),
                db::int(i64::try_from(r.register.0).unwrap_or(i64::MAX)),
                db::int(i64::from(r.voltage.0)),
                db::int(i64::from(r.current.0)),
                db::int(i64::from(r.power.0)),
                db::int(i64::from(r.temperature.0)),
                db::int(i64::from(r.residual.0)),
                db::text(relay),
                db::text(*outcome),
                db::int(unix_ms(now)),
            ]);
        }
        db.execute(&insert_readings_sql(chunk.len()), params)
            .await?;
    }
    Ok(())
}

/// The insert of `rows` readings (see [`db::values_rows`]).
fn insert_readings_sql(rows: usize) -> String {
    format!(
        "{INSERT_READINGS_HEAD}{} ON CONFLICT (meter_id, seq) DO NOTHING",
        db::values_rows(0, READING_PARAMS, rows)
    )
}

/// Stores an alarm for the operator (its `protection` column holds the alarm's code:
/// the protection that tripped, or `implausible_rise`).
pub async fn insert_alarm(
    db: &Db,
    id: &str,
    socket: &SocketRecord,
    session_id: Option<&str>,
    alarm: &Alarm,
    now: OffsetDateTime,
) -> Result<(), DbError> {
    let json = serde_json::to_string(alarm).map_err(|e| corrupt("alarm", e))?;
    db.execute(
        INSERT_ALARM,
        vec![
            db::text(id),
            db::text(socket.site_id.as_str()),
            db::text(socket.socket_id.as_str()),
            db::text(socket.meter.as_str()),
            db::opt_text(session_id),
            db::int(i64::try_from(alarm.seq).unwrap_or(i64::MAX)),
            db::int(unix_ms(alarm.at)),
            db::text(alarm.code()),
            db::text(json),
            db::int(unix_ms(now)),
        ],
    )
    .await
    .map(drop)
}

/// Whether another socket already uses this meter.
pub async fn meter_taken_by_other(
    db: &Db,
    meter: &MeterId,
    socket_id: &str,
) -> Result<bool, DbError> {
    Ok(socket_by_meter(db, meter.as_str())
        .await?
        .is_some_and(|s| s.socket_id != socket_id))
}
