//! The printable A4 poster of a check-in code (码上服务 · 入企扫码): the title, the
//! enterprise's name and credit code, the QR symbol and the instructions, each text
//! block fitted to its box by estimated width; every text XML-escaped.

use std::fmt::Write as _;

use super::qr::{FONT_FAMILY, QrError, matrix, push_symbol};

/// What the A4 poster says besides the code. Borrowed text: the caller owns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Poster<'a> {
    /// The enterprise's registered name, printed large (any text: it is escaped).
    pub enterprise_name: &'a str,
    /// The unified social credit code (统一社会信用代码).
    pub credit_code: &'a str,
    /// The title at the top, e.g. [`DEFAULT_TITLE_ZH`].
    pub title_zh: &'a str,
    /// Instructions printed under the code, one paragraph each.
    pub lines_zh: &'a [&'a str],
}

// Poster layout, in millimetres on an A4 portrait page (the viewBox unit).
pub(super) const PAGE_W: f64 = 210.0;
pub(super) const PAGE_H: f64 = 297.0;
/// Width available to text: 15 mm margins, wide enough for a ruler's error.
pub(super) const TEXT_W: f64 = 180.0;
/// Baseline spacing as a multiple of the font size.
pub(super) const LINE_HEIGHT: f64 = 1.3;
pub(super) const TITLE_TOP: f64 = 16.0;
pub(super) const TITLE_H: f64 = 18.0;
pub(super) const RULE_Y: f64 = 38.0;
pub(super) const NAME_TOP: f64 = 44.0;
pub(super) const NAME_H: f64 = 34.0;
pub(super) const CODE_TOP: f64 = 79.0;
pub(super) const CODE_H: f64 = 9.0;
/// The code's square, quiet zone included: large enough to scan from a step away.
pub(super) const QR_SIZE: f64 = 120.0;
pub(super) const QR_TOP: f64 = 90.0;
pub(super) const LINES_TOP: f64 = 218.0;
pub(super) const LINES_H: f64 = 66.0;
/// Font sizes tried, largest first, until the text fits its box.
pub(super) const TITLE_SIZES: &[f64] = &[10.0, 8.0, 6.0, 5.0];
pub(super) const NAME_SIZES: &[f64] = &[12.0, 11.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0];
pub(super) const CODE_SIZES: &[f64] = &[5.0, 4.0, 3.0];
pub(super) const LINES_SIZES: &[f64] = &[6.0, 5.5, 5.0, 4.5, 4.0, 3.5, 3.0];

/// The printable A4 portrait poster of a check-in code, as an SVG document: the
/// title, the enterprise name large, the credit code, the code itself (120 mm
/// square, centred, quiet zone included) and the instruction lines.
///
/// All text is XML-escaped. Each block wraps by estimated width (CJK characters
/// one em, Latin narrower, Latin words kept whole) and shrinks until it fits its
/// box, so a long name never runs off the page or into the code; text too long even
/// at the smallest size is cut with "…".
///
/// # Errors
///
/// As [`matrix`].
pub fn poster_svg(url: &str, poster: &Poster) -> Result<String, QrError> {
    let m = matrix(url)?;
    let mut out = String::with_capacity(4096 + 6 * m.width() * m.width());
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 {} {}\" font-family=\"{FONT_FAMILY}\">",
        num(PAGE_W),
        num(PAGE_H)
    );
    let _ = writeln!(
        out,
        "<title>{} · {}</title>",
        escape(poster.title_zh),
        escape(poster.enterprise_name)
    );
    let _ = writeln!(
        out,
        "<rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>",
        num(PAGE_W),
        num(PAGE_H)
    );

    let title = fit_block(&[poster.title_zh], TITLE_SIZES, TEXT_W, TITLE_H);
    push_block(
        &mut out,
        &title,
        TITLE_TOP,
        TITLE_H,
        Align::Middle,
        " font-weight=\"700\" fill=\"#b71c1c\"",
    );
    let _ = writeln!(
        out,
        "<line x1=\"15\" y1=\"{y}\" x2=\"195\" y2=\"{y}\" stroke=\"#b71c1c\" stroke-width=\"0.6\"/>",
        y = num(RULE_Y)
    );

    let name = fit_block(&[poster.enterprise_name], NAME_SIZES, TEXT_W, NAME_H);
    push_block(
        &mut out,
        &name,
        NAME_TOP,
        NAME_H,
        Align::Middle,
        " font-weight=\"700\"",
    );

    if !poster.credit_code.trim().is_empty() {
        let code_line = format!("统一社会信用代码：{}", poster.credit_code.trim());
        let code = fit_block(&[code_line.as_str()], CODE_SIZES, TEXT_W, CODE_H);
        push_block(
            &mut out,
            &code,
            CODE_TOP,
            CODE_H,
            Align::Middle,
            " fill=\"#333\"",
        );
    }

    // The symbol in its own coordinate system (one unit per module) scaled into the
    // 120 mm square: the same drawing as `svg`, so what decodes there decodes here.
    let n = m.outer_width();
    let _ = writeln!(
        out,
        "<g transform=\"translate({} {}) scale({})\" shape-rendering=\"crispEdges\">",
        num((PAGE_W - QR_SIZE) / 2.0),
        num(QR_TOP),
        fine(QR_SIZE / n as f64)
    );
    push_symbol(&mut out, &m);
    out.push_str("</g>\n");

    let lines = fit_block(poster.lines_zh, LINES_SIZES, TEXT_W, LINES_H);
    push_block(&mut out, &lines, LINES_TOP, LINES_H, Align::Top, "");

    out.push_str("</svg>\n");
    Ok(out)
}

/// Wrapped text at the size it fits at.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Block {
    size: f64,
    lines: Vec<String>,
}

/// Wraps `paragraphs` at the largest of `sizes` at which every line fits `width`
/// and all lines fit `height`; at the smallest size, keeps the lines that fit and
/// ends the last with "…".
pub(super) fn fit_block(paragraphs: &[&str], sizes: &[f64], width: f64, height: f64) -> Block {
    let wrap_all = |size: f64| -> Vec<String> {
        paragraphs
            .iter()
            .flat_map(|p| wrap(&clean(p), width / size))
            .collect()
    };
    for &size in sizes {
        let lines = wrap_all(size);
        if lines.len() as f64 * size * LINE_HEIGHT <= height {
            return Block { size, lines };
        }
    }
    let size = sizes.last().copied().unwrap_or(5.0);
    let mut lines = wrap_all(size);
    let keep = ((height / (size * LINE_HEIGHT)).floor() as usize).max(1);
    if lines.len() > keep {
        lines.truncate(keep);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && text_em(last) + 1.0 > width / size {
                last.pop();
            }
            last.truncate(last.trim_end().len());
            last.push('…');
        }
    }
    Block { size, lines }
}

/// How a block sits in its box vertically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    /// Centred: headings look balanced whether they take one line or three.
    Middle,
    /// At the top: instructions read right under the code they explain.
    Top,
}

/// Writes a block's lines centred on the page, placed in its box (`top`, `height`)
/// as `align` says.
pub(super) fn push_block(
    out: &mut String,
    block: &Block,
    top: f64,
    height: f64,
    align: Align,
    attrs: &str,
) {
    let step = block.size * LINE_HEIGHT;
    let used = block.lines.len() as f64 * step;
    let slack = match align {
        Align::Middle => (height - used).max(0.0) / 2.0,
        Align::Top => 0.0,
    };
    // The first baseline sits about one ascent (0.88 em in CJK fonts) below the top
    // of its line box, plus the half-leading.
    let first = top + slack + (step - block.size) / 2.0 + 0.88 * block.size;
    for (i, line) in block.lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\"{attrs}>{}</text>",
            num(PAGE_W / 2.0),
            num(first + i as f64 * step),
            num(block.size),
            escape(line)
        );
    }
}

/// Text fit for XML 1.0 and one line: controls (tabs and newlines included) become
/// spaces, runs of whitespace one space, and non-characters are dropped (an XML
/// parser rejects them even escaped).
pub(super) fn clean(text: &str) -> String {
    let mapped: String = text
        .chars()
        .filter(|&c| c != '\u{FFFE}' && c != '\u{FFFF}')
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes the five XML specials, and drops characters XML 1.0 does not allow.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `c` is set one em wide in a CJK font: Han, kana, Hangul, CJK and
/// full-width punctuation — and general punctuation (—, …, quotes), which CJK fonts
/// draw full width too.
pub(super) fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2000}'..='\u{206F}'
        | '\u{2E80}'..='\u{303E}'
        | '\u{3041}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{A000}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}')
}

/// Estimated advance of `c` in ems, erring wide: without the font at hand the
/// poster must not overflow where the font is wider than guessed.
pub(super) fn char_em(c: char) -> f64 {
    if is_wide(c) {
        1.0
    } else if c == ' ' {
        0.3
    } else if c.is_ascii_uppercase() || matches!(c, 'm' | 'w' | '@' | '%' | '&') {
        0.75
    } else {
        0.6
    }
}

/// Estimated advance of `text` in ems.
pub(super) fn text_em(text: &str) -> f64 {
    text.chars().map(char_em).sum()
}

/// Punctuation that must not start a line (it closes what precedes it).
pub(super) fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '）'
            | '」'
            | '』'
            | '》'
            | '〉'
            | '】'
            | '”'
            | '’'
            | ')'
            | ']'
            | '}'
            | ','
            | '.'
            | ';'
            | ':'
            | '!'
            | '?'
    )
}

/// Punctuation that must not end a line (it opens what follows it).
pub(super) fn is_opening(c: char) -> bool {
    matches!(
        c,
        '（' | '「' | '『' | '《' | '〈' | '【' | '“' | '‘' | '(' | '[' | '{'
    )
}

/// Greedy line breaking of one cleaned paragraph at `max_em` ems per line. Lines
/// may break after a space or next to a wide character (CJK has no spaces), never
/// before closing or after opening punctuation; a Latin word longer than a line is
/// cut where it overflows.
pub(super) fn wrap(text: &str, max_em: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    // Byte offset in `line` of the last place a break is allowed.
    let mut allowed: Option<usize> = None;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if let Some(p) = prev
            && !line.is_empty()
            && (p == ' ' || is_wide(p) || is_wide(c))
            && !is_closing(c)
            && !is_opening(p)
        {
            allowed = Some(line.len());
        }
        prev = Some(c);
        // A loop: what follows the last allowed break may still be too long to take
        // `c`; then it becomes a line of its own.
        while text_em(&line) + char_em(c) > max_em && !line.is_empty() {
            let rest = match allowed.take() {
                Some(at) if at > 0 => line.split_off(at),
                _ => String::new(),
            };
            lines.push(line.trim_end().to_owned());
            line = rest.trim_start().to_owned();
        }
        if line.is_empty() && c == ' ' {
            continue;
        }
        line.push(c);
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// A length with at most two decimals and no trailing zeros.
pub(super) fn num(v: f64) -> String {
    trim_decimals(format!("{v:.2}"))
}

/// A scale factor with six decimals (module edges stay within a micrometre).
pub(super) fn fine(v: f64) -> String {
    trim_decimals(format!("{v:.6}"))
}

pub(super) fn trim_decimals(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}
