use super::*;
use crate::problem::ApiError as _;
use crate::storage::key::OwnerKind;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-03-01 08:00:00 UTC);

fn policy() -> UploadPolicy {
    UploadPolicy {
        purpose: Purpose::parse("photo").unwrap(),
        max_size: 1000,
        content_types: vec![
            ("image/jpeg".into(), "jpg".into()),
            ("application/pdf".into(), "pdf".into()),
        ],
        expires_in: Duration::minutes(10),
    }
}

fn owner() -> Owner {
    Owner::new(OwnerKind::Citizen, "u1").unwrap()
}

fn slot() -> UploadSlot {
    let req = SlotRequest {
        content_type: "Image/JPEG; charset=binary".into(),
        size: 5,
        sha256: Sha256Digest::of(b"hello"),
    };
    issue_slot(&policy(), &owner(), &req, [7; 16], NOW).unwrap()
}

fn head(size: u64, body: &[u8]) -> ObjectHead {
    ObjectHead {
        size,
        content_type: Some("image/jpeg".into()),
        etag: None,
        sha256: Some(Sha256Digest::of(body)),
    }
}

#[test]
fn slots_choose_the_key_and_check_the_request() {
    let s = slot();
    assert_eq!(
        s.key.as_str(),
        "citizen/u1/photo/07070707070707070707070707070707.jpg"
    );
    assert_eq!(s.content_type, "image/jpeg");
    assert_eq!(s.expires_at, datetime!(2026-03-01 08:10:00 UTC));
    let too_big = SlotRequest {
        content_type: "image/jpeg".into(),
        size: 1001,
        sha256: Sha256Digest::of(b""),
    };
    assert_eq!(
        issue_slot(&policy(), &owner(), &too_big, [0; 16], NOW),
        Err(StorageError::UploadTooLarge { limit: Some(1000) })
    );
    let exe = SlotRequest {
        content_type: "application/x-msdownload".into(),
        size: 1,
        sha256: Sha256Digest::of(b""),
    };
    assert!(matches!(
        issue_slot(&policy(), &owner(), &exe, [0; 16], NOW),
        Err(StorageError::ContentTypeNotAllowed { .. })
    ));
}

#[test]
fn slots_refuse_empty_files_and_content_type_parameters() {
    let ask = |content_type: &str, size: u64| {
        let req = SlotRequest {
            content_type: content_type.into(),
            size,
            sha256: Sha256Digest::of(b""),
        };
        issue_slot(&policy(), &owner(), &req, [1; 16], NOW)
    };
    assert_eq!(ask("image/jpeg", 0), Err(StorageError::UploadEmpty));
    assert_eq!(StorageError::UploadEmpty.status(), 400);
    for ok in [
        "image/jpeg",
        "IMAGE/JPEG",
        "image/jpeg; charset=binary",
        "image/jpeg;charset=\"UTF-8\"",
        "application/pdf ; charset=utf-8",
    ] {
        let slot = ask(ok, 10).unwrap_or_else(|e| panic!("{ok}: {e:?}"));
        assert!(!slot.content_type.contains(';'), "{ok}");
    }
    for bad in [
        "image/jpeg; x=../../",
        "image/jpeg; charset=utf-8; x=1",
        "image/jpeg; charset=utf-8; charset=latin1",
        "image/jpeg; charset=../../",
        "image/jpeg; charset=",
        "image/jpeg; charset=\"\"",
        "image/jpeg;",
        "image/jpeg; boundary=x",
        "image/jpeg; name=\"a.exe\"",
    ] {
        assert!(
            matches!(
                ask(bad, 10),
                Err(StorageError::ContentTypeNotAllowed { .. })
            ),
            "{bad}"
        );
    }
    // The echo is bounded and carries no control characters.
    let long = format!("image/jpeg; x={}\n", "a".repeat(200));
    match ask(&long, 10) {
        Err(StorageError::ContentTypeNotAllowed { content_type }) => {
            assert!(content_type.chars().count() <= 64);
            assert!(!content_type.contains('\n'));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn confirmation_accepts_only_what_was_declared() {
    let s = slot();
    match decide(&s, &owner(), Some(&head(5, b"hello")), NOW) {
        Verdict::Accept(o) => {
            assert_eq!(o.key, s.key);
            assert_eq!(o.size, 5);
        }
        other => panic!("{other:?}"),
    }
    let reject = |v| match v {
        Verdict::Reject {
            error,
            remove_object,
        } => (error.code(), remove_object),
        Verdict::Accept(_) => ("ACCEPTED", false),
    };
    assert_eq!(
        reject(decide(&s, &owner(), Some(&head(5, b"hellO")), NOW)),
        ("STORAGE_CHECKSUM_MISMATCH", true)
    );
    assert_eq!(
        reject(decide(&s, &owner(), Some(&head(6, b"hello!")), NOW)),
        ("STORAGE_SIZE_MISMATCH", true)
    );
    assert_eq!(
        reject(decide(&s, &owner(), Some(&head(2000, b"x")), NOW)),
        ("STORAGE_UPLOAD_TOO_LARGE", true)
    );
    let mut no_sum = head(5, b"hello");
    no_sum.sha256 = None;
    assert_eq!(
        reject(decide(&s, &owner(), Some(&no_sum), NOW)),
        ("STORAGE_CHECKSUM_MISMATCH", true)
    );
    let mut wrong_type = head(5, b"hello");
    wrong_type.content_type = Some("text/html".into());
    assert_eq!(
        reject(decide(&s, &owner(), Some(&wrong_type), NOW)),
        ("STORAGE_CONTENT_TYPE_NOT_ALLOWED", true)
    );
    assert_eq!(
        reject(decide(&s, &owner(), None, NOW)),
        ("STORAGE_OBJECT_MISSING", false)
    );
    assert_eq!(
        reject(decide(&s, &owner(), None, NOW + Duration::hours(1))),
        ("STORAGE_SLOT_EXPIRED", false)
    );
    let intruder = Owner::new(OwnerKind::Citizen, "u2").unwrap();
    assert_eq!(
        reject(decide(&s, &intruder, Some(&head(5, b"hello")), NOW)),
        ("STORAGE_NOT_OWNER", false)
    );
}

#[test]
fn digests_round_trip() {
    let d = Sha256Digest::of(b"hello");
    assert_eq!(
        d.to_hex(),
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(
        Sha256Digest::from_hex(&d.to_hex().to_uppercase()).unwrap(),
        d
    );
    assert_eq!(Sha256Digest::from_base64(&d.to_base64()).unwrap(), d);
    assert!(Sha256Digest::from_hex("abc").is_err());
    assert!(Sha256Digest::from_base64("aGVsbG8=").is_err());
    let json = serde_json::to_string(&slot()).unwrap();
    let back: UploadSlot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, slot());
}

#[test]
fn presigning_a_slot_respects_its_expiry() {
    let cfg = StoreConfig::from_variables(|k| {
        Some(
            match k {
                "object_store_endpoint" => "http://127.0.0.1:9000",
                "object_store_bucket" => "files",
                "object_store_path_style" => "true",
                _ => "x",
            }
            .to_owned(),
        )
    })
    .unwrap();
    let s = slot();
    let p = s.presign(&cfg, NOW).unwrap();
    assert_eq!(p.expires_at, s.expires_at);
    assert!(p.url.contains("X-Amz-Expires=600"));
    assert_eq!(
        s.presign(&cfg, s.expires_at),
        Err(StorageError::SlotExpired)
    );
}
