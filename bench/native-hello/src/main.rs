//! `native-hello ADDR`: the physical limit for `bench/load.sh`. A native hyper
//! HTTP/1.1 server on tokio's multi-threaded runtime (as the gateway's front is)
//! that answers every request with the body and content type of
//! `tests/components/hello`, so that the difference to the gateway is the cost of
//! routing, the wasm instance and the gateway's per-request bookkeeping.

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The body `tc-hello` answers.
const BODY: &[u8] = b"Hello, Yingshang!\n";

async fn hello(_req: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut r = Response::new(Full::new(Bytes::from_static(BODY)));
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain"),
    );
    Ok(r)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3100".to_owned())
        .parse()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(addr).await?;
        eprintln!("Serving http://{}", listener.local_addr()?);
        loop {
            let (stream, _) = listener.accept().await?;
            let _nodelay = stream.set_nodelay(true);
            tokio::spawn(async move {
                let _ended = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), hyper::service::service_fn(hello))
                    .await;
            });
        }
    })
}
