//! Hello: answers every request with a fixed small body, and nothing else, so that a
//! load benchmark measures the runtime (accept, route, instance, response) rather
//! than the component's own work.

use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::http_service;

/// The body every request gets; `bench/native-hello` answers the same bytes.
const BODY: &str = "Hello, Yingshang!\n";

#[http_service]
async fn handle(_req: Request) -> impl IntoResponse {
    spin_sdk::http::Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body(BODY.to_owned())
        .unwrap()
}
