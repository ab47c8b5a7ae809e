//! `yingshang dev`: development helpers for the embedded defaults — bearer tokens
//! for demo users and the bootstrap agency key, read from the same state folder
//! the gateway generated its secrets in, so a new user can try every endpoint.

use std::path::Path;
use yingshang_core::security::Subject;
use yingshang_core::security::authz::Membership;
use yingshang_core::security::demo_users::demo_membership;
use yingshang_core::security::token::{Claims, SigningKey, VerifiedIdNumber, issue};

pub use yingshang_core::security::demo_users::{DEMO_AGENCY, DEMO_ENTERPRISE};

/// Reads a generated secret (or the environment's `SPIN_VARIABLE_<NAME>`).
pub fn secret(state_dir: &Path, name: &str) -> anyhow::Result<String> {
    if let Ok(v) = std::env::var(format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())) {
        return Ok(v);
    }
    let path = state_dir.join(crate::secrets::FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        anyhow::anyhow!(
            "cannot read {} ({e}); run `yingshang up` once so the gateway generates it",
            path.display()
        )
    })?;
    let values: std::collections::BTreeMap<String, String> = toml::from_str(&text)?;
    values
        .get(name)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("{} holds no `{name}`", path.display()))
}

/// The membership for a role name, with the demo organisation unless `org` is given.
pub fn membership(role: &str, org: Option<&str>) -> anyhow::Result<Membership> {
    demo_membership(role, org).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Signs a token for `subject` with `role`, valid for `hours`, with the HS256 secret;
/// with `id_number`, the token says the identity provider verified that ID number.
pub fn token(
    secret: &str,
    subject: &str,
    membership: Membership,
    hours: i64,
    id_number: Option<&str>,
) -> anyhow::Result<String> {
    let key =
        SigningKey::hs256(secret.as_bytes()).map_err(|e| anyhow::anyhow!("{}", e.message_en()))?;
    let subject = Subject::parse(subject).map_err(|e| anyhow::anyhow!("{}", e.message_en()))?;
    let claims = Claims::new(
        subject,
        membership,
        time::OffsetDateTime::now_utc(),
        time::Duration::hours(hours),
    );
    let claims = match id_number {
        None => claims,
        Some(text) => claims.with_id_number(VerifiedIdNumber::parse(text).ok_or_else(|| {
            anyhow::anyhow!("`{text}` is not a resident ID number (17 digits and a digit or X)")
        })?),
    };
    Ok(issue(&claims, &key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use yingshang_core::security::token::{VerifierConfig, VerifyingKey, verify, verify_identity};

    #[test]
    fn issues_tokens_the_core_accepts() {
        let secret = "a-demo-secret-that-is-long-enough-for-hs256!!";
        let t = token(
            secret,
            "demo-officer",
            membership("officer", None).unwrap(),
            1,
            None,
        )
        .unwrap();
        let config = VerifierConfig::new(VerifyingKey::hs256(secret.as_bytes()).unwrap());
        let p = verify(&t, &config, time::OffsetDateTime::now_utc()).unwrap();
        assert!(p.audit_actor().contains("demo-officer"));
        assert!(membership("enterprise", Some("bad")).is_err());
        assert!(membership("king", None).is_err());
    }

    #[test]
    fn a_verified_id_number_travels_in_the_token() {
        let secret = "a-demo-secret-that-is-long-enough-for-hs256!!";
        let config = VerifierConfig::new(VerifyingKey::hs256(secret.as_bytes()).unwrap());
        let citizen = || membership("citizen", None).unwrap();
        let t = token(
            secret,
            "demo-buyer",
            citizen(),
            1,
            Some("41030219800101001x"),
        )
        .unwrap();
        let identity = verify_identity(&t, &config, time::OffsetDateTime::now_utc()).unwrap();
        let number = identity.id_number.expect("the claim is carried");
        assert_eq!(number.as_str(), "41030219800101001X");
        assert!(token(secret, "demo-buyer", citizen(), 1, Some("4103021980")).is_err());
    }
}
