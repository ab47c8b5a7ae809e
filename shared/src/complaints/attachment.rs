//! Attachments: photos (JPEG, PNG, WebP) and short videos (MP4) an enterprise adds to
//! its case, at most [`MAX_ATTACHMENTS`].
//!
//! What a file is comes from its first bytes (magic numbers), never from its name or
//! declared content type: both are the uploader's claims, and a script renamed
//! `photo.jpg` must not reach an officer's browser as a photo. The shell reads the
//! first [`SNIFF_LEN`] bytes and the size of each uploaded object and hands them here.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::input_error::InputError;

/// The most attachments one case may have (a phone's photo picker shows nine).
pub const MAX_ATTACHMENTS: usize = 9;

/// How many leading bytes [`AttachmentKind::sniff`] needs to recognise every kind.
pub const SNIFF_LEN: usize = 12;

/// The longest attachment id (an object key) accepted.
pub const MAX_ATTACHMENT_ID_CHARS: usize = 512;

/// One MiB.
const MIB: u64 = 1024 * 1024;

/// MP4 major brands accepted (ISO base media and MP4 proper). QuickTime (`qt  `),
/// 3GPP and HEIF share the container but are other formats, so they are refused.
const MP4_BRANDS: [&[u8; 4]; 10] = [
    b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"MSNV",
];

/// What an attachment's bytes are.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// A JPEG photo.
    Jpeg,
    /// A PNG image (screenshots).
    Png,
    /// A WebP image.
    Webp,
    /// An MP4 video.
    Mp4,
}

impl AttachmentKind {
    /// Every kind.
    pub const ALL: [AttachmentKind; 4] = [
        AttachmentKind::Jpeg,
        AttachmentKind::Png,
        AttachmentKind::Webp,
        AttachmentKind::Mp4,
    ];

    /// Recognises a file from its first bytes; `None` for anything else, including
    /// too few bytes to tell.
    pub fn sniff(first_bytes: &[u8]) -> Option<AttachmentKind> {
        let b = first_bytes;
        if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(AttachmentKind::Jpeg);
        }
        if b.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(AttachmentKind::Png);
        }
        if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
            return Some(AttachmentKind::Webp);
        }
        if b.len() >= 12 && &b[4..8] == b"ftyp" {
            // The `ftyp` box: size (≥ 16: size, type, major brand, minor version, then
            // whole 4-byte compatible brands) and a major brand of the MP4 family.
            let size = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            let brand_ok = MP4_BRANDS.iter().any(|brand| &b[8..12] == *brand);
            if size >= 16 && size.is_multiple_of(4) && brand_ok {
                return Some(AttachmentKind::Mp4);
            }
        }
        None
    }

    /// The largest file of this kind: 10 MiB for a photo (a phone's full-resolution
    /// JPEG is 3–8 MiB), 50 MiB for a video (about a minute at phone quality; a
    /// complaint needs a short clip, not a recording of a day).
    pub fn max_bytes(self) -> u64 {
        match self {
            AttachmentKind::Jpeg | AttachmentKind::Png | AttachmentKind::Webp => 10 * MIB,
            AttachmentKind::Mp4 => 50 * MIB,
        }
    }

    /// The content type the shell serves the object with (from the sniffed kind,
    /// never from the upload's declaration).
    pub fn content_type(self) -> &'static str {
        match self {
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Webp => "image/webp",
            AttachmentKind::Mp4 => "video/mp4",
        }
    }

    /// The file extension for downloads.
    pub fn extension(self) -> &'static str {
        match self {
            AttachmentKind::Jpeg => "jpg",
            AttachmentKind::Png => "png",
            AttachmentKind::Webp => "webp",
            AttachmentKind::Mp4 => "mp4",
        }
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::Jpeg => "JPEG",
            AttachmentKind::Png => "PNG",
            AttachmentKind::Webp => "WebP",
            AttachmentKind::Mp4 => "MP4",
        }
    }
}

impl fmt::Display for AttachmentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What the shell knows of one uploaded file: its object id, its size from the
/// store, and its first bytes (at least [`SNIFF_LEN`] when the file is that long).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFacts {
    /// The object's id (key) in the store.
    pub id: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its first bytes.
    pub head: Vec<u8>,
}

/// An accepted attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attachment {
    /// The object's id (key) in the store.
    pub id: String,
    /// What its bytes are.
    pub kind: AttachmentKind,
    /// Its size in bytes.
    pub size: u64,
}

impl Attachment {
    /// Checks one file; `index` is its position, named in the error
    /// (`attachments/<index>`).
    pub fn check(index: usize, facts: &AttachmentFacts) -> Result<Attachment, InputError> {
        let field = format!("attachments/{index}");
        let id_ok = !facts.id.is_empty()
            && facts.id.chars().count() <= MAX_ATTACHMENT_ID_CHARS
            && !facts.id.chars().any(char::is_control);
        if !id_ok {
            return Err(InputError::AttachmentIdInvalid { field });
        }
        if facts.size == 0 {
            return Err(InputError::AttachmentEmpty { field });
        }
        let Some(kind) = AttachmentKind::sniff(&facts.head) else {
            return Err(InputError::AttachmentType { field });
        };
        if facts.size > kind.max_bytes() {
            return Err(InputError::AttachmentTooLarge {
                field,
                kind,
                limit: kind.max_bytes(),
            });
        }
        Ok(Attachment {
            id: facts.id.clone(),
            kind,
            size: facts.size,
        })
    }
}

/// Checks a case's attachments: at most [`MAX_ATTACHMENTS`], each a distinct
/// accepted file. Returns every refusal, so that the form can mark each file.
pub fn check_attachments(files: &[AttachmentFacts]) -> Result<Vec<Attachment>, Vec<InputError>> {
    if files.len() > MAX_ATTACHMENTS {
        return Err(vec![InputError::TooManyAttachments {
            field: "attachments".to_owned(),
            max: MAX_ATTACHMENTS,
            found: files.len(),
        }]);
    }
    let mut accepted = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, facts) in files.iter().enumerate() {
        match Attachment::check(index, facts) {
            Ok(a) if !seen.insert(a.id.clone()) => errors.push(InputError::AttachmentRepeated {
                field: format!("attachments/{index}"),
            }),
            Ok(a) => accepted.push(a),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(accepted)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[
        0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1,
    ];
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const WEBP: &[u8] = b"RIFF\x24\x00\x00\x00WEBPVP8 ";
    const MP4: &[u8] = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00";

    fn facts(id: &str, size: u64, head: &[u8]) -> AttachmentFacts {
        AttachmentFacts {
            id: id.to_owned(),
            size,
            head: head.to_vec(),
        }
    }

    #[test]
    fn sniffs_each_kind_from_its_magic_number() {
        assert_eq!(AttachmentKind::sniff(JPEG), Some(AttachmentKind::Jpeg));
        assert_eq!(AttachmentKind::sniff(PNG), Some(AttachmentKind::Png));
        assert_eq!(AttachmentKind::sniff(WEBP), Some(AttachmentKind::Webp));
        assert_eq!(AttachmentKind::sniff(MP4), Some(AttachmentKind::Mp4));
        assert_eq!(
            AttachmentKind::sniff(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"),
            Some(AttachmentKind::Mp4)
        );
        assert!(JPEG.len() >= SNIFF_LEN && MP4.len() >= SNIFF_LEN);
    }

    #[test]
    fn refuses_what_is_not_one_of_the_kinds_whatever_its_name() {
        for bad in [
            &b""[..],
            b"\xFF\xD8",                                   // a truncated JPEG marker
            b"%PDF-1.7\n%",                                // a PDF
            b"<script>alert(1)</script>",                  // a script named photo.jpg
            b"GIF89a\x01\x00\x01\x00",                     // GIF is not accepted
            b"RIFF\x24\x00\x00\x00WAVEfmt ",               // RIFF but audio
            b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00",   // QuickTime
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",   // HEIC photo
            b"\x00\x00\x00\x08ftypisom\x00\x00\x00\x00",   // ftyp box too short
            b"\x00\x00\x00\x11ftypisom\x00\x00\x00\x00",   // not whole brands
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00", // a zip
        ] {
            assert_eq!(AttachmentKind::sniff(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn size_limits_per_kind_at_the_boundary() {
        let at_limit = Attachment::check(0, &facts("a", 10 * MIB, JPEG)).unwrap();
        assert_eq!(at_limit.kind, AttachmentKind::Jpeg);
        let e = Attachment::check(3, &facts("a", 10 * MIB + 1, PNG)).unwrap_err();
        assert_eq!(
            e,
            InputError::AttachmentTooLarge {
                field: "attachments/3".into(),
                kind: AttachmentKind::Png,
                limit: 10 * MIB
            }
        );
        // A video may be larger than a photo, up to its own limit.
        assert!(Attachment::check(0, &facts("v", 50 * MIB, MP4)).is_ok());
        let e = Attachment::check(0, &facts("v", 50 * MIB + 1, MP4)).unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_ATTACHMENT_TOO_LARGE");
        let e = Attachment::check(0, &facts("e", 0, JPEG)).unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_ATTACHMENT_EMPTY");
        let e = Attachment::check(0, &facts("", 10, JPEG)).unwrap_err();
        assert_eq!(e.code(), "COMPLAINTS_ATTACHMENT_ID_INVALID");
    }

    #[test]
    fn at_most_nine_distinct_files_and_every_refusal_reported() {
        let nine: Vec<_> = (0..9).map(|i| facts(&format!("k{i}"), 100, JPEG)).collect();
        assert_eq!(check_attachments(&nine).unwrap().len(), 9);
        let mut ten = nine.clone();
        ten.push(facts("k9", 100, JPEG));
        let errors = check_attachments(&ten).unwrap_err();
        assert_eq!(
            errors,
            [InputError::TooManyAttachments {
                field: "attachments".into(),
                max: 9,
                found: 10
            }]
        );
        let mixed = [
            facts("a", 100, JPEG),
            facts("b", 100, b"MZ\x90\x00 not an image"),
            facts("a", 100, PNG),
        ];
        let errors = check_attachments(&mixed).unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| (e.code(), e.field())).collect();
        assert_eq!(
            codes,
            [
                ("COMPLAINTS_ATTACHMENT_TYPE_NOT_ALLOWED", "attachments/1"),
                ("COMPLAINTS_ATTACHMENT_REPEATED", "attachments/2"),
            ]
        );
        assert_eq!(check_attachments(&[]).unwrap(), []);
    }
}
