use super::*;

const SECRET: &[u8] = b"checkin-test-secret-0123456789abcdef";
const ACME: &str = "91350100M000100Y43";

fn acme() -> CreditCode {
    CreditCode::parse(ACME).unwrap()
}

#[test]
fn an_issued_code_verifies_and_is_short() {
    let t = issue(SECRET, &acme(), 1);
    assert!(t.len() < 60, "{t}");
    assert_eq!(
        verify(SECRET, &t),
        Ok(CodeToken {
            credit_code: acme(),
            serial: 1
        })
    );
    assert_eq!(
        url("https://yingshang.example/", &t),
        format!("https://yingshang.example/api/checkin/landing/{t}")
    );
}

#[test]
fn another_secret_or_any_altered_character_is_forged_or_malformed() {
    let t = issue(SECRET, &acme(), 3);
    assert_eq!(verify(b"another-secret", &t), Err(CodeError::Forged));
    // Another serial under the same MAC.
    let other_serial = t.replacen(".3.", ".4.", 1);
    assert_eq!(verify(SECRET, &other_serial), Err(CodeError::Forged));
    // Another enterprise under the same MAC.
    let beta = CreditCode::parse("91411502MA4000000H").unwrap();
    let swapped = t.replacen(ACME, beta.as_str(), 1);
    assert_eq!(verify(SECRET, &swapped), Err(CodeError::Forged));
    // Every single-character change of the MAC is refused.
    let tag_start = t.rfind('.').unwrap() + 1;
    for i in tag_start..t.len() {
        let mut bytes = t.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(bytes).unwrap();
        assert!(verify(SECRET, &altered).is_err(), "{altered}");
    }
}

#[test]
fn malformed_tokens_are_refused_before_any_mac() {
    let t = issue(SECRET, &acme(), 1);
    for bad in [
        "",
        "abc",
        &t.to_ascii_lowercase(),
        &format!("{t}.x"),
        &t.replacen(".1.", ".01.", 1),
        &t.replacen(".1.", "..", 1),
        &t.replacen(".1.", ".99999999999.", 1),
        &"A".repeat(200),
        "91350100M000100Y44.1.AAAAAAAAAAAAAAAAAAAAAA",
    ] {
        assert_eq!(verify(SECRET, bad), Err(CodeError::Malformed), "{bad}");
    }
}

#[test]
fn the_register_decides_current_revoked_and_unknown() {
    let token = verify(SECRET, &issue(SECRET, &acme(), 2)).unwrap();
    assert_eq!(check_current(&token, Some(2)), Ok(()));
    assert_eq!(check_current(&token, Some(3)), Err(CodeError::Revoked));
    assert_eq!(check_current(&token, Some(1)), Err(CodeError::Forged));
    assert_eq!(check_current(&token, None), Err(CodeError::Unknown));
    for e in [
        CodeError::Malformed,
        CodeError::Forged,
        CodeError::Revoked,
        CodeError::Unknown,
    ] {
        assert!(e.code().starts_with("CHECKIN_CODE_"));
        assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
    }
}

#[test]
fn a_browser_is_sent_to_the_landing_page_with_the_token_encoded() {
    let t = issue(SECRET, &acme(), 2);
    assert_eq!(page_path(&t), format!("/enterprise?code={t}"));
    // Whatever a forged "token" carries stays inside the one parameter.
    assert_eq!(
        page_path("a&next=//evil.example/#x y"),
        "/enterprise?code=a%26next%3D%2F%2Fevil.example%2F%23x%20y"
    );
    assert_eq!(page_path("码"), "/enterprise?code=%E7%A0%81");
}
