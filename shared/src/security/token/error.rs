//! Why a bearer token was refused.

use crate::problem::{ApiError, AuthFailure, Lang};

/// Why a bearer token was refused. Every variant answers 401: the caller is not
/// authenticated. The texts say what to do, never what the key or the token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No `Authorization: Bearer` header.
    #[error("no bearer token")]
    Missing,
    /// Not three base64url parts of JSON, too long, or a header we cannot honour.
    #[error("malformed token")]
    Malformed,
    /// The header names `none` or an algorithm we do not support.
    #[error("unsupported algorithm")]
    UnsupportedAlgorithm,
    /// The header names an algorithm other than the one configured.
    #[error("algorithm does not match the configured key")]
    AlgorithmMismatch,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// `exp` is past (beyond the tolerance).
    #[error("token expired")]
    Expired,
    /// `nbf` or `iat` is in the future (beyond the tolerance).
    #[error("token not yet valid")]
    NotYetValid,
    /// `iss` differs from the configured issuer.
    #[error("wrong issuer")]
    WrongIssuer,
    /// `aud` does not contain the configured audience.
    #[error("wrong audience")]
    WrongAudience,
    /// `role` is not one we know.
    #[error("unknown role")]
    UnknownRole,
    /// A claim is absent or invalid (e.g. an enterprise without a valid credit code).
    #[error("invalid claim {claim}")]
    InvalidClaim {
        /// The claim's name (`sub`, `org`, `exp`, …).
        claim: &'static str,
    },
}

impl TokenError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Missing => "AUTH_TOKEN_MISSING",
            TokenError::Malformed => "AUTH_TOKEN_MALFORMED",
            TokenError::UnsupportedAlgorithm => "AUTH_TOKEN_ALG_UNSUPPORTED",
            TokenError::AlgorithmMismatch => "AUTH_TOKEN_ALG_MISMATCH",
            TokenError::BadSignature => "AUTH_TOKEN_BAD_SIGNATURE",
            TokenError::Expired => "AUTH_TOKEN_EXPIRED",
            TokenError::NotYetValid => "AUTH_TOKEN_NOT_YET_VALID",
            TokenError::WrongIssuer => "AUTH_TOKEN_WRONG_ISSUER",
            TokenError::WrongAudience => "AUTH_TOKEN_WRONG_AUDIENCE",
            TokenError::UnknownRole => "AUTH_TOKEN_UNKNOWN_ROLE",
            TokenError::InvalidClaim { .. } => "AUTH_TOKEN_INVALID_CLAIM",
        }
    }

    /// The broad reason, for callers that answer with a
    /// [`RequestError::Unauthenticated`](crate::problem::RequestError::Unauthenticated).
    pub fn auth_failure(&self) -> AuthFailure {
        match self {
            TokenError::Missing => AuthFailure::Missing,
            TokenError::Expired => AuthFailure::Expired,
            TokenError::NotYetValid => AuthFailure::NotYetValid,
            TokenError::BadSignature => AuthFailure::BadSignature,
            TokenError::Malformed
            | TokenError::UnsupportedAlgorithm
            | TokenError::AlgorithmMismatch
            | TokenError::WrongIssuer
            | TokenError::WrongAudience
            | TokenError::UnknownRole
            | TokenError::InvalidClaim { .. } => AuthFailure::Malformed,
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            TokenError::Missing => "请在 Authorization 头中以 Bearer 方式提供访问令牌。".into(),
            TokenError::Malformed => "访问令牌格式不正确。".into(),
            TokenError::UnsupportedAlgorithm => "访问令牌使用了不支持的签名算法。".into(),
            TokenError::AlgorithmMismatch => "访问令牌的签名算法与本服务的配置不符。".into(),
            TokenError::BadSignature => "访问令牌签名无效。".into(),
            TokenError::Expired => "访问令牌已过期,请重新登录。".into(),
            TokenError::NotYetValid => "访问令牌尚未生效,请检查设备时间。".into(),
            TokenError::WrongIssuer => "访问令牌的签发方不被本服务认可。".into(),
            TokenError::WrongAudience => "访问令牌不是签发给本服务的。".into(),
            TokenError::UnknownRole => "访问令牌中的角色无法识别。".into(),
            TokenError::InvalidClaim { claim } => format!("访问令牌中的 {claim} 声明缺失或无效。"),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            TokenError::Missing => "Send an access token as Authorization: Bearer <token>.".into(),
            TokenError::Malformed => "The access token is malformed.".into(),
            TokenError::UnsupportedAlgorithm => {
                "The access token uses an unsupported algorithm.".into()
            }
            TokenError::AlgorithmMismatch => {
                "The access token's algorithm does not match this service's configuration.".into()
            }
            TokenError::BadSignature => "The access token's signature is invalid.".into(),
            TokenError::Expired => "The access token has expired; sign in again.".into(),
            TokenError::NotYetValid => "The access token is not valid yet; check the clock.".into(),
            TokenError::WrongIssuer => "The access token's issuer is not accepted here.".into(),
            TokenError::WrongAudience => "The access token was not issued for this service.".into(),
            TokenError::UnknownRole => "The access token's role is not recognised.".into(),
            TokenError::InvalidClaim { claim } => {
                format!("The access token's {claim} claim is missing or invalid.")
            }
        }
    }
}

impl ApiError for TokenError {
    fn status(&self) -> u16 {
        401
    }

    fn code(&self) -> &'static str {
        TokenError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        lang.pick("未通过身份认证", "Unauthenticated").to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }
}
