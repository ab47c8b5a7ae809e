//! The marketplace's configuration (Spin variables), each with the default of
//! `../shared/domain/intermediary.md`: evaluation weights and bands, reminder days,
//! the days an agency has to answer with evidence, the OCDS ocid prefix.

use yingshang_core::intermediary::EvaluationRules;
use yingshang_kit::RequestContext;

/// Evaluation weights and star bands as JSON (empty: the defaults).
pub const VAR_EVALUATION: &str = "intermediary_evaluation_rules";
/// Days before each deadline on which both sides are reminded (comma-separated).
pub const VAR_REMINDER_DAYS: &str = "intermediary_reminder_days";
/// The OCDS ocid prefix registered for this publisher.
pub const VAR_OCID_PREFIX: &str = "intermediary_ocid_prefix";
/// Working days an agency has to answer a score below 60 with evidence.
pub const EVIDENCE_WORKING_DAYS: u32 = 10;

async fn var(name: &str) -> String {
    spin_sdk::variables::get(name).await.unwrap_or_default()
}

/// The evaluation rules; a broken configuration is logged and the defaults hold.
pub async fn evaluation(ctx: &RequestContext) -> EvaluationRules {
    let text = var(VAR_EVALUATION).await;
    if text.trim().is_empty() {
        return EvaluationRules::default();
    }
    match serde_json::from_str::<EvaluationRules>(&text) {
        Ok(r) if r.check().is_ok() => r,
        other => {
            eprintln!(
                "request_id={} {VAR_EVALUATION} is invalid ({:?}); using the defaults",
                ctx.request_id,
                other.err()
            );
            EvaluationRules::default()
        }
    }
}

/// The reminder days (default 3 and 1).
pub async fn reminder_days() -> Vec<u32> {
    let text = var(VAR_REMINDER_DAYS).await;
    let days: Vec<u32> = text
        .split(',')
        .filter_map(|d| d.trim().parse().ok())
        .filter(|d| *d <= 60)
        .collect();
    if days.is_empty() { vec![3, 1] } else { days }
}

/// The ocid prefix (default `ocds-ysmkt1-`).
pub async fn ocid_prefix() -> String {
    let text = var(VAR_OCID_PREFIX).await;
    if text.trim().is_empty() {
        "ocds-ysmkt1-".to_owned()
    } else {
        text.trim().to_owned()
    }
}
