//! Command-line options, parsed by hand: a handful of `--name value` flags does not
//! justify a parser dependency in a benchmark tool.

use anyhow::{Context, bail};
use std::path::PathBuf;
use std::time::Duration;

/// The most readings loadgen puts in one request (what a meter sends in one go:
/// the device API takes batches of up to 500 buffered while offline).
pub const MAX_BATCH: usize = 16;

/// The usage text, printed on `--help` and on a bad flag.
pub const USAGE: &str = "\
loadgen SCENARIO --url http://127.0.0.1:PORT [options]

Scenarios:
  meter   set up a site, --meters sockets with device secrets, a flat tariff and one
          paid session per socket (operator API, payment-channel signature), then post
          signed readings; verify the billing through the API afterwards
  get     GET the paths of --paths FILE (one per line, cycled)
  post    POST the JSON of --body FILE to --path, each with its own Idempotency-Key
          (a new record per request: the write path of an intake)
  script  send the requests of --script FILE (JSON lines with lane, method, path,
          headers, body, expect) once each, in order per lane (one connection per
          lane; closed loop; ends when every lane is done or the duration is up)
  scan    check-in's scan to enter: each connection a pair of officers (a line of
          --tokens FILE) walking its share of the enterprise codes of --codes FILE
          (lane l: lines l, l+L, l+2L, …, each once); officer A's scan must get 202,
          officer B's 201 (any other answer is an error); case-driven, each request
          its own Idempotency-Key; a lane that has used its codes stops

Load (closed loop unless --rate is given):
  --connections N      keep-alive HTTP/1.1 connections (default 32)
  --duration S         measured seconds (default 10)
  --warmup S           seconds of load before measuring (default 2)
  --rate R             open loop: R requests/s at constant intervals; latency from
                       the intended send time (no coordinated omission)

meter:
  --meters M           sockets/meters, a multiple of --connections is best (default 64)
  --agency-key KEY     an agency API key with scope power:operate
  --token TOKEN        a citizen bearer token (owns the sessions)
  --channel-secret S   the application's payment_channel_secret
  --prepaid-fen F      prepay per session (default 100000, i.e. 1000 yuan)
  --step-wh W          register rise per reading (default 1)
  --run-id N           0-99999, makes ids unique per run (default: from the clock)
  --batch B            readings per signed request, 1-16 (default 1: one reading;
                       more: a batch, as a meter sends what it buffered); the
                       summary's readings_per_s counts readings, rps requests

get:
  --paths FILE         paths, one per line
  --header 'k: v'      a header on every request (repeatable; also for post)

post:
  --path PATH          the path to POST to
  --body FILE          the JSON body of every request

script:
  --script FILE        the requests (use --warmup 0: a warm-up would spend them)

scan:
  --tokens FILE        one line per connection: `<officer A token> <officer B token>`
                       (at least --connections lines; the first --connections used)
  --codes FILE         enterprise code URLs (or tokens), one per line
  --item CODE          the inspection item the officers' agency publishes
  --path PATH          where to POST (default /api/checkin/scans)

Output: one JSON line on stdout, a human summary on stderr. Exit code 1 if the
meter verification fails.
";

/// Which workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Signed meter readings.
    Meter,
    /// GETs of a list of paths.
    Get,
    /// POSTs of one JSON body, each with its own idempotency key.
    Post,
    /// A file of requests, each sent once.
    Script,
    /// Check-in's scan to enter, by pairs of officers.
    Scan,
}

/// Everything the command line says.
#[derive(Debug, Clone)]
pub struct Args {
    /// The workload.
    pub scenario: Scenario,
    /// `http://host:port`, no trailing slash.
    pub url: String,
    /// Connections.
    pub connections: usize,
    /// Measured time.
    pub duration: Duration,
    /// Unmeasured time first.
    pub warmup: Duration,
    /// Open-loop rate (requests/s).
    pub rate: Option<f64>,
    /// Meter scenario settings.
    pub meter: MeterArgs,
    /// GET scenario: the paths file.
    pub paths: Option<PathBuf>,
    /// GET and POST scenarios: extra headers.
    pub headers: Vec<(String, String)>,
    /// POST scenario: the path.
    pub post_path: Option<String>,
    /// POST scenario: the body file.
    pub body: Option<PathBuf>,
    /// Script scenario: the requests file.
    pub script: Option<PathBuf>,
    /// Scan scenario: the officers' tokens file.
    pub tokens: Option<PathBuf>,
    /// Scan scenario: the enterprise codes file.
    pub codes: Option<PathBuf>,
    /// Scan scenario: the inspection item.
    pub item: Option<String>,
}

/// The meter scenario's settings.
#[derive(Debug, Clone, Default)]
pub struct MeterArgs {
    /// Number of meters.
    pub meters: usize,
    /// Operator key.
    pub agency_key: Option<String>,
    /// Customer token.
    pub token: Option<String>,
    /// Channel HMAC secret.
    pub channel_secret: Option<String>,
    /// Prepay per session, fen.
    pub prepaid_fen: i64,
    /// Wh per reading.
    pub step_wh: u64,
    /// Unique run number.
    pub run_id: Option<u32>,
    /// Readings per signed request (1: one reading as a plain body; more: a batch
    /// `{"readings": [...]}`, as a meter sends what it buffered).
    pub batch: usize,
}

fn secs(v: &str) -> anyhow::Result<Duration> {
    let s: f64 = v
        .parse()
        .with_context(|| format!("not a number of seconds: {v}"))?;
    anyhow::ensure!(s >= 0.0 && s.is_finite(), "seconds must be ≥ 0: {v}");
    Ok(Duration::from_secs_f64(s))
}

/// Parses `argv` (without the program name).
pub fn parse(argv: impl IntoIterator<Item = String>) -> anyhow::Result<Args> {
    let mut it = argv.into_iter();
    let scenario = match it.next().as_deref() {
        Some("meter") => Scenario::Meter,
        Some("get") => Scenario::Get,
        Some("post") => Scenario::Post,
        Some("script") => Scenario::Script,
        Some("scan") => Scenario::Scan,
        Some("--help" | "-h") | None => bail!("{USAGE}"),
        Some(other) => bail!("unknown scenario `{other}`\n\n{USAGE}"),
    };
    let mut a = Args {
        scenario,
        url: String::new(),
        connections: 32,
        duration: Duration::from_secs(10),
        warmup: Duration::from_secs(2),
        rate: None,
        meter: MeterArgs {
            meters: 64,
            prepaid_fen: 100_000,
            step_wh: 1,
            batch: 1,
            ..MeterArgs::default()
        },
        paths: None,
        headers: Vec::new(),
        post_path: None,
        body: None,
        script: None,
        tokens: None,
        codes: None,
        item: None,
    };
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            bail!("{USAGE}");
        }
        let value = it
            .next()
            .with_context(|| format!("{flag} needs a value\n\n{USAGE}"))?;
        let num = |v: &str| -> anyhow::Result<u64> {
            v.parse()
                .with_context(|| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--url" => a.url = value.trim_end_matches('/').to_owned(),
            "--connections" => a.connections = num(&value)? as usize,
            "--duration" => a.duration = secs(&value)?,
            "--warmup" => a.warmup = secs(&value)?,
            "--rate" => {
                let r: f64 = value.parse().context("--rate: not a number")?;
                anyhow::ensure!(r > 0.0 && r.is_finite(), "--rate must be > 0");
                a.rate = Some(r);
            }
            "--meters" => a.meter.meters = num(&value)? as usize,
            "--agency-key" => a.meter.agency_key = Some(value),
            "--token" => a.meter.token = Some(value),
            "--channel-secret" => a.meter.channel_secret = Some(value),
            "--prepaid-fen" => a.meter.prepaid_fen = num(&value)? as i64,
            "--step-wh" => a.meter.step_wh = num(&value)?,
            "--batch" => a.meter.batch = num(&value)? as usize,
            "--run-id" => a.meter.run_id = Some(num(&value)? as u32 % 100_000),
            "--paths" => a.paths = Some(PathBuf::from(value)),
            "--path" => a.post_path = Some(value),
            "--body" => a.body = Some(PathBuf::from(value)),
            "--script" => a.script = Some(PathBuf::from(value)),
            "--tokens" => a.tokens = Some(PathBuf::from(value)),
            "--codes" => a.codes = Some(PathBuf::from(value)),
            "--item" => a.item = Some(value),
            "--header" => {
                let (k, v) = value
                    .split_once(':')
                    .with_context(|| format!("--header wants `name: value`, got {value}"))?;
                a.headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
            other => bail!("unknown option {other}\n\n{USAGE}"),
        }
    }
    anyhow::ensure!(
        a.url.starts_with("http://"),
        "--url http://host:port is required"
    );
    anyhow::ensure!(a.connections > 0, "--connections must be > 0");
    if a.scenario == Scenario::Post {
        anyhow::ensure!(
            a.post_path.as_deref().is_some_and(|p| p.starts_with('/')) && a.body.is_some(),
            "post needs --path /… and --body FILE"
        );
    }
    if a.scenario == Scenario::Script {
        anyhow::ensure!(a.script.is_some(), "script needs --script FILE");
    }
    if a.scenario == Scenario::Scan {
        let path = a
            .post_path
            .get_or_insert_with(|| "/api/checkin/scans".to_owned());
        anyhow::ensure!(path.starts_with('/'), "--path must start with /");
        anyhow::ensure!(
            a.tokens.is_some()
                && a.codes.is_some()
                && a.item.as_deref().is_some_and(|i| !i.is_empty()),
            "scan needs --tokens FILE, --codes FILE and --item CODE"
        );
    }
    if a.scenario == Scenario::Meter {
        anyhow::ensure!(
            a.meter.meters >= a.connections,
            "--meters must be ≥ --connections: each connection owns its meters, so a \
             meter's readings arrive in order"
        );
        anyhow::ensure!(a.meter.step_wh > 0, "--step-wh must be > 0");
        anyhow::ensure!(
            (1..=MAX_BATCH).contains(&a.meter.batch),
            "--batch must be 1 to {MAX_BATCH}"
        );
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_a_post_run_and_needs_its_path_and_body() {
        let a = parse(argv(
            "post --url http://127.0.0.1:1 --path /api/complaints/cases --body b.json --header k:v",
        ))
        .unwrap();
        assert_eq!(a.scenario, Scenario::Post);
        assert_eq!(a.post_path.as_deref(), Some("/api/complaints/cases"));
        assert_eq!(a.body, Some(PathBuf::from("b.json")));
        assert!(parse(argv("post --url http://127.0.0.1:1 --body b.json")).is_err());
        assert!(parse(argv("post --url http://127.0.0.1:1 --path /x")).is_err());
    }

    #[test]
    fn a_script_run_needs_its_file() {
        let a = parse(argv(
            "script --url http://127.0.0.1:1 --script s.jsonl --warmup 0",
        ))
        .unwrap();
        assert_eq!(a.scenario, Scenario::Script);
        assert_eq!(a.script, Some(PathBuf::from("s.jsonl")));
        assert!(parse(argv("script --url http://127.0.0.1:1")).is_err());
    }

    #[test]
    fn parses_a_scan_run_with_its_default_path_and_needs_its_files_and_item() {
        let a = parse(argv(
            "scan --url http://127.0.0.1:1 --tokens t.txt --codes c.txt --item IT-00-1 --connections 16",
        ))
        .unwrap();
        assert_eq!(a.scenario, Scenario::Scan);
        assert_eq!(a.post_path.as_deref(), Some("/api/checkin/scans"));
        assert_eq!(
            (a.tokens, a.codes, a.item.as_deref(), a.connections),
            (
                Some(PathBuf::from("t.txt")),
                Some(PathBuf::from("c.txt")),
                Some("IT-00-1"),
                16
            )
        );
        let other = parse(argv(
            "scan --url http://127.0.0.1:1 --tokens t --codes c --item i --path /x/scans",
        ))
        .unwrap();
        assert_eq!(other.post_path.as_deref(), Some("/x/scans"));
        for missing in [
            "scan --url http://127.0.0.1:1 --codes c --item i",
            "scan --url http://127.0.0.1:1 --tokens t --item i",
            "scan --url http://127.0.0.1:1 --tokens t --codes c",
            "scan --url http://127.0.0.1:1 --tokens t --codes c --item i --path x",
        ] {
            assert!(parse(argv(missing)).is_err(), "{missing}");
        }
    }

    #[test]
    fn parses_an_open_loop_meter_run() {
        let a = parse(argv(
            "meter --url http://127.0.0.1:1/ --rate 2000 --connections 8 --meters 16 --duration 1.5",
        ))
        .unwrap();
        assert_eq!(a.scenario, Scenario::Meter);
        assert_eq!(a.url, "http://127.0.0.1:1");
        assert_eq!(a.rate, Some(2000.0));
        assert_eq!(a.duration, Duration::from_millis(1500));
        assert_eq!((a.connections, a.meter.meters), (8, 16));
        assert_eq!(a.meter.batch, 1, "one reading per request unless asked");
    }

    #[test]
    fn takes_batches_of_one_to_sixteen_readings() {
        let a = parse(argv("meter --url http://x:1 --batch 16")).unwrap();
        assert_eq!(a.meter.batch, 16);
        assert!(parse(argv("meter --url http://x:1 --batch 0")).is_err());
        assert!(parse(argv("meter --url http://x:1 --batch 17")).is_err());
    }

    #[test]
    fn refuses_fewer_meters_than_connections_and_unknown_flags() {
        assert!(parse(argv("meter --url http://x:1 --connections 8 --meters 4")).is_err());
        assert!(parse(argv("get --url http://x:1 --nope 1")).is_err());
        assert!(parse(argv("get --url http://x:1 --header x")).is_err());
    }
}
