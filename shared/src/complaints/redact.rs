//! Redaction of identifying numbers and names in free text, before a typical case
//! is published.
//!
//! What is redacted, and why this shape:
//! - an 18-character unified social credit code, or an 18-digit resident ID number
//!   (17 digits and a digit or `X`): a run of exactly 18 ASCII letters and digits
//!   whose positions 3–8 are digits (the division code both carry), whether or not
//!   its check character is right — a typo'd code still identifies;
//! - an 11-digit mainland mobile number (`1[3-9]` and 9 digits), also written
//!   3-4-4 with spaces or hyphens, or with the `86` prefix;
//! - any other run of 15 or more letters and digits holding at least 11 digits (an
//!   old 15-digit ID, a bank card, an ID glued to other characters): a public
//!   typical case never needs one;
//! - the names the caller knows (the enterprise's, its contact's), literally.
//!
//! Full-width digits and letters (`１３８…`, common in Chinese input) are matched as
//! their ASCII forms. A run is bounded by characters that are not ASCII letters or
//! digits, so Chinese text around a number does not hide it.

use std::cmp::Reverse;

use crate::security::credit_code::CreditCode;

/// What replaces a credit code.
pub const CREDIT_CODE_LABEL: &str = "[统一社会信用代码已隐去]";
/// What replaces a resident ID number.
pub const ID_NUMBER_LABEL: &str = "[身份证号已隐去]";
/// What replaces a mobile number.
pub const MOBILE_LABEL: &str = "[手机号已隐去]";
/// What replaces another long number.
pub const NUMBER_LABEL: &str = "[号码已隐去]";
/// What replaces a known name.
pub const NAME_LABEL: &str = "[名称已隐去]";

/// Redacts `text`: the names in `known_names` (those of at least two characters,
/// longest first so that a longer name is not cut by a shorter one), then every
/// identifying number.
pub fn redact(text: &str, known_names: &[&str]) -> String {
    let literals: Vec<(&str, &str)> = known_names.iter().map(|n| (*n, NAME_LABEL)).collect();
    redact_with(text, &literals)
}

/// Redacts `text`: each literal (of at least two characters, longest first) by its
/// label, then every identifying number. For literals whose label says what they
/// are, e.g. the case's own credit code glued to other characters.
pub fn redact_with(text: &str, literals: &[(&str, &str)]) -> String {
    let mut literals: Vec<(&str, &str)> = literals
        .iter()
        .map(|(literal, label)| (literal.trim(), *label))
        // A one-character literal would shred ordinary text.
        .filter(|(literal, _)| literal.chars().count() >= 2)
        .collect();
    literals.sort_by_key(|(literal, _)| Reverse(literal.chars().count()));
    // One pass over the text, so a label never gets matched by a later literal.
    let mut named = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match literals
            .iter()
            .find(|(literal, _)| rest.starts_with(*literal))
        {
            Some((literal, label)) => {
                named.push_str(label);
                rest = &rest[literal.len()..];
            }
            None => {
                named.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    redact_numbers(&named)
}

/// A full-width digit or letter as its ASCII form; anything else unchanged.
fn fold(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c)
        }
        _ => c,
    }
}

/// Redacts identifying numbers.
fn redact_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().copied().map(fold).collect();
    let alnum = |k: usize| folded.get(k).is_some_and(char::is_ascii_alphanumeric);
    let digit = |k: usize| folded.get(k).is_some_and(char::is_ascii_digit);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if alnum(i) && (i == 0 || !alnum(i - 1)) {
            let mut end = i;
            while alnum(end) {
                end += 1;
            }
            if let Some(label) = classify_run(&folded[i..end]) {
                out.push_str(label);
                i = end;
                continue;
            }
        }
        if digit(i)
            && (i == 0 || !digit(i - 1))
            && let Some(end) = mobile_at(&folded, i)
        {
            out.push_str(MOBILE_LABEL);
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The label for a run of ASCII letters and digits that must go, if it must.
fn classify_run(run: &[char]) -> Option<&'static str> {
    let digits = run.iter().filter(|c| c.is_ascii_digit()).count();
    if run.len() == 18 && run[2..8].iter().all(char::is_ascii_digit) {
        let upper: String = run.iter().map(char::to_ascii_uppercase).collect();
        let id_shaped =
            run[..17].iter().all(char::is_ascii_digit) && matches!(run[17], '0'..='9' | 'X' | 'x');
        return Some(if CreditCode::parse(&upper).is_ok() || !id_shaped {
            CREDIT_CODE_LABEL
        } else {
            ID_NUMBER_LABEL
        });
    }
    (run.len() >= 15 && digits >= 11).then_some(NUMBER_LABEL)
}

/// The end of a mobile number starting at `start` (optionally after `86`), if one
/// does and no digit follows it.
fn mobile_at(folded: &[char], start: usize) -> Option<usize> {
    mobile_from(folded, start).or_else(|| {
        let prefixed = folded.get(start) == Some(&'8') && folded.get(start + 1) == Some(&'6');
        if prefixed {
            mobile_from(folded, start + 2)
        } else {
            None
        }
    })
}

/// Matches `1[3-9]d` `[ -]?` `dddd` `[ -]?` `dddd` at `start`, not followed by a digit.
fn mobile_from(folded: &[char], start: usize) -> Option<usize> {
    let at = |k: usize| folded.get(k).copied();
    let is_digit = |k: usize| at(k).is_some_and(|c| c.is_ascii_digit());
    if at(start) != Some('1') || !matches!(at(start + 1), Some('3'..='9')) || !is_digit(start + 2) {
        return None;
    }
    let mut k = start + 3;
    for _ in 0..2 {
        if matches!(at(k), Some(' ' | '-')) && is_digit(k + 1) {
            k += 1;
        }
        if !(k..k + 4).all(is_digit) {
            return None;
        }
        k += 4;
    }
    (!is_digit(k)).then_some(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_credit_codes_id_numbers_and_mobiles_inside_chinese_text() {
        let text = "我公司（统一社会信用代码91350100M000100Y43）法人身份证110101199003074514，\
                    联系电话13812345678，请尽快处理。";
        let got = redact(text, &[]);
        assert_eq!(
            got,
            "我公司（统一社会信用代码[统一社会信用代码已隐去]）法人身份证[身份证号已隐去]，\
             联系电话[手机号已隐去]，请尽快处理。"
        );
    }

    #[test]
    fn all_digit_credit_codes_and_x_id_numbers_get_the_right_label() {
        // A valid credit code that happens to be all digits.
        assert_eq!(redact("914403001922038216", &[]), CREDIT_CODE_LABEL);
        // An ID number ending in X (lower case too) with a wrong check digit still goes.
        assert_eq!(
            redact("ID:11010119900307451x.", &[]),
            "ID:[身份证号已隐去]."
        );
        // A lower-case credit code and one with a wrong check character.
        assert_eq!(redact("91350100m000100y43", &[]), CREDIT_CODE_LABEL);
        assert_eq!(redact("91350100M000100Y44", &[]), CREDIT_CODE_LABEL);
    }

    #[test]
    fn mobiles_in_every_common_spelling() {
        for (text, want) in [
            ("电话138-1234-5678。", "电话[手机号已隐去]。"),
            ("电话 138 1234 5678", "电话 [手机号已隐去]"),
            ("+86 13812345678", "+86 [手机号已隐去]"),
            ("8613812345678", "[手机号已隐去]"),
            ("tel13812345678", "tel[手机号已隐去]"),
            ("手机１３８１２３４５６７８", "手机[手机号已隐去]"),
            ("19912345678或15000000000", "[手机号已隐去]或[手机号已隐去]"),
        ] {
            assert_eq!(redact(text, &[]), want, "{text}");
        }
    }

    #[test]
    fn leaves_ordinary_numbers_alone() {
        for keep in [
            "2026年3月5日办结，退税款12345678元。",
            "豫政办〔2024〕67号",
            "12812345678",  // 12x is not a mobile prefix
            "138123456789", // twelve digits: not a mobile number
            "internationalization",
            "订单号 A1B2C3",
        ] {
            assert_eq!(redact(keep, &[]), keep, "{keep}");
        }
    }

    #[test]
    fn long_numbers_and_glued_ids_are_redacted() {
        assert_eq!(
            redact("银行卡6222021234567890123到账", &[]),
            "银行卡[号码已隐去]到账"
        );
        assert_eq!(redact("旧证410102850101123", &[]), "旧证[号码已隐去]");
        assert_eq!(redact("ID110101199003074514abc", &[]), NUMBER_LABEL);
    }

    #[test]
    fn known_names_longest_first_and_short_ones_ignored() {
        let text = "郑州某某科技有限公司的张三反映，某某科技拖欠问题已解决。";
        let got = redact(
            text,
            &[
                "某某科技",
                "郑州某某科技有限公司",
                "张三",
                "张",
                " ",
                "名称",
            ],
        );
        assert_eq!(
            got,
            "[名称已隐去]的[名称已隐去]反映，[名称已隐去]拖欠问题已解决。"
        );
    }
}
