//! Property tests of the token parser: no input panics it, and no single-byte
//! change of a valid token is accepted.

use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

use super::{Claims, SigningKey, VerifierConfig, issue, verify_user};
use crate::security::credit_code::CreditCode;
use crate::security::principal::{AgencyId, Membership, Subject};

const NOW: OffsetDateTime = datetime!(2025-06-01 02:00 UTC);

fn keys() -> Vec<SigningKey> {
    vec![
        SigningKey::hs256(b"property-test-secret-0123456789abcdef").unwrap(),
        SigningKey::ed25519_from_seed(&[7; 32]),
    ]
}

fn membership() -> impl Strategy<Value = Membership> {
    prop_oneof![
        Just(Membership::Citizen),
        Just(Membership::Enterprise(
            CreditCode::parse("91350100M000100Y43").unwrap()
        )),
        "[a-z][a-z0-9-]{1,20}".prop_map(|a| Membership::Officer(AgencyId::parse(&a).unwrap())),
        "[a-z][a-z0-9-]{1,20}".prop_map(|a| Membership::AgencyStaff(AgencyId::parse(&a).unwrap())),
    ]
}

fn claims() -> impl Strategy<Value = Claims> {
    ("[A-Za-z0-9]{1,40}", membership(), 60i64..86_400).prop_map(|(sub, m, ttl)| {
        Claims::new(
            Subject::parse(&sub).unwrap(),
            m,
            NOW,
            time::Duration::seconds(ttl),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(input in any::<String>()) {
        for k in keys() {
            let cfg = VerifierConfig::new(k.verifying_key());
            prop_assert!(verify_user(&input, &cfg, NOW).is_err());
        }
    }

    #[test]
    fn token_like_text_never_panics(input in "[A-Za-z0-9_\\-]{0,60}\\.[A-Za-z0-9_\\-]{0,200}\\.[A-Za-z0-9_\\-]{0,90}") {
        for k in keys() {
            let cfg = VerifierConfig::new(k.verifying_key());
            prop_assert!(verify_user(&input, &cfg, NOW).is_err());
        }
    }

    #[test]
    fn valid_tokens_verify(c in claims(), which in 0usize..2) {
        let k = &keys()[which];
        let token = issue(&c, k);
        let user = verify_user(&token, &VerifierConfig::new(k.verifying_key()), NOW).unwrap();
        prop_assert_eq!(user.subject, c.subject);
        prop_assert_eq!(user.membership, c.membership);
    }

    #[test]
    fn any_single_byte_change_is_refused(
        c in claims(),
        which in 0usize..2,
        pos in any::<prop::sample::Index>(),
        replacement in 0u8..0x80,
    ) {
        let k = &keys()[which];
        let cfg = VerifierConfig::new(k.verifying_key());
        let token = issue(&c, k);
        let mut bytes = token.clone().into_bytes();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        let tampered = String::from_utf8(bytes).unwrap();
        prop_assert!(verify_user(&tampered, &cfg, NOW).is_err(), "accepted {} (was {})", tampered, token);
    }

    #[test]
    fn truncation_and_extension_are_refused(c in claims(), which in 0usize..2, cut in any::<prop::sample::Index>(), extra in "[A-Za-z0-9_\\-]{1,4}") {
        let k = &keys()[which];
        let cfg = VerifierConfig::new(k.verifying_key());
        let token = issue(&c, k);
        let i = cut.index(token.len());
        prop_assert!(verify_user(&token[..i], &cfg, NOW).is_err());
        let extended = format!("{token}{extra}");
        prop_assert!(verify_user(&extended, &cfg, NOW).is_err());
    }
}
