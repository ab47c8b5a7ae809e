//! Tests of device request signing, with property tests of the signature parser.

use super::*;
use proptest::prelude::*;
use time::macros::datetime;

const SECRET: &[u8] = b"meter-secret-0001";
const NOW: OffsetDateTime = datetime!(2025-01-15 12:00 UTC);
const NONCE: &str = "n0nce_abcdefghij";
const PATH: &str = "/metering/readings?site=xc-01";
const BODY: &[u8] = br#"{"kwh":"12.34"}"#;

struct Signed {
    ts: String,
    sig: String,
}

fn signed(ts: i64) -> Signed {
    Signed {
        ts: ts.to_string(),
        sig: sign_device_request("POST", PATH, ts, NONCE, BODY, SECRET).unwrap(),
    }
}

fn parts<'a>(s: &'a Signed) -> DeviceRequestParts<'a> {
    DeviceRequestParts {
        method: "POST",
        path_and_query: PATH,
        device_id: Some("123456789012"),
        timestamp: Some(&s.ts),
        nonce: Some(NONCE),
        signature: Some(&s.sig),
        body: BODY,
    }
}

#[test]
fn known_vector() {
    // Computed independently:
    // printf 'POST\n/metering/readings?site=xc-01\n1736942400\nn0nce_abcdefghij\n%s' \
    //   "$(printf '%s' '{"kwh":"12.34"}' | sha256sum | cut -d' ' -f1)" \
    //   | openssl dgst -sha256 -hmac meter-secret-0001
    assert_eq!(NOW.unix_timestamp(), 1_736_942_400);
    assert_eq!(
        signed(NOW.unix_timestamp()).sig,
        "712c6c1c26066195996d3e0a55040666b31567a4696b6290a536fa2ceab6ff9e"
    );
}

#[test]
fn accepts_a_signed_request_and_returns_the_nonce() {
    let s = signed(NOW.unix_timestamp());
    let v = verify_device_request(&parts(&s), SECRET, NOW, DEFAULT_WINDOW_SECS).unwrap();
    assert_eq!(v.device_id.as_str(), "123456789012");
    assert_eq!(v.nonce, NONCE);
    assert_eq!(v.replay_key(), "123456789012:n0nce_abcdefghij");
    assert_eq!(v.retain_until(), NOW.unix_timestamp() + 301);
}

#[test]
fn base64_signatures_are_accepted_too() {
    let s = signed(NOW.unix_timestamp());
    let raw = hex::decode(&s.sig).unwrap();
    for sig in [STANDARD.encode(&raw), URL_SAFE_NO_PAD.encode(&raw)] {
        let s2 = Signed {
            ts: s.ts.clone(),
            sig,
        };
        assert!(verify_device_request(&parts(&s2), SECRET, NOW, 300).is_ok());
    }
    let upper = Signed {
        ts: s.ts.clone(),
        sig: s.sig.to_uppercase(),
    };
    assert_eq!(
        verify_device_request(&parts(&upper), SECRET, NOW, 300),
        Err(DeviceAuthError::MalformedSignature)
    );
}

#[test]
fn window_is_five_minutes_either_side() {
    let t = NOW.unix_timestamp();
    for (ts, ok) in [
        (t - 300, true),
        (t + 300, true),
        (t - 301, false),
        (t + 301, false),
    ] {
        let s = signed(ts);
        let r = verify_device_request(&parts(&s), SECRET, NOW, DEFAULT_WINDOW_SECS);
        assert_eq!(r.is_ok(), ok, "{ts}");
        if !ok {
            assert_eq!(r, Err(DeviceAuthError::StaleTimestamp));
        }
    }
}

#[test]
fn tampering_is_a_bad_signature() {
    let s = signed(NOW.unix_timestamp());
    let base = parts(&s);
    let cases = [
        DeviceRequestParts {
            body: br#"{"kwh":"99.99"}"#,
            ..base
        },
        DeviceRequestParts {
            path_and_query: "/metering/readings?site=xc-02",
            ..base
        },
        DeviceRequestParts {
            method: "PUT",
            ..base
        },
        DeviceRequestParts {
            nonce: Some("n0nce_abcdefghik"),
            ..base
        },
    ];
    for p in cases {
        assert_eq!(
            verify_device_request(&p, SECRET, NOW, 300),
            Err(DeviceAuthError::BadSignature)
        );
    }
    assert_eq!(
        verify_device_request(&base, b"another-secret-16b", NOW, 300),
        Err(DeviceAuthError::BadSignature)
    );
}

#[test]
fn shapes_are_checked() {
    let s = signed(NOW.unix_timestamp());
    let base = parts(&s);
    let check =
        |p: DeviceRequestParts<'_>| verify_device_request(&p, SECRET, NOW, 300).unwrap_err();
    assert_eq!(
        check(DeviceRequestParts {
            device_id: None,
            ..base
        }),
        DeviceAuthError::MissingHeader("x-device-id")
    );
    assert_eq!(
        check(DeviceRequestParts {
            signature: None,
            ..base
        }),
        DeviceAuthError::MissingHeader("x-signature")
    );
    assert_eq!(
        check(DeviceRequestParts {
            device_id: Some("a b"),
            ..base
        }),
        DeviceAuthError::MalformedDeviceId
    );
    for ts in [
        "",
        "-5",
        "+1736942400",
        "01736942400",
        "17369424e2",
        "1234567890123",
    ] {
        assert_eq!(
            check(DeviceRequestParts {
                timestamp: Some(ts),
                ..base
            }),
            DeviceAuthError::MalformedTimestamp
        );
    }
    for nonce in [
        "short",
        "has space in it!!",
        &"x".repeat(65),
        "nonce/with/slash1",
    ] {
        assert_eq!(
            check(DeviceRequestParts {
                nonce: Some(nonce),
                ..base
            }),
            DeviceAuthError::MalformedNonce
        );
    }
    assert_eq!(
        check(DeviceRequestParts {
            signature: Some("abcd"),
            ..base
        }),
        DeviceAuthError::MalformedSignature
    );
    assert_eq!(
        verify_device_request(&base, b"short", NOW, 300),
        Err(DeviceAuthError::SecretUnusable)
    );
}

#[test]
fn replay_contract_same_request_gives_same_key() {
    // The core accepts a replay inside the window (it keeps no state); the shell's
    // unique insert of `replay_key` is what refuses it, as `Replayed` (401).
    let s = signed(NOW.unix_timestamp());
    let first = verify_device_request(&parts(&s), SECRET, NOW, 300).unwrap();
    let again =
        verify_device_request(&parts(&s), SECRET, NOW + time::Duration::seconds(5), 300).unwrap();
    assert_eq!(first.replay_key(), again.replay_key());
    assert_eq!(DeviceAuthError::Replayed.status(), 401);
    assert_eq!(DeviceAuthError::Replayed.code(), "DEVICE_REPLAYED");
    // Once the nonce may be forgotten, the window refuses the replay by itself.
    let later = OffsetDateTime::from_unix_timestamp(first.retain_until()).unwrap();
    assert_eq!(
        verify_device_request(&parts(&s), SECRET, later, 300),
        Err(DeviceAuthError::StaleTimestamp)
    );
}

#[test]
fn device_posts_only_for_itself() {
    let d = DeviceId::parse("123456789012").unwrap();
    assert_eq!(device_matches_resource(&d, "123456789012"), Ok(()));
    assert_eq!(
        device_matches_resource(&d, "123456789013"),
        Err(DeviceAuthError::WrongDevice)
    );
    assert_eq!(DeviceAuthError::WrongDevice.status(), 403);
    let p = crate::problem::Problem::from_error(&DeviceAuthError::WrongDevice, Lang::En, None);
    assert_eq!(p.title, "Forbidden");
    assert_eq!(p.detail, "A device may only post data for itself.");
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(any::<String>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_headers_never_panic(
        id in opt_text(), ts in opt_text(), nonce in opt_text(), sig in opt_text(),
        method in any::<String>(), path in any::<String>(), body in any::<Vec<u8>>(),
        window in any::<u32>(),
    ) {
        let p = DeviceRequestParts {
            method: &method,
            path_and_query: &path,
            device_id: id.as_deref(),
            timestamp: ts.as_deref(),
            nonce: nonce.as_deref(),
            signature: sig.as_deref(),
            body: &body,
        };
        prop_assert!(verify_device_request(&p, SECRET, NOW, window).is_err());
    }

    #[test]
    fn any_single_byte_change_of_the_signature_is_refused(
        encoding in 0usize..3,
        pos in any::<prop::sample::Index>(),
        replacement in 0u8..0x80,
        flip_case in any::<bool>(),
    ) {
        let s = signed(NOW.unix_timestamp());
        let raw = hex::decode(&s.sig).unwrap();
        let sig = match encoding {
            0 => s.sig.clone(),
            1 => STANDARD.encode(&raw),
            _ => URL_SAFE_NO_PAD.encode(&raw),
        };
        let s = Signed { ts: s.ts, sig };
        prop_assert!(verify_device_request(&parts(&s), SECRET, NOW, 300).is_ok());
        let mut bytes = s.sig.clone().into_bytes();
        let i = pos.index(bytes.len());
        // Half the cases flip a letter's case: hex must not become case-insensitive.
        let replacement = if flip_case && bytes[i].is_ascii_alphabetic() { bytes[i] ^ 0x20 } else { replacement };
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        let tampered = Signed { ts: s.ts.clone(), sig: String::from_utf8(bytes).unwrap() };
        prop_assert!(verify_device_request(&parts(&tampered), SECRET, NOW, 300).is_err());
    }

    #[test]
    fn any_single_byte_change_of_a_signed_field_is_refused(
        field in 0usize..4,
        pos in any::<prop::sample::Index>(),
        replacement in 0u8..0x80,
    ) {
        let s = signed(NOW.unix_timestamp());
        let base = parts(&s);
        let original: Vec<u8> = match field {
            0 => base.timestamp.unwrap().as_bytes().to_vec(),
            1 => base.nonce.unwrap().as_bytes().to_vec(),
            2 => base.path_and_query.as_bytes().to_vec(),
            _ => base.body.to_vec(),
        };
        let mut bytes = original.clone();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        let text = String::from_utf8(bytes.clone()).unwrap();
        let p = match field {
            0 => DeviceRequestParts { timestamp: Some(&text), ..base },
            1 => DeviceRequestParts { nonce: Some(&text), ..base },
            2 => DeviceRequestParts { path_and_query: &text, ..base },
            _ => DeviceRequestParts { body: &bytes, ..base },
        };
        prop_assert!(verify_device_request(&p, SECRET, NOW, 300).is_err());
    }
}
