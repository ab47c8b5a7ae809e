//! A native S3 client for the tests that look into object storage.

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use yingshang_e2e::S3Target;

/// A native S3 client on a store.
pub(crate) fn s3_client(t: &S3Target) -> aws_sdk_s3::Client {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(t.region.clone()))
        .endpoint_url(&t.endpoint)
        .credentials_provider(Credentials::new(
            &t.access_key_id,
            &t.secret_access_key,
            None,
            None,
            "e2e",
        ))
        .force_path_style(t.path_style)
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(aws_sdk_s3::config::ResponseChecksumValidation::WhenRequired)
        .http_client(http)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}
