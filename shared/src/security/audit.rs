//! Audit entries: who did what to which record, when, with digests of the record
//! before and after (so the log proves a change without copying personal data).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Who acted ([`Principal::audit_actor`](super::authz::Principal::audit_actor),
    /// or `system:<job>`).
    pub actor: String,
    /// What was done, e.g. `complaint.close`.
    pub action: String,
    /// Which record, e.g. `complaint/01J…`.
    pub subject: String,
    /// When (RFC 3339 in JSON).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// [`digest`] of the record before, if it existed.
    pub before_digest: Option<String>,
    /// [`digest`] of the record after, if it still exists.
    pub after_digest: Option<String>,
}

impl AuditEntry {
    /// An entry for a change from `before` to `after` (either may be absent: a
    /// creation has no before, a deletion no after).
    pub fn new(
        actor: impl Into<String>,
        action: impl Into<String>,
        subject: impl Into<String>,
        at: OffsetDateTime,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> AuditEntry {
        AuditEntry {
            actor: actor.into(),
            action: action.into(),
            subject: subject.into(),
            at,
            before_digest: before.map(digest),
            after_digest: after.map(digest),
        }
    }

    /// Whether the entry records an actual change of content.
    pub fn changed(&self) -> bool {
        self.before_digest != self.after_digest
    }
}

/// Hex SHA-256 of the canonical JSON of a value.
pub fn digest(value: &Value) -> String {
    hex::encode(Sha256::digest(canonical_json(value).as_bytes()))
}

/// Canonical JSON: no whitespace, object keys sorted by their UTF-8 bytes at every
/// level, strings escaped as serde_json does, numbers as serde_json prints them.
/// Independent of whether `serde_json` keeps insertion order.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_string(s: &str, out: &mut String) {
    // Serialising a string cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn canonical_form_sorts_keys_everywhere() {
        let v: Value =
            serde_json::from_str(r#"{ "b": 1, "a": {"z": [true, null, "x\n"], "y": 2.5} }"#)
                .unwrap();
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"y":2.5,"z":[true,null,"x\n"]},"b":1}"#
        );
    }

    #[test]
    fn digest_is_order_independent_and_hand_checked() {
        let a = json!({"status": "open", "id": "c1"});
        let b: Value = serde_json::from_str(r#"{"id":"c1","status":"open"}"#).unwrap();
        assert_eq!(digest(&a), digest(&b));
        // printf '%s' '{"id":"c1","status":"open"}' | sha256sum
        assert_eq!(
            digest(&a),
            "99d8ebc7e362816ba7c7955ea0287f1891c3fb85eff80736437e16bc3cffbdc3"
        );
        assert_ne!(digest(&a), digest(&json!({"status": "closed", "id": "c1"})));
    }

    #[test]
    fn entry_records_before_and_after() {
        let before = json!({"status": "open"});
        let after = json!({"status": "closed"});
        let at = datetime!(2025-04-01 09:30 +8);
        let e = AuditEntry::new(
            "user:o1",
            "complaint.close",
            "complaint/01J",
            at,
            Some(&before),
            Some(&after),
        );
        assert!(e.changed());
        assert_eq!(e.before_digest.as_deref(), Some(digest(&before).as_str()));
        let created = AuditEntry::new(
            "user:o1",
            "complaint.open",
            "complaint/01J",
            at,
            None,
            Some(&before),
        );
        assert_eq!(created.before_digest, None);
        let same = AuditEntry::new(
            "user:o1",
            "complaint.touch",
            "complaint/01J",
            at,
            Some(&before),
            Some(&before),
        );
        assert!(!same.changed());
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["at"], "2025-04-01T09:30:00+08:00");
        assert_eq!(serde_json::from_value::<AuditEntry>(v).unwrap(), e);
    }
}
