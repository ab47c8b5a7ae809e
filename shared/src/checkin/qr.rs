//! QR rendering of check-in codes: the module matrix of a check-in URL, drawn as a
//! standalone SVG, as a PNG, and as the printable A4 poster an enterprise hangs at
//! its entrance (码上服务 · 入企扫码).
//!
//! Pure functions: the URL (already signed by the caller) goes in, bytes come out.
//! The encoding is fixed — byte mode, error-correction level M, quiet zone of four
//! modules — so the same URL always yields the same picture, whichever function
//! renders it and wherever it runs (natively or in a wasm component).

use std::fmt::Write as _;

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};

pub use super::poster::{Poster, poster_svg};

/// Longest URL, in bytes, that a check-in code may carry. Longer URLs give dense
/// symbols that cheap phone cameras misread on a printed poster.
pub const MAX_URL_BYTES: usize = 512;

/// Light modules around the symbol on every side, as the QR standard requires for
/// reliable detection.
pub const QUIET_ZONE: usize = 4;

/// Largest PNG scale (pixels per module): beyond it the image only grows, a printer
/// gets the SVG instead.
pub const MAX_SCALE: u32 = 32;

/// Fonts of the poster: the common CJK families first, so Chinese renders on
/// servers and printers alike, then any sans-serif.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC, Source Han Sans SC, sans-serif";

/// The usual poster title.
pub const DEFAULT_TITLE_ZH: &str = "码上服务 · 入企扫码";

/// Why a check-in code cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// The URL is longer than [`MAX_URL_BYTES`].
    #[error("the URL has {len} bytes; a check-in code carries at most 512")]
    TooLong {
        /// The URL's length in bytes.
        len: usize,
    },
    /// The PNG scale is 0 or above [`MAX_SCALE`].
    #[error("PNG scale {scale} is out of range (1 to 32 pixels per module)")]
    Scale {
        /// The scale asked for.
        scale: u32,
    },
    /// The encoder or the PNG writer failed (not expected for accepted input).
    #[error("the QR code could not be encoded: {0}")]
    Encode(String),
}

impl QrError {
    /// Every code (only `CHECKIN_QR_SCALE` is the caller's: 400; the others are 500).
    pub const CODES: &[&str] = &[
        "CHECKIN_QR_TOO_LONG",
        "CHECKIN_QR_SCALE",
        "CHECKIN_QR_ENCODE",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLong { .. } => "CHECKIN_QR_TOO_LONG",
            Self::Scale { .. } => "CHECKIN_QR_SCALE",
            Self::Encode(_) => "CHECKIN_QR_ENCODE",
        }
    }

    /// Message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::TooLong { len } => {
                format!("链接长度为{len}字节，入企扫码二维码最多容纳{MAX_URL_BYTES}字节")
            }
            Self::Scale { scale } => {
                format!("PNG缩放倍数{scale}超出范围（每个模块1至{MAX_SCALE}像素）")
            }
            Self::Encode(_) => "无法生成二维码".to_owned(),
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// The modules of an encoded check-in code, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    /// Row-major, `true` for a dark module.
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Modules per side (21 for version 1, 4 more per version), quiet zone excluded.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module in column `x`, row `y` is dark. Coordinates outside the
    /// symbol are light, as the quiet zone around it is.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Modules per side including the quiet zone on both sides.
    pub(super) fn outer_width(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }
}

/// Encodes `url` in byte mode at error-correction level M, in the smallest version
/// that holds it.
///
/// Byte mode rather than the encoder's mixed segmentation: a URL is bytes, and one
/// segment keeps the symbol predictable for every scanner (some mis-handle
/// segment switches); the cost is at most a version for digit-heavy URLs. Level M
/// tolerates the wear and glare of a printed poster without the density of Q or H.
///
/// # Errors
///
/// [`QrError::TooLong`] above [`MAX_URL_BYTES`]; [`QrError::Encode`] if the encoder
/// fails (not expected: 512 bytes fit version 40 four times over).
pub fn matrix(url: &str) -> Result<QrMatrix, QrError> {
    let data = url.as_bytes();
    if data.len() > MAX_URL_BYTES {
        return Err(QrError::TooLong { len: data.len() });
    }
    let encode = |e: qrcode::types::QrError| QrError::Encode(e.to_string());
    // The encoder picks versions only for mixed segments; for one byte segment try
    // versions from the smallest up (at most 40 tiny attempts).
    for version in 1..=40 {
        let mut bits = Bits::new(Version::Normal(version));
        let fitted = bits
            .push_byte_data(data)
            .and_then(|()| bits.push_terminator(EcLevel::M));
        match fitted {
            Ok(()) => {
                let code = QrCode::with_bits(bits, EcLevel::M).map_err(encode)?;
                let width = code.width();
                let dark = code
                    .into_colors()
                    .into_iter()
                    .map(|c| c == Color::Dark)
                    .collect();
                return Ok(QrMatrix { width, dark });
            }
            Err(qrcode::types::QrError::DataTooLong) => {}
            Err(e) => return Err(encode(e)),
        }
    }
    Err(QrError::Encode("data too long for any version".to_owned()))
}

/// The check-in code as a standalone SVG document (`image/svg+xml`).
///
/// The viewBox counts modules (symbol plus a quiet zone of [`QUIET_ZONE`]); a white
/// square under one `<path>` of the dark modules, merged into horizontal runs
/// (several times smaller than a rect per module). `shape-rendering="crispEdges"`
/// keeps rasterisers from blurring module edges. Printed at its nominal size each
/// module is 1 mm, which phone cameras read easily from a desk or a door; the
/// picture scales freely.
///
/// # Errors
///
/// As [`matrix`].
pub fn svg(url: &str) -> Result<String, QrError> {
    let m = matrix(url)?;
    let n = m.outer_width();
    let mut out = String::with_capacity(256 + 12 * m.width * m.width / 2);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{n}mm\" height=\"{n}mm\" viewBox=\"0 0 {n} {n}\" shape-rendering=\"crispEdges\">"
    );
    push_symbol(&mut out, &m);
    out.push_str("</svg>\n");
    Ok(out)
}

/// The check-in code as a PNG: 1-bit grayscale (black and white is all a QR code
/// has, and it is the smallest file), a quiet zone of [`QUIET_ZONE`] modules, each
/// module `scale` × `scale` pixels.
///
/// # Errors
///
/// [`QrError::Scale`] for a scale of 0 or above [`MAX_SCALE`]; otherwise as
/// [`matrix`].
pub fn png(url: &str, scale: u32) -> Result<Vec<u8>, QrError> {
    if scale == 0 || scale > MAX_SCALE {
        return Err(QrError::Scale { scale });
    }
    let m = matrix(url)?;
    let n = m.outer_width();
    let scale = scale as usize;
    let side = n * scale;
    // One row of pixels per module row, packed 8 per byte, most significant bit
    // first; in 1-bit grayscale 1 is white. Each module row repeats `scale` times.
    let row_bytes = side.div_ceil(8);
    let mut pixels = Vec::with_capacity(row_bytes * side);
    for y in 0..n {
        let mut row = vec![0u8; row_bytes];
        for px in 0..side {
            let x = px / scale;
            let dark =
                x >= QUIET_ZONE && y >= QUIET_ZONE && m.is_dark(x - QUIET_ZONE, y - QUIET_ZONE);
            if !dark {
                row[px / 8] |= 0x80 >> (px % 8);
            }
        }
        for _ in 0..scale {
            pixels.extend_from_slice(&row);
        }
    }
    // At most (177 + 8) × 32 pixels per side: fits u32 with room to spare.
    let side = u32::try_from(side).map_err(|e| QrError::Encode(e.to_string()))?;
    let failed = |e: png::EncodingError| QrError::Encode(e.to_string());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&pixels).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

/// The white square of the symbol plus its quiet zone and the dark modules as one
/// path of horizontal runs, in module units.
pub(super) fn push_symbol(out: &mut String, m: &QrMatrix) {
    let n = m.outer_width();
    let _ = writeln!(out, "<rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/>");
    out.push_str("<path fill=\"#000\" d=\"");
    for y in 0..m.width {
        let mut x = 0;
        while x < m.width {
            if !m.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while m.is_dark(x, y) {
                x += 1;
            }
            let run = x - start;
            let _ = write!(
                out,
                "M{} {}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            );
        }
    }
    out.push_str("\"/>\n");
}

#[cfg(test)]
use super::poster::*;

#[cfg(test)]
#[path = "qr_tests.rs"]
mod tests;
