//! JWT compact serialisation: signing and verification.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signer as _;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use time::OffsetDateTime;

use super::TokenError;
use super::claims::{Claims, VerifiedIdNumber, WireClaims};
use super::keys::{Algorithm, HmacKey, SigningKey, VerifyingKey};
use crate::security::principal::{Principal, UserPrincipal};

/// Default clock-skew tolerance in seconds.
pub const DEFAULT_LEEWAY_SECS: u32 = 60;

/// Longest token accepted, in bytes; longer ones are refused before any decoding.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// How tokens are verified: the key (which fixes the algorithm), the expected
/// issuer and audience if any, and the clock-skew tolerance.
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    /// The verification key; its algorithm is the only one accepted.
    pub key: VerifyingKey,
    /// If set, `iss` must equal it.
    pub issuer: Option<String>,
    /// If set, `aud` must contain it.
    pub audience: Option<String>,
    /// Tolerated clock skew in seconds, for `exp`, `nbf` and `iat`.
    pub leeway_secs: u32,
}

impl VerifierConfig {
    /// A configuration with this key, no issuer or audience check, and the default
    /// tolerance of 60 s.
    pub fn new(key: VerifyingKey) -> VerifierConfig {
        VerifierConfig {
            key,
            issuer: None,
            audience: None,
            leeway_secs: DEFAULT_LEEWAY_SECS,
        }
    }

    /// The same configuration, requiring this issuer.
    pub fn with_issuer(mut self, issuer: &str) -> VerifierConfig {
        self.issuer = Some(issuer.to_owned());
        self
    }

    /// The same configuration, requiring this audience.
    pub fn with_audience(mut self, audience: &str) -> VerifierConfig {
        self.audience = Some(audience.to_owned());
        self
    }

    /// The same configuration with another skew tolerance.
    pub fn with_leeway(mut self, secs: u32) -> VerifierConfig {
        self.leeway_secs = secs;
        self
    }
}

/// The JOSE header fields we look at. `crit` is refused: we understand no extension.
#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// Extracts the token from an `Authorization` header value (`Bearer <token>`, the
/// scheme in any case).
pub fn bearer(authorization: Option<&str>) -> Result<&str, TokenError> {
    let value = authorization.ok_or(TokenError::Missing)?.trim();
    let (scheme, token) = value.split_once(' ').ok_or(TokenError::Missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::Missing);
    }
    let token = token.trim_start();
    if token.is_empty() {
        return Err(TokenError::Malformed);
    }
    Ok(token)
}

/// Signs claims into a compact JWT.
pub fn issue(claims: &Claims, key: &SigningKey) -> String {
    let alg = key.algorithm().as_str();
    let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
    // Serialising plain strings and integers cannot fail.
    let payload = serde_json::to_vec(&claims.to_wire()).unwrap_or_default();
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(payload));
    let signature = match key {
        SigningKey::Hs256(k) => hmac_sha256(k, token.as_bytes()),
        SigningKey::EdDsa(k) => k.sign(token.as_bytes()).to_bytes().to_vec(),
    };
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    token
}

fn hmac_sha256(key: &HmacKey, data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key.bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Decodes strict, unpadded base64url (no padding, no non-canonical trailing bits).
fn b64(part: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Malformed)
}

/// Verifies a token and returns the authenticated user as a [`Principal::User`].
pub fn verify(
    token: &str,
    config: &VerifierConfig,
    now: OffsetDateTime,
) -> Result<Principal, TokenError> {
    verify_user(token, config, now).map(Principal::User)
}

/// Verifies a token and returns the authenticated user.
pub fn verify_user(
    token: &str,
    config: &VerifierConfig,
    now: OffsetDateTime,
) -> Result<UserPrincipal, TokenError> {
    verify_identity(token, config, now).map(|identity| identity.user)
}

/// What a verified token says: the user, and what the identity provider vouched for
/// beyond the role (today the resident ID number of a real-name verified holder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// The authenticated user.
    pub user: UserPrincipal,
    /// The holder's ID number, when the identity provider verified one.
    pub id_number: Option<VerifiedIdNumber>,
}

/// Verifies a token like [`verify_user`] and also answers the verified ID number.
pub fn verify_identity(
    token: &str,
    config: &VerifierConfig,
    now: OffsetDateTime,
) -> Result<VerifiedIdentity, TokenError> {
    if token.len() > MAX_TOKEN_LEN || token.is_empty() {
        return Err(TokenError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(h64), Some(p64), Some(s64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let header: Header = serde_json::from_slice(&b64(h64)?).map_err(|_| TokenError::Malformed)?;
    if header.crit.is_some()
        || header
            .typ
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("JWT"))
    {
        return Err(TokenError::Malformed);
    }
    let alg = match header.alg.as_str() {
        "HS256" => Algorithm::Hs256,
        "EdDSA" => Algorithm::EdDsa,
        _ => return Err(TokenError::UnsupportedAlgorithm),
    };
    if alg != config.key.algorithm() {
        return Err(TokenError::AlgorithmMismatch);
    }
    let signature = b64(s64)?;
    let signing_input = &token[..h64.len() + 1 + p64.len()];
    match &config.key {
        VerifyingKey::Hs256(k) => {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(k.bytes())
                .map_err(|_| TokenError::BadSignature)?;
            mac.update(signing_input.as_bytes());
            // `verify_slice` compares in constant time.
            mac.verify_slice(&signature)
                .map_err(|_| TokenError::BadSignature)?;
        }
        VerifyingKey::EdDsa(k) => {
            let sig = ed25519_dalek::Signature::from_slice(&signature)
                .map_err(|_| TokenError::BadSignature)?;
            k.verify_strict(signing_input.as_bytes(), &sig)
                .map_err(|_| TokenError::BadSignature)?;
        }
    }

    // From here on the payload is authentic; check what it says.
    let claims: WireClaims =
        serde_json::from_slice(&b64(p64)?).map_err(|_| TokenError::Malformed)?;
    let now = now.unix_timestamp();
    let leeway = i64::from(config.leeway_secs);
    let exp = claims
        .exp
        .ok_or(TokenError::InvalidClaim { claim: "exp" })?;
    let iat = claims
        .iat
        .ok_or(TokenError::InvalidClaim { claim: "iat" })?;
    if exp <= iat {
        return Err(TokenError::InvalidClaim { claim: "exp" });
    }
    if now >= exp.saturating_add(leeway) {
        return Err(TokenError::Expired);
    }
    if iat > now.saturating_add(leeway)
        || claims
            .nbf
            .is_some_and(|nbf| nbf > now.saturating_add(leeway))
    {
        return Err(TokenError::NotYetValid);
    }
    if let Some(wanted) = &config.issuer
        && claims.iss.as_deref() != Some(wanted.as_str())
    {
        return Err(TokenError::WrongIssuer);
    }
    if let Some(wanted) = &config.audience
        && !claims.aud.as_ref().is_some_and(|aud| aud.contains(wanted))
    {
        return Err(TokenError::WrongAudience);
    }
    let (subject, membership) = claims.identity()?;
    let id_number = claims.verified_id_number()?;
    Ok(VerifiedIdentity {
        user: UserPrincipal {
            subject,
            membership,
            expires_at: exp,
        },
        id_number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::credit_code::CreditCode;
    use crate::security::principal::{AgencyId, Membership, Role, Subject};
    use time::macros::datetime;

    const SECRET: &[u8] = b"test-secret-for-hs256-at-least-32-bytes!";
    const NOW: OffsetDateTime = datetime!(2025-03-01 08:00 UTC);

    fn enterprise_claims() -> Claims {
        Claims::new(
            Subject::parse("01HZXENT").unwrap(),
            Membership::Enterprise(CreditCode::parse("914403001922038216").unwrap()),
            NOW,
            time::Duration::hours(1),
        )
    }

    fn hs() -> (SigningKey, VerifierConfig) {
        let k = SigningKey::hs256(SECRET).unwrap();
        let cfg = VerifierConfig::new(k.verifying_key());
        (k, cfg)
    }

    fn ed() -> (SigningKey, VerifierConfig) {
        let k = SigningKey::ed25519_from_seed(&[42; 32]);
        let cfg = VerifierConfig::new(k.verifying_key());
        (k, cfg)
    }

    /// A token with a hand-written payload, signed with `key`.
    fn forge(header: &str, payload: &str, key: &SigningKey) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let sig = match key {
            SigningKey::Hs256(k) => hmac_sha256(k, input.as_bytes()),
            SigningKey::EdDsa(k) => k.sign(input.as_bytes()).to_bytes().to_vec(),
        };
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    #[test]
    fn hs256_round_trip() {
        let (k, cfg) = hs();
        let token = issue(&enterprise_claims(), &k);
        let user = verify_user(&token, &cfg, NOW).unwrap();
        assert_eq!(user.subject.as_str(), "01HZXENT");
        assert_eq!(user.membership.role(), Role::Enterprise);
        assert_eq!(
            user.membership.enterprise().unwrap().as_str(),
            "914403001922038216"
        );
        assert_eq!(user.expires_at, NOW.unix_timestamp() + 3600);
        assert!(matches!(verify(&token, &cfg, NOW), Ok(Principal::User(_))));
    }

    #[test]
    fn known_hs256_vector() {
        // Header and payload fixed, signature computed independently with
        // `printf '%s' "$input" | openssl dgst -sha256 -hmac "$SECRET"`.
        let (k, _) = hs();
        let token = forge(r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"sub":"u1"}"#, &k);
        assert_eq!(
            token,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSJ9.\
             J-pGNfhSp3VUbKmytpeEx-AWFOoC8Wc4Gu9l4pywN8c"
        );
    }

    #[test]
    fn eddsa_round_trip_and_key_confusion() {
        let (k, cfg) = ed();
        let token = issue(&enterprise_claims(), &k);
        assert!(verify_user(&token, &cfg, NOW).is_ok());
        // An HS256 verifier refuses an EdDSA token, and the other way round.
        let (hk, hcfg) = hs();
        assert_eq!(
            verify_user(&token, &hcfg, NOW),
            Err(TokenError::AlgorithmMismatch)
        );
        assert_eq!(
            verify_user(&issue(&enterprise_claims(), &hk), &cfg, NOW),
            Err(TokenError::AlgorithmMismatch)
        );
        // Another Ed25519 key: bad signature.
        let other = VerifierConfig::new(SigningKey::ed25519_from_seed(&[1; 32]).verifying_key());
        assert_eq!(
            verify_user(&token, &other, NOW),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn alg_none_and_unknown_are_refused() {
        let (k, cfg) = hs();
        let good = issue(&enterprise_claims(), &k);
        let payload = good.split('.').nth(1).unwrap();
        let none = format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#));
        assert_eq!(
            verify_user(&none, &cfg, NOW),
            Err(TokenError::UnsupportedAlgorithm)
        );
        let rs = forge(r#"{"alg":"RS256"}"#, r#"{}"#, &k);
        assert_eq!(
            verify_user(&rs, &cfg, NOW),
            Err(TokenError::UnsupportedAlgorithm)
        );
        let crit = forge(r#"{"alg":"HS256","crit":["exp"]}"#, r#"{}"#, &k);
        assert_eq!(verify_user(&crit, &cfg, NOW), Err(TokenError::Malformed));
        let typ = forge(r#"{"alg":"HS256","typ":"at+jwt"}"#, r#"{}"#, &k);
        assert_eq!(verify_user(&typ, &cfg, NOW), Err(TokenError::Malformed));
    }

    #[test]
    fn malformed_shapes() {
        let (_, cfg) = hs();
        for bad in [
            "",
            "a",
            "a.b",
            "a.b.c.d",
            "..",
            "!!.??.**",
            &"a".repeat(MAX_TOKEN_LEN + 1),
        ] {
            assert_eq!(
                verify_user(bad, &cfg, NOW),
                Err(TokenError::Malformed),
                "{bad:.20}"
            );
        }
    }

    #[test]
    fn tampered_payload_is_a_bad_signature() {
        let (k, cfg) = hs();
        let token = issue(&enterprise_claims(), &k);
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let other = Claims {
            subject: Subject::parse("attacker").unwrap(),
            ..enterprise_claims()
        };
        let forged = issue(&other, &k);
        parts[1] = forged.split('.').nth(1).unwrap().to_owned();
        assert_eq!(
            verify_user(&parts.join("."), &cfg, NOW),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn expiry_and_not_before_with_leeway() {
        let (k, cfg) = hs();
        let token = issue(&enterprise_claims(), &k);
        let exp = NOW + time::Duration::hours(1);
        assert!(verify_user(&token, &cfg, exp + time::Duration::seconds(59)).is_ok());
        assert_eq!(
            verify_user(&token, &cfg, exp + time::Duration::seconds(60)),
            Err(TokenError::Expired)
        );
        let strict = cfg.clone().with_leeway(0);
        assert_eq!(verify_user(&token, &strict, exp), Err(TokenError::Expired));
        assert!(verify_user(&token, &strict, exp - time::Duration::seconds(1)).is_ok());
        // Issued in the future beyond the tolerance.
        assert_eq!(
            verify_user(&token, &cfg, NOW - time::Duration::seconds(61)),
            Err(TokenError::NotYetValid)
        );
        assert!(verify_user(&token, &cfg, NOW - time::Duration::seconds(60)).is_ok());
        let later = enterprise_claims().with_not_before(NOW.unix_timestamp() + 600);
        let token = issue(&later, &k);
        assert_eq!(verify_user(&token, &cfg, NOW), Err(TokenError::NotYetValid));
        assert!(verify_user(&token, &cfg, NOW + time::Duration::seconds(540)).is_ok());
    }

    #[test]
    fn issuer_and_audience_when_configured() {
        let (k, cfg) = hs();
        let claims = enterprise_claims()
            .with_issuer("yingshang-idp")
            .with_audience("yingshang-api");
        let token = issue(&claims, &k);
        assert!(
            verify_user(
                &token,
                &cfg.clone()
                    .with_issuer("yingshang-idp")
                    .with_audience("yingshang-api"),
                NOW
            )
            .is_ok()
        );
        assert_eq!(
            verify_user(&token, &cfg.clone().with_issuer("other"), NOW),
            Err(TokenError::WrongIssuer)
        );
        assert_eq!(
            verify_user(&token, &cfg.clone().with_audience("other"), NOW),
            Err(TokenError::WrongAudience)
        );
        let bare = issue(&enterprise_claims(), &k);
        assert_eq!(
            verify_user(&bare, &cfg.clone().with_issuer("yingshang-idp"), NOW),
            Err(TokenError::WrongIssuer)
        );
        let many = forge(
            r#"{"alg":"HS256"}"#,
            &format!(
                r#"{{"sub":"u","role":"citizen","iat":{0},"exp":{1},"aud":["a","yingshang-api"]}}"#,
                NOW.unix_timestamp(),
                NOW.unix_timestamp() + 60
            ),
            &k,
        );
        assert!(verify_user(&many, &cfg.with_audience("yingshang-api"), NOW).is_ok());
    }

    fn wire(k: &SigningKey, role: &str, org: Option<&str>) -> String {
        let org = org.map(|o| format!(r#","org":"{o}""#)).unwrap_or_default();
        let payload = format!(
            r#"{{"sub":"u1","role":"{role}"{org},"iat":{},"exp":{}}}"#,
            NOW.unix_timestamp(),
            NOW.unix_timestamp() + 300
        );
        forge(r#"{"alg":"HS256","typ":"JWT"}"#, &payload, k)
    }

    #[test]
    fn roles_and_their_organisations() {
        let (k, cfg) = hs();
        let ok = |role, org| verify_user(&wire(&k, role, org), &cfg, NOW);
        assert_eq!(ok("citizen", None).unwrap().membership, Membership::Citizen);
        assert_eq!(
            ok("officer", Some("xc-sm")).unwrap().membership,
            Membership::Officer(AgencyId::parse("xc-sm").unwrap())
        );
        assert_eq!(
            ok("agency_staff", Some("tax")).unwrap().membership.role(),
            Role::AgencyStaff
        );
        assert_eq!(ok("admin", None), Err(TokenError::UnknownRole));
        assert_eq!(
            ok("citizen", Some("x")),
            Err(TokenError::InvalidClaim { claim: "org" })
        );
        assert_eq!(
            ok("enterprise", None),
            Err(TokenError::InvalidClaim { claim: "org" })
        );
        // Wrong check character, and a lower-case (non-canonical) code.
        assert_eq!(
            ok("enterprise", Some("914403001922038217")),
            Err(TokenError::InvalidClaim { claim: "org" })
        );
        assert_eq!(
            ok("enterprise", Some("91440300708461136t")),
            Err(TokenError::InvalidClaim { claim: "org" })
        );
        assert_eq!(
            ok("officer", None),
            Err(TokenError::InvalidClaim { claim: "org" })
        );
        let no_exp = forge(
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"u1","role":"citizen","iat":1}"#,
            &k,
        );
        assert_eq!(
            verify_user(&no_exp, &cfg, NOW),
            Err(TokenError::InvalidClaim { claim: "exp" })
        );
    }

    #[test]
    fn the_verified_id_number_travels_signed_and_is_optional() {
        let (k, cfg) = hs();
        let id = VerifiedIdNumber::parse("41030219900517011x").unwrap();
        assert_eq!(id.as_str(), "41030219900517011X");
        let citizen = Claims::new(
            Subject::parse("buyer-1").unwrap(),
            Membership::Citizen,
            NOW,
            time::Duration::hours(1),
        );
        let with = issue(&citizen.clone().with_id_number(id.clone()), &k);
        let identity = verify_identity(&with, &cfg, NOW).unwrap();
        assert_eq!(identity.id_number, Some(id));
        assert_eq!(identity.user, verify_user(&with, &cfg, NOW).unwrap());
        // Without the claim: a user all the same, with no verified ID number.
        let without = verify_identity(&issue(&citizen, &k), &cfg, NOW).unwrap();
        assert_eq!(without.id_number, None);
        assert_eq!(without.user.subject.as_str(), "buyer-1");
        // A signed but malformed ID number refuses the token.
        for bad in [
            "",
            "4103021990051701",
            "41030219900517011Y",
            "4103021990051701１X",
        ] {
            let payload = format!(
                r#"{{"sub":"u1","role":"citizen","iat":{},"exp":{},"id_number":"{bad}"}}"#,
                NOW.unix_timestamp(),
                NOW.unix_timestamp() + 60
            );
            let token = forge(r#"{"alg":"HS256"}"#, &payload, &k);
            assert_eq!(
                verify_identity(&token, &cfg, NOW),
                Err(TokenError::InvalidClaim { claim: "id_number" }),
                "{bad}"
            );
        }
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer(Some("Bearer abc.def.ghi")), Ok("abc.def.ghi"));
        assert_eq!(bearer(Some("bearer   abc")), Ok("abc"));
        assert_eq!(bearer(None), Err(TokenError::Missing));
        assert_eq!(bearer(Some("Basic dXNlcg==")), Err(TokenError::Missing));
        assert_eq!(bearer(Some("Bearer")), Err(TokenError::Missing));
    }

    #[test]
    fn token_errors_answer_401_in_both_languages() {
        use crate::problem::{Lang, Problem};
        let p = Problem::from_error(&TokenError::Expired, Lang::ZhCn, Some("r1"));
        assert_eq!((p.status, p.code.as_str()), (401, "AUTH_TOKEN_EXPIRED"));
        assert_eq!(p.detail, "访问令牌已过期,请重新登录。");
        let p = Problem::from_error(&TokenError::Expired, Lang::En, Some("r1"));
        assert_eq!(p.detail, "The access token has expired; sign in again.");
    }
}
