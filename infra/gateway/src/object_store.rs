//! The embedded object store: an S3-compatible endpoint on loopback (s3s over a
//! folder, s3s-fs), so that functions use one code path — the S3 protocol over
//! outbound HTTP — locally and in production.
//!
//! It starts when the manifest declares `object_store_endpoint` and no provider
//! (`--variable`, `SPIN_VARIABLE_OBJECT_STORE_ENDPOINT`, a non-empty default) gives it
//! a value. It serves `<state-dir>/objects`, creates the bucket that
//! `object_store_bucket` names, and checks every request's SigV4 signature (headers
//! or presigned query, expiry included) against an access key generated once per
//! state folder and kept in `<state-dir>/object-store-credentials.toml` (mode 0600).
//! The endpoint and credentials reach components as Spin variables. Keys and
//! buckets that could leave their bucket's folder are refused ([`guard`]) before
//! s3s-fs sees them.

use crate::manifest::Manifest;
use crate::variables::Resolver;
use anyhow::Context as _;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub mod cors;
pub mod guard;

/// The variable whose absence (no value) starts the embedded store.
pub const ENDPOINT_VAR: &str = "object_store_endpoint";
/// The bucket variable.
pub const BUCKET_VAR: &str = "object_store_bucket";
/// The region variable.
pub const REGION_VAR: &str = "object_store_region";
/// The access key id variable.
pub const ACCESS_KEY_VAR: &str = "object_store_access_key_id";
/// The secret access key variable.
pub const SECRET_KEY_VAR: &str = "object_store_secret_access_key";
/// The addressing-style variable (`"true"`: path style).
pub const PATH_STYLE_VAR: &str = "object_store_path_style";
/// The region used when none is configured.
pub const DEFAULT_REGION: &str = "cn-central-1";
/// The bucket used when none is configured.
pub const DEFAULT_BUCKET: &str = "yingshang";
/// The credentials file, inside the state directory.
pub const CREDENTIALS_FILE: &str = "object-store-credentials.toml";
/// The objects folder, inside the state directory.
pub const OBJECTS_DIR: &str = "objects";

/// The generated credentials of one state folder.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoreCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

impl std::fmt::Debug for StoreCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .finish()
    }
}

impl StoreCredentials {
    /// Loads the state folder's credentials, generating and saving them (mode 0600)
    /// the first time.
    pub fn load_or_create(state_dir: &Path) -> anyhow::Result<StoreCredentials> {
        let path = state_dir.join(CREDENTIALS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let c: StoreCredentials = toml::from_str(&text)
                    .with_context(|| format!("while reading {}", path.display()))?;
                anyhow::ensure!(
                    !c.access_key_id.is_empty() && c.secret_access_key.len() >= 16,
                    "{}: the access key id is empty or the secret is shorter than 16 characters",
                    path.display()
                );
                Ok(c)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let c = StoreCredentials::generate();
                write_private(&path, &toml::to_string(&c)?)
                    .with_context(|| format!("while writing {}", path.display()))?;
                Ok(c)
            }
            Err(e) => Err(e).with_context(|| format!("while reading {}", path.display())),
        }
    }

    /// Fresh random credentials: a 20-character key id and a 40-character secret.
    pub fn generate() -> StoreCredentials {
        let mut rng = rand::rng();
        let id: String = (0..18)
            .map(|_| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[rng.random_range(0..32)]))
            .collect();
        let secret: String = (&mut rng)
            .sample_iter(rand::distr::Alphanumeric)
            .take(40)
            .map(char::from)
            .collect();
        StoreCredentials {
            access_key_id: format!("YS{id}"),
            secret_access_key: secret,
        }
    }
}

/// Creates `path` readable and writable by the owner only, then writes `text`.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Whether `name` is a bucket name S3 accepts (3–63 of `a-z 0-9 . -`, starting and
/// ending with a letter or digit, no `..`).
pub fn valid_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !name.contains("..")
}

/// A running embedded store. Dropping it stops accepting connections.
pub struct EmbeddedStore {
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http://<addr>`, as handed to components.
    pub endpoint: String,
    /// The bucket it created.
    pub bucket: String,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl EmbeddedStore {
    /// Starts the embedded store if the manifest asks for object storage and no
    /// external endpoint is configured; then provides its endpoint, region, bucket,
    /// credentials and path style to `resolver`.
    pub async fn start_if_needed(
        manifest: &Manifest,
        resolver: &mut Resolver,
        state_dir: &Path,
        listen: Option<SocketAddr>,
    ) -> anyhow::Result<Option<EmbeddedStore>> {
        if !manifest.variables.contains_key(ENDPOINT_VAR) {
            return Ok(None);
        }
        if resolver
            .get(ENDPOINT_VAR)
            .is_some_and(|v| !v.trim().is_empty())
        {
            tracing::info!(
                "object storage: external endpoint configured, embedded store not started"
            );
            return Ok(None);
        }
        let bucket = match resolver.get(BUCKET_VAR) {
            Some(b) if !b.is_empty() => b.to_owned(),
            _ => DEFAULT_BUCKET.to_owned(),
        };
        anyhow::ensure!(
            valid_bucket_name(&bucket),
            "{}: variables.{BUCKET_VAR}: `{bucket}` is not a valid bucket name (3-63 of a-z, 0-9, '.', '-')",
            manifest.path.display()
        );
        let credentials = StoreCredentials::load_or_create(state_dir)?;
        let root = state_dir.join(OBJECTS_DIR);
        std::fs::create_dir_all(root.join(&bucket))
            .with_context(|| format!("while creating the bucket folder in {}", root.display()))?;
        let store = EmbeddedStore::start(
            &root,
            &credentials,
            listen.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0))),
            bucket,
        )
        .await?;
        resolver.provide(ENDPOINT_VAR, store.endpoint.clone(), false);
        resolver.provide(BUCKET_VAR, store.bucket.clone(), false);
        if resolver.get(REGION_VAR).is_none_or(str::is_empty) {
            resolver.provide(REGION_VAR, DEFAULT_REGION.to_owned(), false);
        }
        resolver.provide(ACCESS_KEY_VAR, credentials.access_key_id.clone(), false);
        resolver.provide(SECRET_KEY_VAR, credentials.secret_access_key.clone(), true);
        resolver.provide(PATH_STYLE_VAR, "true".to_owned(), false);
        tracing::info!(endpoint = %store.endpoint, bucket = %store.bucket, "embedded object store serving");
        Ok(Some(store))
    }

    /// Serves `root` (one folder per bucket) on `listen`, accepting only requests
    /// signed with `credentials`.
    pub async fn start(
        root: &Path,
        credentials: &StoreCredentials,
        listen: SocketAddr,
        bucket: String,
    ) -> anyhow::Result<EmbeddedStore> {
        let fs = s3s_fs::FileSystem::new(root)
            .map_err(|e| anyhow::anyhow!("{e:?}"))
            .with_context(|| format!("while opening the object folder {}", root.display()))?;
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.clone(),
        ));
        builder.set_access(guard::KeyGuard);
        let service = builder.build();
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("while binding the object store listener {listen}"))?;
        let addr = listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(serve(listener, service, stop_rx));
        Ok(EmbeddedStore {
            addr,
            endpoint: format!("http://{addr}"),
            bucket,
            stop,
            task,
        })
    }

    /// Stops accepting, lets requests in flight finish, then returns.
    pub async fn stop(self) {
        let _sent = self.stop.send(true);
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "object store task failed during shutdown");
        }
    }
}

async fn serve(
    listener: TcpListener,
    service: s3s::service::S3Service,
    mut stop: watch::Receiver<bool>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        // `changed()` also ends the loop when the store handle is dropped.
        let stream = tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((s, _)) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "object store: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let conn = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(stream), with_cors(service.clone()))
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "object store connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// The store's service, answering CORS preflights and marking answers to allowed
/// origins readable ([`cors`]).
fn with_cors(
    service: s3s::service::S3Service,
) -> impl hyper::service::Service<
    http::Request<hyper::body::Incoming>,
    Response = http::Response<s3s::Body>,
    Error = s3s::HttpError,
    Future = impl Future<Output = Result<http::Response<s3s::Body>, s3s::HttpError>> + Send,
> + Clone {
    hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
        let service = service.clone();
        async move {
            if cors::is_preflight(req.method(), req.headers()) {
                return Ok(cors::preflight_response(req.headers()));
            }
            let origin = req.headers().get("origin").cloned();
            let mut answer = hyper::service::Service::call(&service, req).await?;
            cors::decorate(origin.as_ref(), answer.headers_mut());
            Ok(answer)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_generated_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let a = StoreCredentials::load_or_create(dir.path()).unwrap();
        let b = StoreCredentials::load_or_create(dir.path()).unwrap();
        assert_eq!(a.access_key_id, b.access_key_id);
        assert_eq!(a.secret_access_key, b.secret_access_key);
        assert_eq!(a.access_key_id.len(), 20);
        assert_eq!(a.secret_access_key.len(), 40);
        let other = StoreCredentials::load_or_create(tempfile::tempdir().unwrap().path()).unwrap();
        assert_ne!(a.secret_access_key, other.secret_access_key);
        assert!(!format!("{a:?}").contains(&a.secret_access_key));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(CREDENTIALS_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn bucket_names() {
        assert!(valid_bucket_name("yingshang"));
        assert!(valid_bucket_name("ys-uploads.2026"));
        assert!(!valid_bucket_name("ab"));
        assert!(!valid_bucket_name("Upper"));
        assert!(!valid_bucket_name("-lead"));
        assert!(!valid_bucket_name("a..b"));
        assert!(!valid_bucket_name("../etc"));
    }

    fn manifest(vars: &str) -> Manifest {
        Manifest::parse(
            Path::new("spin.toml"),
            &format!(
                "spin_manifest_version = 2\n[application]\nname = \"t\"\n[variables]\n{vars}\n[component.c]\nsource = \"c.wasm\"\n"
            ),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn starts_only_when_no_endpoint_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(
            "object_store_endpoint = { default = \"\" }\nobject_store_bucket = { default = \"files\" }",
        );
        let mut r =
            Resolver::resolve(&m, &Default::default(), |_| None, &Default::default()).unwrap();
        let store = EmbeddedStore::start_if_needed(&m, &mut r, dir.path(), None)
            .await
            .unwrap()
            .expect("embedded store");
        assert_eq!(r.get(ENDPOINT_VAR), Some(store.endpoint.as_str()));
        assert!(store.addr.ip().is_loopback());
        assert_eq!(r.get(PATH_STYLE_VAR), Some("true"));
        assert_eq!(r.get(REGION_VAR), Some(DEFAULT_REGION));
        assert!(dir.path().join("objects/files").is_dir());
        let secret = r.get(SECRET_KEY_VAR).unwrap().to_owned();
        assert_eq!(r.redact(&format!("s={secret}")), "s=***");
        // Unsigned requests are refused.
        let resp = reqwest::get(format!("{}/files/x", store.endpoint))
            .await
            .unwrap();
        assert_eq!(resp.status(), 403);
        assert!(resp.headers().get("access-control-allow-origin").is_none());
        // A page on the gateway (another loopback port) may upload: S3's CORS answers.
        let client = reqwest::Client::new();
        let preflight = |origin: &str, method: &str| {
            client
                .request(
                    reqwest::Method::OPTIONS,
                    format!("{}/files/a/b.png", store.endpoint),
                )
                .header("origin", origin)
                .header("access-control-request-method", method)
                .header(
                    "access-control-request-headers",
                    "content-type,x-amz-checksum-sha256",
                )
                .send()
        };
        let ok = preflight("http://127.0.0.1:3000", "PUT").await.unwrap();
        assert_eq!(ok.status(), 200);
        assert_eq!(
            ok.headers()["access-control-allow-origin"],
            "http://127.0.0.1:3000"
        );
        assert_eq!(
            ok.headers()["access-control-allow-headers"],
            "content-type,x-amz-checksum-sha256"
        );
        for (origin, method) in [
            ("https://evil.example", "PUT"),
            ("http://127.0.0.1:3000", "DELETE"),
        ] {
            let refused = preflight(origin, method).await.unwrap();
            assert_eq!(refused.status(), 403, "{origin} {method}");
            assert!(
                refused
                    .headers()
                    .get("access-control-allow-origin")
                    .is_none()
            );
        }
        // The store's own answer (here: the refusal of an unsigned PUT) is readable
        // by an allowed origin, and still a refusal.
        let put = client
            .put(format!("{}/files/a/b.png", store.endpoint))
            .header("origin", "http://localhost:3000")
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 403);
        assert_eq!(
            put.headers()["access-control-allow-origin"],
            "http://localhost:3000"
        );
        assert!(!dir.path().join("objects/files/a/b.png").exists());
        store.stop().await;

        let mut r = Resolver::resolve(
            &m,
            &Default::default(),
            |k| {
                (k == "SPIN_VARIABLE_OBJECT_STORE_ENDPOINT")
                    .then(|| "https://oss.example".to_owned())
            },
            &Default::default(),
        )
        .unwrap();
        let none = EmbeddedStore::start_if_needed(&m, &mut r, dir.path(), None)
            .await
            .unwrap();
        assert!(none.is_none());
        assert_eq!(r.get(ENDPOINT_VAR), Some("https://oss.example"));

        let plain = manifest("other = { default = \"x\" }");
        let mut r =
            Resolver::resolve(&plain, &Default::default(), |_| None, &Default::default()).unwrap();
        assert!(
            EmbeddedStore::start_if_needed(&plain, &mut r, dir.path(), None)
                .await
                .unwrap()
                .is_none()
        );
    }
}
