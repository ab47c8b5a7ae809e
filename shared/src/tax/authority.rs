//! The tax authority: the agencies whose officers may read every assessment and every
//! enterprise's policies and dividend bill. Officers of other agencies (market
//! supervision, housing, …) are officers too, but not of this authority. The list is
//! configuration (a comma-separated text of agency ids), never code.

/// The agencies whose officers act for the tax authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxAuthority {
    agencies: Vec<String>,
}

/// Why a configured list of agencies cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxAuthorityError {
    /// The list names no agency.
    #[error("the list of tax agencies is empty")]
    Empty,
    /// An entry is not an agency id (1–64 characters of `[A-Za-z0-9._:@-]`).
    #[error("entry {position} is not an agency id")]
    NotAnAgencyId {
        /// 1-based position in the list.
        position: usize,
    },
}

impl TaxAuthorityError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            TaxAuthorityError::Empty => "TAX_AUTHORITY_EMPTY",
            TaxAuthorityError::NotAnAgencyId { .. } => "TAX_AUTHORITY_AGENCY_INVALID",
        }
    }
}

impl TaxAuthority {
    /// Parses `a, b,c`: agency ids separated by commas; spaces around them and empty
    /// entries are ignored. At least one agency is required, so a mistaken empty value
    /// is an error rather than an authority without officers.
    pub fn parse(list: &str) -> Result<TaxAuthority, TaxAuthorityError> {
        let mut agencies = Vec::new();
        for (i, entry) in list.split(',').map(str::trim).enumerate() {
            if entry.is_empty() {
                continue;
            }
            let valid = entry.len() <= 64
                && entry
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._:@-".contains(&b));
            if !valid {
                return Err(TaxAuthorityError::NotAnAgencyId { position: i + 1 });
            }
            if !agencies.iter().any(|a| a == entry) {
                agencies.push(entry.to_owned());
            }
        }
        if agencies.is_empty() {
            return Err(TaxAuthorityError::Empty);
        }
        Ok(TaxAuthority { agencies })
    }

    /// True when officers of `agency` act for the tax authority (exact match).
    pub fn includes(&self, agency: &str) -> bool {
        self.agencies.iter().any(|a| a == agency)
    }

    /// The agencies, in the configured order.
    pub fn agencies(&self) -> &[String] {
        &self.agencies
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comma_separated_list_of_agency_ids() {
        let a = TaxAuthority::parse(" luoyang-tax, ly-tax,,luoyang-tax ").unwrap();
        assert_eq!(a.agencies(), ["luoyang-tax", "ly-tax"]);
        assert!(a.includes("ly-tax"));
        assert!(!a.includes("xc-sm"));
        assert!(!a.includes("LY-TAX"), "exact match");
        assert!(!a.includes(""));
    }

    #[test]
    fn an_empty_or_malformed_list_is_refused() {
        for empty in ["", " ", ",, ,"] {
            assert_eq!(TaxAuthority::parse(empty), Err(TaxAuthorityError::Empty));
        }
        let e = TaxAuthority::parse("ly-tax, tax bureau").unwrap_err();
        assert_eq!(e, TaxAuthorityError::NotAnAgencyId { position: 2 });
        assert_eq!(e.code(), "TAX_AUTHORITY_AGENCY_INVALID");
        assert!(TaxAuthority::parse(&"a".repeat(65)).is_err());
        assert!(TaxAuthority::parse("a/b").is_err());
    }
}
