//! Request and response bodies of the import routes.

use super::BASE_PATH;
use crate::store::imports::ImportRecord;
use serde::{Deserialize, Serialize};
use yingshang_core::problem::Lang;
use yingshang_core::storage::Presigned;
use yingshang_core::storage::upload::Sha256Digest;
use yingshang_core::valuation::import::{ImportKind, ImportReport, ImportStatus};
use yingshang_kit::clock::{from_unix_ms, rfc3339};

/// `POST /imports/slots`: what the agency will upload.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotBody {
    /// `base_prices`, `coefficient_table` or `dwellings`.
    pub kind: ImportKind,
    /// Must be `text/csv`.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, 64 hex digits.
    pub sha256: Sha256Digest,
}

/// An issued slot: PUT the file to `upload.url` with `upload.headers`, then import `key`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SlotView {
    /// The object key to name in `POST /imports`.
    pub key: String,
    /// The kind of file the slot is for.
    pub kind: ImportKind,
    /// The presigned PUT.
    pub upload: Presigned,
    /// When the PUT stops working.
    pub expires_at: String,
}

/// `POST /imports`: the uploaded file to import.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// The slot's object key.
    pub key: String,
}

/// One issue of a rejected file, in the caller's language.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct IssueView {
    /// 1-based row (the header is row 1); 0 for the file as a whole.
    pub row: usize,
    /// The column at fault, if one is.
    pub column: Option<String>,
    /// Stable machine code.
    pub code: String,
    /// What is wrong (zh-CN, or English with `Accept-Language: en`).
    pub message: String,
}

/// Why a file was rejected.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ReportView {
    /// Data rows checked.
    pub rows_checked: usize,
    /// Rows with at least one issue.
    pub rows_with_issues: usize,
    /// Issues found in all.
    pub total_issues: usize,
    /// The first issues (at most 1,000), in file order.
    pub issues: Vec<IssueView>,
}

impl ReportView {
    fn of(r: &ImportReport, lang: Lang) -> ReportView {
        ReportView {
            rows_checked: r.rows_checked,
            rows_with_issues: r.rows_with_issues,
            total_issues: r.total_issues,
            issues: r
                .issues
                .iter()
                .map(|i| IssueView {
                    row: i.row,
                    column: i.column.clone(),
                    code: i.code.clone(),
                    message: lang.pick(i.message_zh.clone(), i.message_en.clone()),
                })
                .collect(),
        }
    }
}

/// An import and where it stands.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ImportView {
    /// Import id.
    pub id: String,
    /// What the file holds.
    pub kind: ImportKind,
    /// `received` (checked, being staged), `applied` or `rejected`.
    pub status: ImportStatus,
    /// The file's SHA-256 (imports are idempotent per checksum).
    pub sha256: String,
    /// Where the file is kept.
    pub object_key: String,
    /// Its size in bytes.
    pub size_bytes: i64,
    /// Data rows in the file.
    pub rows_total: i64,
    /// Rows staged so far (large register imports).
    pub rows_staged: i64,
    /// Rows applied (all of them, or none).
    pub rows_applied: i64,
    /// The version a coefficient-table import published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_version: Option<String>,
    /// Why the file was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportView>,
    /// Where to POST to stage the next chunk, while `received`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Who imported it.
    pub created_by: String,
    /// When it was received.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
    /// When it was applied or rejected.
    pub finished_at: Option<String>,
}

impl ImportView {
    /// The view of a stored import, its report in `lang`.
    pub fn of(r: &ImportRecord, lang: Lang) -> ImportView {
        ImportView {
            id: r.id.clone(),
            kind: r.kind,
            status: r.status,
            sha256: r.sha256.clone(),
            object_key: r.object_key.clone(),
            size_bytes: r.size_bytes,
            rows_total: r.rows_total,
            rows_staged: r.rows_staged,
            rows_applied: r.rows_applied,
            table_version: r.table_version.clone(),
            report: r.report.as_ref().map(|rep| ReportView::of(rep, lang)),
            next: (r.status == ImportStatus::Received)
                .then(|| format!("{BASE_PATH}/imports/{}/next", r.id)),
            created_by: r.created_by.clone(),
            created_at: rfc3339(from_unix_ms(r.created_at)),
            updated_at: rfc3339(from_unix_ms(r.updated_at)),
            finished_at: r.finished_at.map(|ms| rfc3339(from_unix_ms(ms))),
        }
    }
}
