//! The enterprise's code: a URL ending in a token `<credit code>.<serial>.<mac>`, the
//! MAC an HMAC-SHA256 over both under the function's secret. The token is short (about
//! 50 characters) so the printed QR stays coarse enough for old phone cameras; it
//! carries no expiry because posters hang on doors for years. Reissuing a code raises
//! the enterprise's serial: a token with an older serial is revoked, one whose MAC does
//! not verify was forged or altered.

use crate::security::credit_code::CreditCode;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The MAC is cut to 128 bits: forging one still takes 2^128 guesses, and the QR
/// stays at version 4–5.
const MAC_BYTES: usize = 16;
/// Longest token text looked at; longer ones are malformed before any work.
pub const MAX_TOKEN_LEN: usize = 96;
/// Domain separation: a MAC made for anything else never verifies here.
const CONTEXT: &[u8] = b"yingshang/checkin/enterprise-code/v1";

/// A token whose MAC verified: the enterprise and the serial it was issued under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeToken {
    /// The enterprise.
    pub credit_code: CreditCode,
    /// The issue: 1 for the first code, raised by each reissue.
    pub serial: u32,
}

/// Why a scanned code is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not a code of ours: wrong shape.
    #[error("not an enterprise code")]
    Malformed,
    /// The MAC does not verify: forged, or altered after it was issued.
    #[error("the code's signature does not verify")]
    Forged,
    /// A code that was replaced by a newer one.
    #[error("the code was revoked by a reissue")]
    Revoked,
    /// A signed code of an enterprise no longer (or not yet) in the register.
    #[error("no such enterprise in the register")]
    Unknown,
}

impl CodeError {
    /// Every code, for the API's description (400 malformed, 403 forged, 404 unknown,
    /// 410 revoked).
    pub const CODES: &[&str] = &[
        "CHECKIN_CODE_MALFORMED",
        "CHECKIN_CODE_FORGED",
        "CHECKIN_CODE_REVOKED",
        "CHECKIN_CODE_UNKNOWN",
    ];
    /// The problems a scanned code can answer, by status.
    pub const PROBLEMS: &[(u16, &[&str])] = &[
        (400, &["CHECKIN_CODE_MALFORMED"]),
        (403, &["CHECKIN_CODE_FORGED"]),
        (404, &["CHECKIN_CODE_UNKNOWN"]),
        (410, &["CHECKIN_CODE_REVOKED"]),
    ];

    /// The stable problem code.
    pub fn code(self) -> &'static str {
        match self {
            CodeError::Malformed => "CHECKIN_CODE_MALFORMED",
            CodeError::Forged => "CHECKIN_CODE_FORGED",
            CodeError::Revoked => "CHECKIN_CODE_REVOKED",
            CodeError::Unknown => "CHECKIN_CODE_UNKNOWN",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(self) -> &'static str {
        match self {
            CodeError::Malformed => "这不是本平台的企业码，请扫描企业门口张贴的码上服务二维码。",
            CodeError::Forged => "企业码验证失败：二维码被伪造或篡改，请勿进入并向司法局反映。",
            CodeError::Revoked => "该企业码已作废（企业已换发新码），请扫描企业现行的二维码。",
            CodeError::Unknown => "企业码对应的企业不在名录中。",
        }
    }

    /// The message in English.
    pub fn message_en(self) -> &'static str {
        match self {
            CodeError::Malformed => "This is not an enterprise code of this platform.",
            CodeError::Forged => "The enterprise code does not verify: it was forged or altered.",
            CodeError::Revoked => {
                "This enterprise code was revoked when a new one was issued; scan the current one."
            }
            CodeError::Unknown => "The enterprise of this code is not in the register.",
        }
    }
}

fn mac(secret: &[u8], credit_code: &str, serial: u32) -> [u8; MAC_BYTES] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    m.update(CONTEXT);
    m.update(b"\n");
    m.update(credit_code.as_bytes());
    m.update(b"\n");
    m.update(serial.to_string().as_bytes());
    let full = m.finalize().into_bytes();
    let mut out = [0u8; MAC_BYTES];
    out.copy_from_slice(&full[..MAC_BYTES]);
    out
}

/// The token for `credit_code` under `serial`.
pub fn issue(secret: &[u8], credit_code: &CreditCode, serial: u32) -> String {
    let tag = URL_SAFE_NO_PAD.encode(mac(secret, credit_code.as_str(), serial));
    format!("{}.{serial}.{tag}", credit_code.as_str())
}

/// The URL a code carries: the landing route under `origin` (`scheme://host[:port]`).
pub fn url(origin: &str, token: &str) -> String {
    format!(
        "{}/api/checkin/landing/{token}",
        origin.trim_end_matches('/')
    )
}

/// The phone page that shows a code's landing: where the code's URL sends a browser
/// (a phone's camera opens the URL as a page; the API answers such a navigation with
/// a redirect here, and JSON to everything else). Any character outside the URL's
/// unreserved set is percent-encoded, so a hostile token cannot add a parameter.
pub fn page_path(token: &str) -> String {
    let mut path = String::with_capacity(PAGE_PATH.len() + token.len());
    path.push_str(PAGE_PATH);
    for b in token.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            path.push(char::from(b));
        } else {
            path.push_str(&format!("%{b:02X}"));
        }
    }
    path
}

/// The landing page of the phone app, before its `code` parameter.
const PAGE_PATH: &str = "/enterprise?code=";

/// Verifies a token's shape and MAC (constant time). Whether it is the current code
/// of a registered enterprise is [`check_current`]'s question.
pub fn verify(secret: &[u8], text: &str) -> Result<CodeToken, CodeError> {
    if text.is_empty() || text.len() > MAX_TOKEN_LEN {
        return Err(CodeError::Malformed);
    }
    let mut parts = text.split('.');
    let (Some(code), Some(serial), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CodeError::Malformed);
    };
    // Upper case only: a code is printed once, exactly as issued.
    if code.bytes().any(|b| b.is_ascii_lowercase()) {
        return Err(CodeError::Malformed);
    }
    let credit_code = CreditCode::parse(code).map_err(|_| CodeError::Malformed)?;
    if code != credit_code.as_str()
        || serial.is_empty()
        || serial.len() > 10
        || !serial.bytes().all(|b| b.is_ascii_digit())
        || serial.starts_with('0')
    {
        return Err(CodeError::Malformed);
    }
    let serial: u32 = serial.parse().map_err(|_| CodeError::Malformed)?;
    let presented = URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| CodeError::Malformed)?;
    if presented.len() != MAC_BYTES {
        return Err(CodeError::Malformed);
    }
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    m.update(CONTEXT);
    m.update(b"\n");
    m.update(credit_code.as_str().as_bytes());
    m.update(b"\n");
    m.update(serial.to_string().as_bytes());
    m.verify_truncated_left(&presented)
        .map_err(|_| CodeError::Forged)?;
    Ok(CodeToken {
        credit_code,
        serial,
    })
}

/// A verified token against the register: `current` is the enterprise's serial now
/// (`None`: not in the register). An older serial was revoked by a reissue; a newer
/// one cannot exist unless the secret leaked, and is refused as forged.
pub fn check_current(token: &CodeToken, current: Option<u32>) -> Result<(), CodeError> {
    match current {
        None => Err(CodeError::Unknown),
        Some(now) if token.serial == now => Ok(()),
        Some(now) if token.serial < now => Err(CodeError::Revoked),
        Some(_) => Err(CodeError::Forged),
    }
}

#[cfg(test)]
#[path = "code_tests.rs"]
mod tests;
