//! The language of an answer, chosen from `Accept-Language`.

use serde::{Deserialize, Serialize};

/// The language an error text is written in. Simplified Chinese unless the caller
/// prefers English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese (zh-CN), the default.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Chooses the language from an `Accept-Language` header value.
    ///
    /// English wins when some `en*` range has a higher q-value than every `zh*` range
    /// (or the same q-value and comes first); anything else — no header, garbage,
    /// only other languages, `*` — gives zh-CN. Ranges with `q=0` are refused ranges.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::ZhCn;
        };
        // (q in thousandths, position) of the best English and Chinese ranges.
        let mut best_en: Option<(u16, usize)> = None;
        let mut best_zh: Option<(u16, usize)> = None;
        for (pos, item) in header.split(',').enumerate().take(32) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let mut q = 1000u16;
            for param in parts {
                let param = param.trim();
                if let Some(value) = param
                    .strip_prefix("q=")
                    .or_else(|| param.strip_prefix("Q="))
                {
                    match parse_qvalue(value.trim()) {
                        Some(v) => q = v,
                        None => q = 0,
                    }
                }
            }
            if q == 0 {
                continue;
            }
            let slot = if tag == "en" || tag.starts_with("en-") {
                &mut best_en
            } else if tag == "zh" || tag.starts_with("zh-") {
                &mut best_zh
            } else {
                continue;
            };
            if slot.is_none_or(|(best_q, _)| q > best_q) {
                *slot = Some((q, pos));
            }
        }
        match (best_en, best_zh) {
            (Some(_), None) => Lang::En,
            (Some((qe, pe)), Some((qz, pz))) if qe > qz || (qe == qz && pe < pz) => Lang::En,
            _ => Lang::ZhCn,
        }
    }

    /// The language tag for a `Content-Language` header: `zh-CN` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks the text written in this language.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Lang::ZhCn => zh,
            Lang::En => en,
        }
    }
}

/// Parses an RFC 9110 qvalue (`0`, `0.5`, `1.000`) into thousandths.
fn parse_qvalue(s: &str) -> Option<u16> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = 0;
    for (i, b) in frac.bytes().enumerate() {
        thousandths += u16::from(b - b'0') * [100, 10, 1][i];
    }
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_chinese() {
        assert_eq!(Lang::from_accept_language(None), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(Some("")), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(Some("fr-FR, de")), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(Some("*")), Lang::ZhCn);
        assert_eq!(Lang::default(), Lang::ZhCn);
    }

    #[test]
    fn english_alone_or_preferred() {
        assert_eq!(Lang::from_accept_language(Some("en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("EN-gb")), Lang::En);
        assert_eq!(
            Lang::from_accept_language(Some("zh-CN;q=0.5, en;q=0.8")),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language(Some("fr, en;q=0.1")), Lang::En);
    }

    #[test]
    fn chinese_preferred_or_first_on_tie() {
        assert_eq!(
            Lang::from_accept_language(Some("zh-CN,zh;q=0.9,en;q=0.8")),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_accept_language(Some("zh, en")), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(Some("en, zh")), Lang::En);
        assert_eq!(
            Lang::from_accept_language(Some("en;q=0.5, zh-TW;q=0.6")),
            Lang::ZhCn
        );
    }

    #[test]
    fn refused_or_broken_ranges_do_not_count() {
        assert_eq!(Lang::from_accept_language(Some("en;q=0")), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(Some("en;q=2")), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(Some("en;q=abc")), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(Some("english")), Lang::ZhCn);
    }

    #[test]
    fn qvalues_parse_to_thousandths() {
        assert_eq!(parse_qvalue("1"), Some(1000));
        assert_eq!(parse_qvalue("1.000"), Some(1000));
        assert_eq!(parse_qvalue("0.875"), Some(875));
        assert_eq!(parse_qvalue("0.5"), Some(500));
        assert_eq!(parse_qvalue("1.5"), None);
        assert_eq!(parse_qvalue("0.1234"), None);
    }

    #[test]
    fn tags() {
        assert_eq!(Lang::ZhCn.tag(), "zh-CN");
        assert_eq!(Lang::En.tag(), "en");
        assert_eq!(Lang::En.pick("中", "en"), "en");
    }
}
