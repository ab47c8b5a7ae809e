//! Bearer tokens for users: JWT compact serialisation (RFC 7519), signed with
//! HS256 (HMAC-SHA256, key from a secret variable) or EdDSA (Ed25519).
//!
//! [`verify`] checks, in this order: size and shape, header (`alg` must be the
//! configured one; `none`, unknown algorithms and `crit` are refused), signature
//! (constant time for HMAC, strict Ed25519), then the claims: `exp`, `nbf`, `iat`
//! with a skew tolerance (default 60 s), `iss`/`aud` when configured, the role and
//! the organisation it must be bound to (an enterprise's credit code with its check
//! character, an officer's or staff member's agency). Only then does a
//! [`Principal`](super::authz::Principal) exist. [`verify_identity`] also answers the
//! optional `id_number` claim: the resident ID number the identity provider verified
//! (real-name verification), for rules that bind a request to the person signed in.
//! [`issue`] signs demo tokens for the development command and tests.

mod claims;
mod error;
mod jwt;
mod keys;
#[cfg(test)]
mod props;

pub use claims::{Claims, VerifiedIdNumber};
pub use error::TokenError;
pub use jwt::{
    DEFAULT_LEEWAY_SECS, MAX_TOKEN_LEN, VerifiedIdentity, VerifierConfig, bearer, issue, verify,
    verify_identity, verify_user,
};
pub use keys::{Algorithm, HmacKey, KeyError, MIN_HMAC_KEY_LEN, SigningKey, VerifyingKey};
