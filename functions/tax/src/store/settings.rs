//! The tax component's Spin variables that rules read (the store is the one room with
//! Spin calls). Errors are texts for the log; callers answer 500 without them.

/// The Spin variable naming the agencies whose officers act for the tax authority
/// (comma-separated agency ids, parsed by `yingshang_core::tax::TaxAuthority`).
pub const VAR_TAX_OFFICER_AGENCIES: &str = "tax_officer_agencies";

/// The configured list of tax agencies, as text.
pub async fn tax_officer_agencies() -> Result<String, String> {
    spin_sdk::variables::get(VAR_TAX_OFFICER_AGENCIES)
        .await
        .map_err(|e| format!("{VAR_TAX_OFFICER_AGENCIES}: {e:?}"))
}

/// The HS256 secret users' tokens are signed with (the kit's variable).
pub async fn token_secret() -> Result<String, String> {
    let name = yingshang_kit::auth::VAR_JWT_SECRET;
    spin_sdk::variables::get(name)
        .await
        .map_err(|e| format!("{name}: {e:?}"))
}
