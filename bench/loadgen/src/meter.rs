//! The meter webhook workload: set-up through the operator API (a site, sockets with
//! device secrets, a flat tariff, one paid session per socket), readings signed at
//! send time, and the end-of-run check that each session was charged exactly the
//! energy of the readings the server acknowledged.
//!
//! Each connection owns its meters, so a meter's readings go out one at a time in
//! sequence order (as a real meter sends them) and no lock is shared.

use crate::args::MeterArgs;
use crate::drive::Lane;
use crate::http::{Conn, Req};
use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use http_body_util::Full;
use hyper::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use yingshang_core::metering::{MicroFen, MilliAmp, SocketModelSpec};
use yingshang_core::security::channel::sign_body;
use yingshang_core::security::device::sign_device_request;

/// Where a new meter's register starts (the baseline reading sent at set-up).
const FIRST_REGISTER_WH: u64 = 1_000;
/// 0.60 yuan per kWh, in micro-fen, as the e2e tests use.
const PRICE_MICRO_FEN_PER_KWH: u64 = 60_000_000;

/// One meter's identity and what the generator saw happen to it.
#[derive(Debug, Clone)]
pub struct Meter {
    id: String,
    path: String,
    secret: String,
    session: String,
    seq: u64,
    register: u64,
    baseline: u64,
    /// The register of the last reading of the request awaiting its answer.
    pending_register: u64,
    /// The sequence numbers of the request awaiting its answer.
    pending_seqs: std::ops::RangeInclusive<u64>,
    /// Acknowledged (2xx) readings and the energy and money they were charged.
    acked: u64,
    acked_energy: u64,
    acked_charge: i64,
    last_acked_register: u64,
    /// 2xx answers that did not say "charged" and "keep_on".
    anomalies: u64,
    /// Readings whose request was refused (non-2xx) or not answered.
    refused: u64,
    unanswered: u64,
    first_problem: Option<String>,
}

impl Meter {
    fn problem(&mut self, what: String) {
        self.first_problem.get_or_insert(what);
    }
}

/// The meters of one connection.
pub struct MeterLane {
    meters: Vec<Meter>,
    cursor: usize,
    current: usize,
    step_wh: u64,
    /// Readings per request.
    batch: usize,
    nonce_prefix: String,
    nonces: u64,
}

fn reading_body(seq: u64, register: u64) -> String {
    let at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .expect("the current time formats as RFC 3339");
    // A healthy reading (220 V, 2 A, 440 W, 30 °C, no leakage): no protection trips.
    format!(
        r#"{{"seq":{seq},"at":"{at}","register":{register},"voltage":2200,"current":2000,"power":440,"temperature":300,"residual":0,"relay":"on","events":[]}}"#
    )
}

/// A signed `POST …/readings` (the device rule of `yingshang_core::security::device`).
fn signed_reading(m: &Meter, nonce: &str, body: String) -> Req {
    let ts = OffsetDateTime::now_utc().unix_timestamp();
    let sig = sign_device_request(
        "POST",
        &m.path,
        ts,
        nonce,
        body.as_bytes(),
        m.secret.as_bytes(),
    )
    .expect("a device secret of ≥ 16 bytes signs");
    hyper::Request::post(&m.path)
        .header("content-type", "application/json")
        .header("x-device-id", &m.id)
        .header("x-timestamp", ts.to_string())
        .header("x-nonce", nonce)
        .header("x-signature", sig)
        .body(Full::new(Bytes::from(body)))
        .expect("a valid request")
}

impl Lane for MeterLane {
    fn next(&mut self) -> Req {
        self.current = self.cursor;
        self.cursor = (self.cursor + 1) % self.meters.len();
        self.nonces += 1;
        let nonce = format!("{}{:012}", self.nonce_prefix, self.nonces);
        let m = &mut self.meters[self.current];
        // The meter's register moves whether or not the server hears about it.
        let first = m.seq + 1;
        let mut readings = Vec::with_capacity(self.batch);
        for _ in 0..self.batch {
            m.seq += 1;
            m.register += self.step_wh;
            readings.push(reading_body(m.seq, m.register));
        }
        m.pending_register = m.register;
        m.pending_seqs = first..=m.seq;
        let body = if self.batch == 1 {
            readings.pop().expect("one reading")
        } else {
            format!(r#"{{"readings":[{}]}}"#, readings.join(","))
        };
        signed_reading(m, &nonce, body)
    }

    fn answered(&mut self, status: StatusCode, body: &[u8]) {
        let m = &mut self.meters[self.current];
        let readings = m.pending_seqs.clone().count() as u64;
        if !status.is_success() {
            m.refused += readings;
            let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
            m.problem(format!("seq {:?}: {status} {text}", m.pending_seqs));
            return;
        }
        let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let outcomes = v["outcomes"].as_array().map_or(&[][..], Vec::as_slice);
        let expected: Vec<u64> = m.pending_seqs.clone().collect();
        let seqs: Vec<u64> = outcomes.iter().filter_map(|o| o["seq"].as_u64()).collect();
        let all_charged = outcomes.iter().all(|o| o["outcome"] == "charged");
        m.acked += readings;
        if seqs == expected && all_charged && v["command"] == "keep_on" {
            for o in outcomes {
                m.acked_energy += o["energy"].as_u64().unwrap_or(0);
                m.acked_charge += o["charge"].as_i64().unwrap_or(0);
            }
            m.last_acked_register = m.pending_register;
        } else {
            m.anomalies += 1;
            m.problem(format!("seq {:?}: 2xx but {v}", m.pending_seqs));
        }
    }

    fn failed(&mut self) {
        let m = &mut self.meters[self.current];
        m.unanswered += m.pending_seqs.clone().count() as u64;
        m.problem(format!("seq {:?}: no answer", m.pending_seqs));
    }
}

/// The set-up: everything the readings need, made through the API.
pub struct Setup {
    meters: Vec<Meter>,
    token: String,
    run: u32,
}

async fn call(
    conn: &mut Conn,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut b = hyper::Request::builder().method(method).uri(path);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    if body.is_some() {
        b = b.header("content-type", "application/json");
    }
    let req = b.body(Full::new(Bytes::from(body.unwrap_or_default())))?;
    let (status, bytes) = conn
        .send(req)
        .await
        .with_context(|| format!("{method} {path}"))?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

fn expect(what: &str, got: (StatusCode, Value), want: &[u16]) -> anyhow::Result<Value> {
    if !want.contains(&got.0.as_u16()) {
        bail!("{what}: {} {}", got.0, got.1);
    }
    Ok(got.1)
}

/// Creates the site, `a.meters` sockets with their secrets and a paid session each,
/// and sends each meter's baseline reading.
pub async fn setup(authority: &str, a: &MeterArgs) -> anyhow::Result<Setup> {
    let key = a
        .agency_key
        .as_deref()
        .context("--agency-key is required")?;
    let token = a.token.clone().context("--token is required")?;
    let channel = a
        .channel_secret
        .as_deref()
        .context("--channel-secret is required")?;
    ensure!(a.meters < 1_000_000, "at most 999999 meters");
    let clock = OffsetDateTime::now_utc();
    let run = a
        .run_id
        .unwrap_or((clock.unix_timestamp() % 100_000) as u32);
    let mut conn = Conn::new(authority);
    let operator = format!("Bearer {key}");
    let customer = format!("Bearer {token}");
    let site = format!("loadgen-{run:05}");
    expect(
        "PUT site",
        call(
            &mut conn,
            "PUT",
            &format!("/api/power/sites/{site}"),
            &[("authorization", &operator)],
            Some(serde_json::to_vec(&json!({ "name": "loadgen" }))?),
        )
        .await?,
        &[200, 201],
    )?;
    let spec = SocketModelSpec::with_defaults("S10", MilliAmp(10_000));
    let mut meters = Vec::with_capacity(a.meters);
    for i in 0..a.meters {
        let id = format!("9{run:05}{i:06}");
        let socket = format!("lg{run:05}-{i:06}");
        let secret = format!("lg-secret-{run:05}-{i:06}-{:x}", clock.nanosecond());
        let body = json!({
            "site_id": site, "meter_id": id, "device_secret": secret,
            "models": [{ "effective_from": "2024-01-01T00:00:00Z", "model": spec }],
            "tariff": [{ "effective_from": "2024-01-01T00:00:00Z",
                         "tariff": { "kind": "flat", "price": PRICE_MICRO_FEN_PER_KWH } }],
        });
        let path = format!("/api/power/sockets/{socket}");
        let r = call(
            &mut conn,
            "PUT",
            &path,
            &[("authorization", &operator)],
            Some(serde_json::to_vec(&body)?),
        )
        .await?;
        expect("PUT socket", r, &[201])?;
        let idem = format!("lg-order-{run:05}-{i:06}");
        let order = json!({ "socket_id": socket, "prepaid_fen": a.prepaid_fen });
        let r = call(
            &mut conn,
            "POST",
            "/api/power/sessions",
            &[("authorization", &customer), ("idempotency-key", &idem)],
            Some(serde_json::to_vec(&order)?),
        )
        .await?;
        let session = expect("POST session", r, &[201])?["session_id"]
            .as_str()
            .context("no session_id")?
            .to_owned();
        let paid = serde_json::to_vec(&json!({
            "transaction_id": format!("LG-{run:05}-{i:06}"), "session_id": session,
            "amount_fen": a.prepaid_fen,
        }))?;
        let sig = sign_body(channel.as_bytes(), &paid).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let r = call(
            &mut conn,
            "POST",
            "/api/power/payments/confirmations",
            &[("x-channel-signature", &sig)],
            Some(paid),
        )
        .await?;
        let v = expect("payment confirmation", r, &[200])?;
        ensure!(
            v["status"] == "active",
            "session not active after payment: {v}"
        );
        let mut m = Meter {
            path: format!("/api/power/meters/{id}/readings"),
            id,
            secret,
            session,
            seq: 1,
            register: FIRST_REGISTER_WH,
            baseline: FIRST_REGISTER_WH,
            pending_register: 0,
            acked: 0,
            acked_energy: 0,
            acked_charge: 0,
            last_acked_register: FIRST_REGISTER_WH,
            // Empty: nothing pending yet.
            pending_seqs: std::ops::RangeInclusive::new(1, 0),
            anomalies: 0,
            refused: 0,
            unanswered: 0,
            first_problem: None,
        };
        let nonce = format!("lg{run:05}setup{i:012}");
        let (status, bytes) = conn
            .send(signed_reading(
                &m,
                &nonce,
                reading_body(1, FIRST_REGISTER_WH),
            ))
            .await?;
        let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        ensure!(
            status == 200 && v["outcomes"][0]["outcome"] == "baseline",
            "baseline reading of meter {}: {status} {v}",
            m.id
        );
        m.pending_register = FIRST_REGISTER_WH;
        meters.push(m);
    }
    Ok(Setup { meters, token, run })
}

impl Setup {
    /// Deals the meters round-robin to `n` connections.
    pub fn lanes(self, n: usize, step_wh: u64, batch: usize) -> (Vec<MeterLane>, String) {
        let mut lanes: Vec<MeterLane> = (0..n)
            .map(|l| MeterLane {
                meters: Vec::new(),
                cursor: 0,
                current: 0,
                step_wh,
                batch,
                nonce_prefix: format!("lg{:05}c{l:04}n", self.run),
                nonces: 0,
            })
            .collect();
        for (i, m) in self.meters.into_iter().enumerate() {
            lanes[i % n].meters.push(m);
        }
        (lanes, self.token)
    }
}

/// The result of the end-of-run check.
#[derive(Debug)]
pub struct Verification {
    /// Meters checked.
    pub meters: usize,
    /// Meters whose session matches what was acknowledged.
    pub matching: usize,
    /// Readings answered 2xx, in all.
    pub acked: u64,
    /// Energy charged to all sessions, Wh (from the API).
    pub energy_wh: u64,
    /// Money charged to all sessions, fen (from the API).
    pub charged_fen: i64,
    /// Readings refused or unanswered.
    pub failed: u64,
    /// What went wrong, for the first few meters that did not match.
    pub problems: Vec<String>,
}

impl Verification {
    /// True if every session was charged exactly what was acknowledged.
    pub fn passed(&self) -> bool {
        self.matching == self.meters
    }

    /// The machine-readable form.
    pub fn to_json(&self) -> Value {
        json!({
            "passed": self.passed(), "meters": self.meters, "matching": self.matching,
            "acked_readings": self.acked, "energy_wh": self.energy_wh,
            "charged_fen": self.charged_fen, "failed_readings": self.failed,
            "problems": self.problems,
        })
    }
}

/// Reads every session back through the API and compares it with what the server
/// acknowledged: the charged energy must equal the sum of the acknowledged
/// readings' energy (nothing double-charged, nothing charged without an answer),
/// that sum must equal the last acknowledged register minus the baseline (nothing
/// acknowledged was lost), and the money must be their charges rounded to the fen.
pub async fn verify(
    authority: &str,
    lanes: &[MeterLane],
    token: &str,
) -> anyhow::Result<Verification> {
    let mut conn = Conn::new(authority);
    let auth = format!("Bearer {token}");
    let mut v = Verification {
        meters: 0,
        matching: 0,
        acked: 0,
        energy_wh: 0,
        charged_fen: 0,
        failed: 0,
        problems: Vec::new(),
    };
    for m in lanes.iter().flat_map(|l| &l.meters) {
        let path = format!("/api/power/sessions/{}", m.session);
        let s = expect(
            "GET session",
            call(&mut conn, "GET", &path, &[("authorization", &auth)], None).await?,
            &[200],
        )?;
        let energy = s["energy_wh"].as_u64().unwrap_or(u64::MAX);
        let fen = s["charged_fen"].as_i64().unwrap_or(i64::MIN);
        let want_fen = MicroFen(m.acked_charge).to_fen_half_up().0;
        v.meters += 1;
        v.acked += m.acked;
        v.energy_wh += energy;
        v.charged_fen += fen;
        v.failed += m.refused + m.unanswered;
        let ok = s["status"] == "active"
            && energy == m.acked_energy
            && m.acked_energy == m.last_acked_register - m.baseline
            && fen == want_fen
            && m.anomalies == 0;
        if ok {
            v.matching += 1;
        } else if v.problems.len() < 5 {
            v.problems.push(format!(
                "meter {}: session {} {} energy {} Wh (acked {} Wh, register rise {} Wh), \
                 {} fen (acked {} fen), {} anomalies, {} refused, {} unanswered; first: {}",
                m.id,
                m.session,
                s["status"],
                energy,
                m.acked_energy,
                m.last_acked_register - m.baseline,
                fen,
                want_fen,
                m.anomalies,
                m.refused,
                m.unanswered,
                m.first_problem.as_deref().unwrap_or("-"),
            ));
        }
    }
    Ok(v)
}
