//! A real browser for the end-to-end tests: Debian's headless Chromium driven through
//! ChromeDriver's W3C WebDriver protocol (plain HTTP on loopback), with a phone's
//! screen (360×640). What a person sees is asserted from the page's text; every
//! screen is saved as a PNG under `target/browser-screens/`; the browser's console
//! is read for errors; axe-core checks accessibility.

use crate::workspace_root;
use base64::Engine as _;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the drivers are (Debian's `chromium` and `chromium-driver`; `.ci/run`
/// installs them).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// ChromeDriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How the key of a WebDriver element reference begins.
const ELEMENT_KEY_PREFIX: &str = "element-6066-11e4-";

/// One browser session (its own ChromeDriver process, stopped on drop).
pub struct Browser {
    http: reqwest::Client,
    driver: Child,
    url: String,
    /// Prefix of every screenshot's file name.
    pub name: String,
    shots: usize,
}

impl Drop for Browser {
    /// Ends the session first (ChromeDriver then quits its Chromium: killing the
    /// driver alone would leave the browser running), then stops the driver. Drop
    /// cannot await, so the `DELETE` is written by hand over a blocking socket.
    fn drop(&mut self) {
        if let Some(rest) = self.url.strip_prefix("http://")
            && let Some((addr, path)) = rest.split_once('/')
            && let Ok(mut stream) = std::net::TcpStream::connect(addr)
        {
            use std::io::{Read as _, Write as _};
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /{path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Where screenshots go.
pub fn screens_dir() -> PathBuf {
    let dir = workspace_root().join("target/browser-screens");
    std::fs::create_dir_all(&dir).expect("create target/browser-screens");
    dir
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium with a 360×640 phone screen and
    /// the given `Accept-Language`. `name` prefixes the screenshots.
    pub async fn start(name: &str, lang: &str) -> Browser {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "the browser tests need Debian's chromium and chromium-driver (.ci/run installs them)"
        );
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = http.get(format!("{url}/status")).send().await
                && r.status().is_success()
            {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not answer");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut browser = Browser {
            http,
            driver,
            url,
            name: name.to_owned(),
            shots: 0,
        };
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-extensions", format!("--lang={lang}"),
                ],
                "prefs": {"intl.accept_languages": lang},
                "mobileEmulation": {
                    "deviceMetrics": {"width": 360, "height": 640, "pixelRatio": 2.0, "touch": true},
                    "userAgent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36"
                }
            }
        }}});
        let r = browser.raw("POST", "/session", Some(caps)).await;
        let session = r["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {r}"))
            .to_owned();
        browser.url = format!("{}/session/{session}", browser.url);
        browser
    }

    async fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(m, format!("{}{path}", self.url));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("WebDriver answers");
        let v: Value = r.json().await.expect("WebDriver JSON");
        v["value"].clone()
    }

    async fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let v = self.raw(method, path, body).await;
        if let Some(e) = v.get("error") {
            panic!("WebDriver {method} {path}: {e}: {}", v["message"]);
        }
        v
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url}))).await;
    }

    /// Runs a script in the page (`arguments[i]` are `args`); answers its value.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// Runs an async script (its last argument is the callback); answers its value.
    pub async fn execute_async(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// The visible text of the first element matching `css` once it contains
    /// `expected` (waits up to 15 s; panics with what was there instead).
    pub async fn wait_text(&self, css: &str, expected: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = self
                .execute(
                    "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
                    json!([css]),
                )
                .await;
            if let Some(t) = text.as_str()
                && t.contains(expected)
            {
                return t.to_owned();
            }
            if Instant::now() > deadline {
                let body = self
                    .execute("return document.body.innerText", json!([]))
                    .await;
                panic!("{css} never showed {expected:?} (it showed {text}); the page: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn element(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let v = self
                .raw(
                    "POST",
                    "/element",
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await;
            // An element reference is an object keyed `element-6066-11e4-…` (W3C's
            // key, or ChromeDriver's own variant of it); a miss is an `error`.
            let reference = v.as_object().and_then(|o| {
                o.iter()
                    .find(|(k, _)| k.starts_with(ELEMENT_KEY_PREFIX))
                    .and_then(|(_, id)| id.as_str())
            });
            if let Some(id) = reference {
                return id.to_owned();
            }
            assert!(Instant::now() < deadline, "no element {css}: {v}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the first element matching `css` (waiting for it).
    pub async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})))
            .await;
    }

    /// Types `text` into the first element matching `css` (after clearing it).
    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.cmd("POST", &format!("/element/{id}/clear"), Some(json!({})))
            .await;
        self.cmd(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    /// Saves the screen as `target/browser-screens/<name>-<n>-<what>.png`.
    pub async fn screenshot(&mut self, what: &str) -> PathBuf {
        let png = self.cmd("GET", "/screenshot", None).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().expect("base64 screenshot"))
            .expect("a PNG");
        self.shots += 1;
        let file = screens_dir().join(format!("{}-{:02}-{what}.png", self.name, self.shots));
        std::fs::write(&file, bytes).expect("write screenshot");
        file
    }

    /// The console's errors since the last call (Chromium's browser log: uncaught
    /// exceptions, `console.error`, failed loads).
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self
            .cmd("POST", "/se/log", Some(json!({"type": "browser"})))
            .await;
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// axe-core's violations of impact serious or critical on the current screen
    /// (axe from the web build's own dev dependencies).
    pub async fn serious_accessibility_violations(&self) -> Vec<Value> {
        let axe =
            std::fs::read_to_string(workspace_root().join("web/node_modules/axe-core/axe.min.js"))
                .expect("axe-core is installed (npm ci in web/)");
        self.execute(&axe, json!([])).await;
        let result = self
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical', help: String(e)}]));",
                json!([]),
            )
            .await;
        result
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .cloned()
            .collect()
    }
}
