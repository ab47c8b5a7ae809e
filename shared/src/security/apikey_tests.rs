//! Tests of agency API keys.

use super::*;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2025-02-01 00:00 UTC);

fn random() -> [u8; 40] {
    let mut r = [0u8; 40];
    for (i, b) in r.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(37).wrapping_add(11);
    }
    r
}

fn scope(s: &str) -> Scope {
    Scope::parse(s).unwrap()
}

fn record(g: &GeneratedKey) -> ApiKeyRecord {
    ApiKeyRecord {
        key_id: g.key_id.clone(),
        agency: AgencyId::parse("henan-tax").unwrap(),
        hash: g.hash.clone(),
        scopes: [scope("valuation:import"), scope("complaints:sweep")]
            .into_iter()
            .collect(),
        revoked_at: None,
        expires_at: None,
    }
}

#[test]
fn generated_key_has_the_documented_form() {
    let g = generate(&random());
    assert_eq!(g.key_id.as_str(), "0b30557a9fc4e90e");
    assert_eq!(g.key.len(), 64);
    assert!(g.key.starts_with("ysk_0b30557a9fc4e90e_"));
    assert_eq!(g.hash, hash_key(&g.key));
    assert_eq!(g.hash.len(), 64);
    assert!(!format!("{g:?}").contains(&g.key[21..]));
    // Another random input gives another key.
    let mut r = random();
    r[39] ^= 1;
    assert_ne!(generate(&r).key, g.key);
}

#[test]
fn hash_is_sha256_hex() {
    // echo -n abc | sha256sum
    assert_eq!(
        hash_key("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn accepts_a_valid_key_with_the_scope() {
    let g = generate(&random());
    let p = presented_key(None, Some(&g.key)).unwrap();
    let principal = authorize(Some(&record(&g)), &p, &scope("valuation:import"), NOW).unwrap();
    match principal {
        Principal::Agency(a) => {
            assert_eq!(a.agency.as_str(), "henan-tax");
            assert_eq!(a.key_id, g.key_id);
            assert!(a.scopes.contains(&scope("complaints:sweep")));
        }
        other => panic!("expected an agency, got {other:?}"),
    }
}

#[test]
fn refuses_wrong_scope_with_403() {
    let g = generate(&random());
    let p = PresentedKey::parse(&g.key).unwrap();
    let e = authorize(Some(&record(&g)), &p, &scope("tax:assess"), NOW).unwrap_err();
    assert_eq!(
        e,
        ApiKeyError::WrongScope {
            needed: scope("tax:assess")
        }
    );
    assert_eq!(e.status(), 403);
    assert_eq!(e.message_en(), "The API key lacks the scope tax:assess.");
}

#[test]
fn refuses_revoked_expired_unknown() {
    let g = generate(&random());
    let p = PresentedKey::parse(&g.key).unwrap();
    let need = scope("valuation:import");
    let revoked = ApiKeyRecord {
        revoked_at: Some(NOW),
        ..record(&g)
    };
    assert_eq!(
        authorize(Some(&revoked), &p, &need, NOW),
        Err(ApiKeyError::Revoked)
    );
    let revoked_later = ApiKeyRecord {
        revoked_at: Some(NOW + time::Duration::hours(1)),
        ..record(&g)
    };
    assert!(authorize(Some(&revoked_later), &p, &need, NOW).is_ok());
    let expired = ApiKeyRecord {
        expires_at: Some(NOW - time::Duration::seconds(1)),
        ..record(&g)
    };
    assert_eq!(
        authorize(Some(&expired), &p, &need, NOW),
        Err(ApiKeyError::Expired)
    );
    assert_eq!(authorize(None, &p, &need, NOW), Err(ApiKeyError::Unknown));
    // Same id, another secret: unknown (the hash does not match).
    let mut r = random();
    r[20] ^= 0xff;
    let other = generate(&r);
    assert_eq!(other.key_id, g.key_id);
    let p2 = PresentedKey::parse(&other.key).unwrap();
    assert_eq!(
        authorize(Some(&record(&g)), &p2, &need, NOW),
        Err(ApiKeyError::Unknown)
    );
    // A record for another id is not this key's record.
    let mut r = random();
    r[0] ^= 1;
    let stranger = record(&generate(&r));
    assert_eq!(
        authorize(Some(&stranger), &p, &need, NOW),
        Err(ApiKeyError::Unknown)
    );
    assert_eq!(ApiKeyError::Unknown.status(), 401);
}

#[test]
fn presented_from_either_header() {
    let g = generate(&random());
    let bearer = format!("Bearer {}", g.key);
    assert_eq!(
        presented_key(Some(&bearer), None).unwrap().key_id(),
        &g.key_id
    );
    assert_eq!(
        presented_key(Some(&bearer), Some(&g.key)).unwrap().key_id(),
        &g.key_id
    );
    assert_eq!(
        presented_key(Some("Bearer eyJhbGciOi.x.y"), None),
        Err(ApiKeyError::Missing)
    );
    assert_eq!(presented_key(None, None), Err(ApiKeyError::Missing));
    let other = generate(&[1; 40]);
    assert_eq!(
        presented_key(Some(&bearer), Some(&other.key)),
        Err(ApiKeyError::Ambiguous)
    );
    assert!(!format!("{:?}", PresentedKey::parse(&g.key).unwrap()).contains(&g.key[21..]));
}

#[test]
fn malformed_keys() {
    let g = generate(&random());
    let bad = [
        "",
        "ysk_",
        &g.key[..63],
        &format!("{}A", g.key),
        &g.key.replacen("ysk_", "ysx_", 1),
        &g.key.replacen("0b30557a9fc4e90e", "0B30557A9FC4E90E", 1),
        &format!("ysk_0b30557a9fc4e90e-{}", &g.key[21..]),
        &format!("{}é", &g.key[..62]),
    ];
    for b in bad {
        assert_eq!(PresentedKey::parse(b), Err(ApiKeyError::Malformed), "{b}");
    }
}

#[test]
fn scopes_are_strict() {
    let s = scope("complaints:sweep");
    assert_eq!((s.domain(), s.action()), ("complaints", "sweep"));
    assert_eq!(Scope::parse("valuation"), Err(ScopeError::Shape));
    assert_eq!(Scope::parse("a:b:c"), Err(ScopeError::Shape));
    for bad in [
        "Valuation:import",
        "valuation:",
        ":import",
        "valuation:*",
        "val uation:import",
        "1tax:x",
    ] {
        assert_eq!(Scope::parse(bad), Err(ScopeError::Part), "{bad}");
    }
    assert!(Scope::parse("intermediary:match_v2").is_ok());
    assert!(serde_json::from_str::<Scope>("\"tax:Assess\"").is_err());
}

#[test]
fn record_serialises_with_rfc3339_times() {
    let g = generate(&random());
    let r = ApiKeyRecord {
        revoked_at: Some(NOW),
        ..record(&g)
    };
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["revoked_at"], "2025-02-01T00:00:00Z");
    assert_eq!(
        json["scopes"],
        serde_json::json!(["complaints:sweep", "valuation:import"])
    );
    let back: ApiKeyRecord = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn bootstrap_key_matches_only_itself_and_holds_the_needed_scope() {
    let g = generate(&random());
    assert!(is_bootstrap_key(&g.key, &g.key));
    let mut other = g.key.clone();
    other.pop();
    other.push('x');
    assert!(!is_bootstrap_key(&other, &g.key));
    assert!(!is_bootstrap_key("", &g.key));
    // A short or empty configured key never matches, not even itself.
    assert!(!is_bootstrap_key("", ""));
    assert!(!is_bootstrap_key("short", "short"));
    let p = bootstrap_principal(&g.key, Some(&scope("valuation:import")));
    let Principal::Agency(a) = p else {
        panic!("an agency principal")
    };
    assert_eq!(a.agency.as_str(), BOOTSTRAP_AGENCY);
    assert_eq!(a.key_id, g.key_id);
    assert!(a.scopes.contains(&scope("valuation:import")));
    // A key in another form gets a hash-derived id, never the key itself.
    let plain = "a-bootstrap-secret-that-is-long-enough-0123456789";
    let Principal::Agency(a) = bootstrap_principal(plain, Some(&scope("valuation:read"))) else {
        panic!("an agency principal")
    };
    assert_eq!(a.key_id.as_str(), &hash_key(plain)[..16]);
}
