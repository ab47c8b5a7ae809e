//! A throwaway PostgreSQL server for the end-to-end tests: one cluster per test
//! binary, in a temporary data directory, listening on a free loopback port, with
//! one fresh database per gateway. Debian's `postgresql` package provides the
//! server (`.ci/run` installs it); `YINGSHANG_TEST_PG_BIN` may name another `bin`
//! folder. When the test process ends, for whatever reason, the server stops and
//! its data directory is deleted: it runs under a shell that waits on a pipe from
//! this process and cleans up once the pipe closes.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// The running cluster: its port, and the shell that keeps it (its stdin is the
/// pipe whose closing stops the server).
pub struct Cluster {
    /// The loopback port it listens on.
    pub port: u16,
    _keeper: Mutex<Child>,
}

fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("YINGSHANG_TEST_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    match versions.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "the PostgreSQL end-to-end tests need a PostgreSQL server: install Debian's \
             `postgresql` package (as .ci/run does) or set YINGSHANG_TEST_PG_BIN to the \
             folder holding initdb and postgres"
        ),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A command run as the `postgres` user when we are root (the server refuses to run
/// as root), as ourselves otherwise.
fn as_server_user(program: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", program]);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

fn start() -> Cluster {
    let bin = bin_dir();
    let root = tempfile::Builder::new()
        .prefix("yingshang-pg-")
        .tempdir()
        .expect("a temporary folder")
        .keep();
    if is_root() {
        let status = Command::new("chown")
            .args(["postgres:", &root.display().to_string()])
            .status()
            .expect("chown");
        assert!(
            status.success(),
            "chown of the PostgreSQL data folder failed"
        );
    }
    let data = root.join("data");
    let out = as_server_user(&bin.join("initdb").display().to_string())
        .args(["-D", &data.display().to_string()])
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ])
        .stdout(Stdio::null())
        .output()
        .expect("run initdb");
    assert!(
        out.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = free_port();
    // The keeper: starts the server, waits until our end of the pipe closes (this
    // process ended), then stops it fast and deletes everything.
    let script = format!(
        "{postgres} -D {data} -p {port} -k {root} -c listen_addresses=127.0.0.1 \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
         -c max_connections=400 -c shared_buffers=128MB >{root}/log 2>&1 & \
         pid=$!; cat >/dev/null; kill -INT $pid; wait $pid; rm -rf {root}",
        postgres = sh_quote(&bin.join("postgres")),
        data = sh_quote(&data),
        root = sh_quote(&root),
    );
    // Not waited on: the keeper lives as long as this process, and its pipe closing
    // at exit is what stops the server.
    #[allow(clippy::zombie_processes)]
    let keeper = as_server_user("sh")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start the PostgreSQL keeper");
    let ready = bin.join("pg_isready");
    for _ in 0..300 {
        let ok = Command::new(&ready)
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Cluster {
                port,
                _keeper: Mutex::new(keeper),
            };
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(root.join("log")).unwrap_or_default();
    panic!("PostgreSQL did not start on port {port}: {log}");
}

/// The cluster of this test binary, started at first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(start)
}

impl Cluster {
    /// `postgres://host:port`, as an allowed outbound host.
    pub fn host(&self) -> String {
        format!("postgres://127.0.0.1:{}", self.port)
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{name}?sslmode=disable",
            self.port
        )
    }

    /// A new, empty database for one gateway; its URL.
    pub fn fresh_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let name = format!("t{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let bin = bin_dir();
        let out = Command::new(bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .args(["-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c"])
            .arg(format!("CREATE DATABASE {name}"))
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "CREATE DATABASE {name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.url(&name)
    }
}

/// Keeps the keeper's pipe open for the life of the process (dropping the `Child`
/// would not close it, but be explicit about why the handle is held).
impl Drop for Cluster {
    fn drop(&mut self) {
        if let Ok(mut k) = self._keeper.lock()
            && let Some(mut stdin) = k.stdin.take()
        {
            let _ = stdin.flush();
        }
    }
}
