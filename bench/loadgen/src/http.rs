//! One keep-alive HTTP/1.1 connection (hyper's low-level client), reopened when the
//! server closes it. A request and its whole answer are one `send`.

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A request as the workloads build it.
pub type Req = Request<Full<Bytes>>;

/// `host:port` of an `http://host:port` URL.
pub fn authority(url: &str) -> anyhow::Result<String> {
    let rest = url
        .strip_prefix("http://")
        .context("only http:// URLs are supported")?;
    Ok(rest.split('/').next().unwrap_or(rest).to_owned())
}

/// A connection to one server.
pub struct Conn {
    authority: String,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    /// A connection to `authority` (opened lazily, on the first request).
    pub fn new(authority: &str) -> Conn {
        Conn {
            authority: authority.to_owned(),
            sender: None,
        }
    }

    async fn open(&self) -> anyhow::Result<SendRequest<Full<Bytes>>> {
        let stream = TcpStream::connect(&self.authority)
            .await
            .with_context(|| format!("while connecting to {}", self.authority))?;
        // Small requests and answers: do not let Nagle hold them back.
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .context("while starting HTTP/1.1")?;
        tokio::spawn(async move {
            // Ends when the server closes the connection or the sender is dropped;
            // the next `send` notices and reconnects.
            let _closed = connection.await;
        });
        Ok(sender)
    }

    /// Sends `req` and reads the whole answer. A connection the server closed while
    /// idle is reopened first, so keep-alive limits do not count as errors.
    pub async fn send(&mut self, mut req: Req) -> anyhow::Result<(StatusCode, Bytes)> {
        let ready = match self.sender.as_mut() {
            Some(s) => s.ready().await.is_ok(),
            None => false,
        };
        if !ready {
            self.sender = Some(self.open().await?);
        }
        let sender = self.sender.as_mut().expect("opened above");
        req.headers_mut().insert(
            hyper::header::HOST,
            self.authority.parse().context("host header")?,
        );
        let result = async {
            let answer = sender.send_request(req).await?;
            let status = answer.status();
            let body = answer.into_body().collect().await?.to_bytes();
            anyhow::Ok((status, body))
        }
        .await;
        if result.is_err() {
            // The connection is in an unknown state: start afresh next time.
            self.sender = None;
        }
        result
    }
}
