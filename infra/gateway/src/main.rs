//! `yingshang`: the command line of the local edge runtime. `yingshang up` mirrors
//! `spin up`.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use yingshang_gateway::app::{UpOptions, up};
use yingshang_gateway::instances::ReuseConfig;

/// Every request allocates a few dozen small blocks (hyper, wasmtime's component
/// calls, the headers copied into and out of the guest); mimalloc's thread-local
/// free lists make those cheaper than glibc's malloc, which took about a tenth of
/// the gateway's CPU time under load (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "yingshang",
    version,
    about = "Runs a Spin application on Yingshang's gateway"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build what is missing, then serve the application (like `spin up`).
    Up(UpArgs),
    /// Development helpers for the embedded defaults.
    #[command(subcommand)]
    Dev(DevCommand),
    /// Agency API keys in the application's database (the state folder's SQLite `default`, or `--database-url`).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Apply the schema to a database before a deployment: every migration file not
    /// applied yet, each once, in order, recorded with its checksum (a changed file
    /// is refused). Safe to run again.
    Migrate {
        /// `postgres://user:password@host:port/dbname` (the PostgreSQL set), or
        /// `sqlite://PATH` / a file path (the SQLite set).
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        /// The application manifest whose migrations folders to apply.
        #[arg(short = 'f', long = "from", default_value = "spin.toml")]
        from: PathBuf,
    },
    /// Render the production manifests from spin.toml: the SpinKube SpinApp, Spin's
    /// runtime configuration per database backend, one Kubernetes CronJob per schedule.
    Deploy(DeployArgs),
}

#[derive(clap::Args)]
struct DeployArgs {
    /// The folder to write the files to (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// The application image (`spin registry push <image>`).
    #[arg(long)]
    image: String,
    /// Replicas of the SpinApp.
    #[arg(long, default_value_t = 2)]
    replicas: u32,
    /// SpinKube executor.
    #[arg(long, default_value = "spintainer")]
    executor: String,
    /// A non-secret variable's production value, NAME=VALUE (repeatable).
    #[arg(long = "set", value_parser = parse_set)]
    set: Vec<(String, String)>,
    /// The libSQL (Turso) URL for the SQLite backend's `default` database.
    #[arg(long, requires = "libsql_token")]
    libsql_url: Option<String>,
    /// Its token (better given through the environment).
    #[arg(long, env = "LIBSQL_TOKEN", hide_env_values = true)]
    libsql_token: Option<String>,
    /// The image the CronJobs call routes with (`sh` and `curl`).
    #[arg(long, default_value = "curlimages/curl:8.10.1")]
    curl_image: String,
    /// The application manifest.
    #[arg(short = 'f', long = "from", default_value = "spin.toml")]
    from: PathBuf,
}

fn parse_set(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{s}`: expected NAME=VALUE"))
}

/// Runs `deploy`: writes the rendered files and names them.
fn deploy_command(args: DeployArgs) -> anyhow::Result<()> {
    let manifest = yingshang_gateway::manifest::Manifest::load(&args.from)?;
    let options = yingshang_gateway::deploy::Options {
        image: args.image,
        replicas: args.replicas,
        executor: args.executor,
        set: args.set.into_iter().collect(),
        libsql: args.libsql_url.zip(args.libsql_token),
        curl_image: args.curl_image,
    };
    let files = yingshang_gateway::deploy::render(&manifest, &options)?;
    std::fs::create_dir_all(&args.out)?;
    for (name, text) in files {
        let path = args.out.join(&name);
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Runs `migrate`: the manifest's PostgreSQL or SQLite migrations, by the URL's form.
fn migrate_command(database_url: &str, from: &std::path::Path) -> anyhow::Result<()> {
    let manifest = yingshang_gateway::manifest::Manifest::load(from)?;
    let tool = yingshang_gateway::app_tool::AppTool::of(&manifest)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let applied = runtime.block_on(async {
        if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            let dir = tool.postgres_migrations_dir(&manifest).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: no postgres_migrations in [application.tool.yingshang]",
                    from.display()
                )
            })?;
            yingshang_gateway::migrations::apply_postgres(database_url, &dir).await
        } else {
            let path = database_url
                .strip_prefix("sqlite://")
                .unwrap_or(database_url);
            let dir = tool.migrations_dir(&manifest).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: no migrations in [application.tool.yingshang]",
                    from.display()
                )
            })?;
            let pool =
                yingshang_gateway::databases::open_pool(std::path::Path::new(path), 1).await?;
            let applied = yingshang_gateway::migrations::apply(&pool, &dir).await;
            pool.close().await;
            applied
        }
    })?;
    if applied.is_empty() {
        println!("up to date: nothing to apply");
    } else {
        for name in applied {
            println!("applied {name}");
        }
    }
    Ok(())
}

/// Where `keys` finds the keys: a state folder's SQLite database or a PostgreSQL one.
#[derive(clap::Args)]
struct KeysWhere {
    /// The state folder `yingshang up` used (its `default` SQLite database).
    #[arg(long, default_value = ".yingshang")]
    state_dir: PathBuf,
    /// The application's PostgreSQL database (`postgres://…`, as its `database_url`),
    /// instead of the state folder's SQLite database.
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a key; it is printed once, only its hash is stored.
    Create {
        /// The agency the key acts for.
        #[arg(long)]
        agency: String,
        /// A scope such as `valuation:import` (repeatable).
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Days until it expires (never, when absent).
        #[arg(long)]
        expires_days: Option<u32>,
        #[command(flatten)]
        at: KeysWhere,
    },
    /// Revoke a key by its id (the 16 hex digits after `ysk_`).
    Revoke {
        /// The key id.
        key_id: String,
        #[command(flatten)]
        at: KeysWhere,
    },
    /// List keys (never their secrets).
    List {
        #[command(flatten)]
        at: KeysWhere,
    },
}

/// Runs a `keys` command against the state folder's `default` database or the
/// PostgreSQL database given.
fn keys_command(command: KeysCommand) -> anyhow::Result<()> {
    let at = match &command {
        KeysCommand::Create { at, .. }
        | KeysCommand::Revoke { at, .. }
        | KeysCommand::List { at } => at,
    };
    let (url, state_dir) = (at.database_url.clone(), at.state_dir.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        use yingshang_gateway::keys;
        let store = keys::KeyStore::open(url.as_deref(), &state_dir).await?;
        match command {
            KeysCommand::Create {
                agency,
                scopes,
                expires_days,
                ..
            } => {
                println!(
                    "{}",
                    keys::create(&store, &agency, &scopes, expires_days).await?
                );
            }
            KeysCommand::Revoke { key_id, .. } => {
                anyhow::ensure!(
                    keys::revoke(&store, &key_id).await?,
                    "no active key `{key_id}`"
                );
                println!("revoked {key_id}");
            }
            KeysCommand::List { .. } => {
                for k in keys::list(&store).await? {
                    println!(
                        "{}\t{}\t{}\t{}",
                        k.key_id,
                        k.agency_id,
                        k.scopes,
                        if k.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        }
                    );
                }
            }
        }
        store.close().await;
        anyhow::Ok(())
    })
}

#[derive(Subcommand)]
enum DevCommand {
    /// Print a bearer token for a demo user, signed with the state folder's secret.
    Token {
        /// citizen, enterprise, officer or agency_staff.
        #[arg(long, default_value = "citizen")]
        role: String,
        /// The user's id.
        #[arg(long)]
        sub: Option<String>,
        /// Enterprise credit code or agency id (a demo one by default).
        #[arg(long)]
        org: Option<String>,
        /// Hours of validity.
        #[arg(long, default_value_t = 12)]
        hours: i64,
        /// The resident ID number the identity provider verified (claim `id_number`):
        /// a citizen asking for a tax assessment must be its buyer.
        #[arg(long)]
        id_number: Option<String>,
        /// The state folder `yingshang up` used.
        #[arg(long, default_value = ".yingshang")]
        state_dir: PathBuf,
    },
    /// Print the bootstrap agency API key of the state folder.
    Key {
        /// The state folder `yingshang up` used.
        #[arg(long, default_value = ".yingshang")]
        state_dir: PathBuf,
    },
}

#[derive(clap::Args)]
struct UpArgs {
    /// The application manifest.
    #[arg(short = 'f', long = "from", default_value = "spin.toml")]
    from: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// Address for Prometheus metrics (`/metrics`).
    #[arg(long, default_value = "127.0.0.1:3001")]
    admin_listen: SocketAddr,
    /// Directory for databases and compiled code (default: `.yingshang` beside the manifest).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Runtime configuration file (Spin's format).
    #[arg(long)]
    runtime_config_file: Option<PathBuf>,
    /// Set an application variable: NAME=VALUE (repeatable).
    #[arg(long = "variable", value_parser = parse_kv)]
    variables: Vec<(String, String)>,
    /// Do not run build commands.
    #[arg(long)]
    no_build: bool,
    /// Do not run schedules.
    #[arg(long)]
    no_schedules: bool,
    /// Do not cache compiled code on disk.
    #[arg(long)]
    no_cache: bool,
    /// Requests per instance: N or MIN..MAX (drawn per instance).
    #[arg(long, default_value = "128")]
    max_instance_reuse_count: String,
    /// Concurrent requests per instance: N or MIN..MAX (Spin's default is 16; see
    /// `ReuseConfig::default` for why ours is 1).
    #[arg(long, default_value = "1")]
    max_instance_concurrent_reuse_count: String,
    /// Idle time before an instance is dropped, in ms: N or MIN..MAX.
    #[arg(long, default_value = "1000")]
    idle_instance_timeout_ms: String,
    /// Request time limit in seconds.
    #[arg(long, default_value_t = 30)]
    request_timeout_secs: u64,
    /// Time a request body has to arrive, in seconds, from when the component
    /// first reads it; each KiB received adds a second, so a flowing upload is
    /// never cut off. A late body gets 408.
    #[arg(long, default_value_t = 10)]
    body_timeout_secs: u64,
    /// Memory cap per instance in MiB.
    #[arg(long, default_value_t = 128)]
    memory_cap_mib: usize,
    /// Requests in flight at most.
    #[arg(long, default_value_t = 1000)]
    max_concurrent_requests: usize,
    /// Address of the embedded object store (default: 127.0.0.1, any free port).
    #[arg(long)]
    object_store_listen: Option<SocketAddr>,
}

fn parse_kv(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{s}` is not NAME=VALUE"))
}

fn parse_range(s: &str) -> Result<std::ops::RangeInclusive<u64>, String> {
    let (a, b) = s.split_once("..").unwrap_or((s, s));
    let a: u64 = a
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not N or MIN..MAX"))?;
    let b: u64 = b
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not N or MIN..MAX"))?;
    if a > b || a == 0 {
        return Err(format!("`{s}`: need 0 < MIN <= MAX"));
    }
    Ok(a..=b)
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,wasmtime=warn,cranelift=warn,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let args = match cli.command {
        Command::Up(args) => args,
        Command::Dev(DevCommand::Token {
            role,
            sub,
            org,
            hours,
            id_number,
            state_dir,
        }) => {
            let secret = yingshang_gateway::dev::secret(&state_dir, "auth_jwt_secret")?;
            let membership = yingshang_gateway::dev::membership(&role, org.as_deref())?;
            let sub = sub.unwrap_or_else(|| format!("demo-{}", role.replace('_', "-")));
            println!(
                "{}",
                yingshang_gateway::dev::token(
                    &secret,
                    &sub,
                    membership,
                    hours,
                    id_number.as_deref()
                )?
            );
            return Ok(());
        }
        Command::Keys(command) => return keys_command(command),
        Command::Deploy(args) => return deploy_command(args),
        Command::Migrate { database_url, from } => {
            return migrate_command(&database_url, &from);
        }
        Command::Dev(DevCommand::Key { state_dir }) => {
            println!(
                "{}",
                yingshang_gateway::dev::secret(&state_dir, "bootstrap_api_key")?
            );
            return Ok(());
        }
    };
    let reuse = {
        let r = parse_range(&args.max_instance_reuse_count).map_err(anyhow::Error::msg)?;
        let c =
            parse_range(&args.max_instance_concurrent_reuse_count).map_err(anyhow::Error::msg)?;
        let i = parse_range(&args.idle_instance_timeout_ms).map_err(anyhow::Error::msg)?;
        ReuseConfig {
            max_reuse: *r.start() as usize..=*r.end() as usize,
            max_concurrent: *c.start() as usize..=*c.end() as usize,
            idle_timeout: Duration::from_millis(*i.start())..=Duration::from_millis(*i.end()),
        }
    };
    let mut options = UpOptions::new(args.from.clone());
    options.listen = args.listen;
    options.admin_listen = Some(args.admin_listen);
    if let Some(d) = args.state_dir {
        options.state_dir = d;
    }
    options.runtime_config_file = args.runtime_config_file;
    options.variables = args.variables.into_iter().collect();
    options.build = !args.no_build;
    options.schedules = !args.no_schedules;
    options.cache = !args.no_cache;
    options.reuse = reuse;
    options.request_timeout = Duration::from_secs(args.request_timeout_secs);
    options.body_timeout = Duration::from_secs(args.body_timeout_secs);
    options.memory_cap = args.memory_cap_mib << 20;
    options.max_concurrent_requests = args.max_concurrent_requests;
    options.object_store_listen = args.object_store_listen;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let running = up(options).await?;
        eprintln!("Serving http://{}", running.addr);
        if let Some(a) = running.object_store_addr {
            eprintln!("Object store at http://{a}");
        }
        if let Some(a) = running.admin_addr {
            eprintln!("Metrics at http://{a}/metrics");
        }
        let trigger = running.trigger();
        tokio::spawn(async move {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("installing the SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            let _sent = trigger.send(true);
        });
        running.wait().await;
        anyhow::Ok(())
    })
}
