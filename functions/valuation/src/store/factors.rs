//! The factors of an assessment as `assessments.factors` holds them.

use std::fmt::Write;
use yingshang_core::valuation::Factor;
use yingshang_kit::db::{DbError, corrupt};

/// The factors of an assessment as stored JSON text: per factor, its fields in sorted
/// order (`coefficient_ppm`, `dimension`, `value`), the text they always had (written
/// through `serde_json` before). Written by hand: serde escaped every key and value
/// of every factor, a seventh of a city's re-assessment. A value that needs escaping
/// still goes through `serde_json`.
pub(crate) fn stored_factors(factors: &[Factor]) -> Result<String, DbError> {
    let mut out = String::with_capacity(2 + factors.len() * 80);
    out.push('[');
    for (i, f) in factors.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"coefficient_ppm\":");
        // Writing to a String cannot fail.
        let _ = write!(out, "{}", f.coefficient.ppm());
        out.push_str(",\"dimension\":\"");
        // The dimension's serde name (core test `dimension_keys_are_their_serde_names`).
        out.push_str(f.dimension.key());
        out.push_str("\",\"value\":");
        if f.value
            .bytes()
            .all(|b| b >= 0x20 && b != b'"' && b != b'\\')
        {
            out.push('"');
            out.push_str(&f.value);
            out.push('"');
        } else {
            let text =
                serde_json::to_string(&f.value).map_err(|e| corrupt("factors to store", e))?;
            out.push_str(&text);
        }
        out.push('}');
    }
    out.push(']');
    Ok(out)
}
