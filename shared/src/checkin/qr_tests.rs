//! Every rendering is read back by a real decoder (rqrr): the PNG through the `png`
//! decoder, the SVGs through resvg. Text is not rasterised (resvg is built without
//! fonts); the poster's text is checked as XML instead.

use quick_xml::Reader;
use quick_xml::events::Event;
use resvg::{tiny_skia, usvg};

use super::*;

const SHORT: &str = "https://ys.example.cn/c/1";
/// ~200 bytes: a path and a base64url token, as the signed check-in links are.
const TOKEN: &str = "https://checkin.yingshang.example.gov.cn/api/checkin/scan?e=91310115MA1K4ABC2X&t=eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJlbnQiOiI5MTMxMDExNU1BMUs0QUJDMlgiLCJ2IjoxfQ.Xq3_-bR8pZ0kLmN7vT2sYwQe9uIoPaSdFgHjKlZx";
const QUERY: &str = "https://ys.example.cn/checkin?name=%E4%B8%8A%E6%B5%B7&x=1&y=2#top";

fn poster<'a>(name: &'a str, lines: &'a [&'a str]) -> Poster<'a> {
    Poster {
        enterprise_name: name,
        credit_code: "91310115MA1K4ABC2X",
        title_zh: DEFAULT_TITLE_ZH,
        lines_zh: lines,
    }
}

const LINES: &[&str] = &[
    "执法人员入企检查前，请使用“码上服务”小程序扫描本码登记。",
    "企业可通过本码查询检查记录、评价检查行为、反映问题。",
    "监督电话：12345",
];

/// Decodes the one QR code in a grayscale image; panics unless exactly one decodes.
fn decode(width: usize, height: usize, luma: &[u8]) -> (rqrr::MetaData, String) {
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the QR code decodes")
}

/// Decodes a PNG into (width, height, 8-bit luma).
fn png_luma(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(::png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    assert_eq!(info.color_type, ::png::ColorType::Grayscale);
    assert_eq!(info.bit_depth, ::png::BitDepth::Eight, "expanded to 8 bits");
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}

/// Rasterises an SVG at `width` pixels on white, into (width, height, luma).
fn rasterise(svg: &str, width: u32) -> (usize, usize, Vec<u8>) {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).expect("the SVG parses");
    let size = tree.size();
    let k = width as f32 / size.width();
    let height = (size.height() * k).round() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(width, height).expect("pixmap");
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(k, k),
        &mut pixmap.as_mut(),
    );
    let luma = pixmap
        .pixels()
        .iter()
        .map(|p| ((u16::from(p.red()) + u16::from(p.green()) + u16::from(p.blue())) / 3) as u8)
        .collect();
    (width as usize, height as usize, luma)
}

/// Every `<text>` of a document: (y, font-size, unescaped content).
fn texts(svg: &str) -> Vec<(f64, f64, String)> {
    let mut reader = Reader::from_str(svg);
    let mut out = Vec::new();
    let mut current: Option<(f64, f64, String)> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.local_name().as_ref() == b"text" => {
                let attr = |name: &[u8]| -> f64 {
                    let a = e
                        .try_get_attribute(name)
                        .expect("attribute")
                        .expect("present");
                    std::str::from_utf8(&a.value).unwrap().parse().unwrap()
                };
                current = Some((attr(b"y"), attr(b"font-size"), String::new()));
            }
            Event::Text(t) => {
                if let Some((_, _, s)) = current.as_mut() {
                    s.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c,
                    None => match r.decode().unwrap().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("entity {other}"),
                    },
                };
                if let Some((_, _, s)) = current.as_mut() {
                    s.push(c);
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"text" => {
                out.extend(current.take());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn png_decodes_to_the_exact_url() {
    for url in [SHORT, TOKEN, QUERY] {
        let bytes = png(url, 4).unwrap();
        let (w, h, luma) = png_luma(&bytes);
        let side = (matrix(url).unwrap().width() + 2 * QUIET_ZONE) * 4;
        assert_eq!((w, h), (side, side), "{url}");
        let (meta, text) = decode(w, h, &luma);
        assert_eq!(text, url);
        // rqrr reports the raw format bits: 0 is level M.
        assert_eq!(meta.ecc_level, 0, "level M");
    }
    assert!(TOKEN.len() > 190 && TOKEN.len() < 230, "{}", TOKEN.len());
}

#[test]
fn the_longest_url_allowed_decodes() {
    let url =
        format!("https://ys.example.cn/c/{}", "a1B-_".repeat(200))[..MAX_URL_BYTES].to_owned();
    let bytes = png(&url, 2).unwrap();
    let (w, h, luma) = png_luma(&bytes);
    assert_eq!(decode(w, h, &luma).1, url);
}

#[test]
fn png_is_one_bit_grayscale_with_the_signature() {
    let bytes = png(SHORT, 3).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let reader = ::png::Decoder::new(std::io::Cursor::new(&bytes))
        .read_info()
        .unwrap();
    let info = reader.info();
    assert_eq!(info.color_type, ::png::ColorType::Grayscale);
    assert_eq!(info.bit_depth, ::png::BitDepth::One);
    // 25 bytes: version 2, 25 modules.
    assert_eq!(info.width, (25 + 8) * 3);
}

#[test]
fn png_quiet_zone_is_white_and_modules_are_scaled() {
    let m = matrix(SHORT).unwrap();
    let (w, _, luma) = png_luma(&png(SHORT, 2).unwrap());
    let at = |x: usize, y: usize| luma[y * w + x];
    // Quiet zone: 4 modules of 2 pixels all round.
    assert!((0..w).all(|i| at(i, 0) == 255 && at(0, i) == 255 && at(i, 7) == 255));
    assert!((0..w).all(|i| at(w - 1, i) == 255 && at(i, w - 8) == 255));
    // Each module is a 2 × 2 block of its colour.
    for y in 0..m.width() {
        for x in 0..m.width() {
            let expected = if m.is_dark(x, y) { 0 } else { 255 };
            let (px, py) = ((x + 4) * 2, (y + 4) * 2);
            assert_eq!(
                [
                    at(px, py),
                    at(px + 1, py),
                    at(px, py + 1),
                    at(px + 1, py + 1)
                ],
                [expected; 4]
            );
        }
    }
}

#[test]
fn scale_out_of_range_is_refused() {
    for scale in [0, 33, u32::MAX] {
        let e = png(SHORT, scale).unwrap_err();
        assert_eq!(e, QrError::Scale { scale });
        assert_eq!(e.code(), "CHECKIN_QR_SCALE");
    }
    assert!(png(SHORT, 1).is_ok());
    assert!(png(SHORT, MAX_SCALE).is_ok());
}

#[test]
fn urls_over_512_bytes_are_refused_everywhere() {
    let url = "h".repeat(MAX_URL_BYTES + 1);
    let e = QrError::TooLong { len: 513 };
    assert_eq!(matrix(&url).unwrap_err(), e);
    assert_eq!(svg(&url).unwrap_err(), e);
    assert_eq!(png(&url, 4).unwrap_err(), e);
    assert_eq!(poster_svg(&url, &poster("甲", LINES)).unwrap_err(), e);
    assert!(matrix(&url[1..]).is_ok());
    // Bytes, not characters: 171 Han characters are 513 bytes.
    assert_eq!(
        matrix(&"码".repeat(171)).unwrap_err(),
        QrError::TooLong { len: 513 }
    );
}

#[test]
fn errors_have_stable_codes_and_both_languages() {
    let errors = [
        QrError::TooLong { len: 600 },
        QrError::Scale { scale: 0 },
        QrError::Encode("x".into()),
    ];
    let codes: Vec<_> = errors.iter().map(QrError::code).collect();
    assert_eq!(
        codes,
        [
            "CHECKIN_QR_TOO_LONG",
            "CHECKIN_QR_SCALE",
            "CHECKIN_QR_ENCODE"
        ]
    );
    assert!(errors[0].message_zh().contains("600"));
    assert!(errors[0].message_en().contains("600"));
    assert!(errors[1].message_zh().contains('0'));
    assert!(
        errors
            .iter()
            .all(|e| !e.message_zh().is_empty() && !e.message_en().is_empty())
    );
}

#[test]
fn the_matrix_is_byte_mode_level_m_in_the_smallest_version() {
    // 13 bytes then 60 digits: mixed segments would fit version 3 (29 modules); one
    // byte segment of 73 bytes needs version 5 (37 modules) at level M.
    let url = format!("https://a.cn/{}", "1234567890".repeat(6));
    assert_eq!(matrix(&url).unwrap().width(), 37);
    // 14 bytes fit version 1 at level M (capacity 14), 15 do not.
    assert_eq!(matrix("https://a.cn/x").unwrap().width(), 21);
    assert_eq!(matrix("https://a.cn/xy").unwrap().width(), 25);
    // Finder pattern corner dark, outside the symbol light.
    let m = matrix(SHORT).unwrap();
    assert!(m.is_dark(0, 0) && m.is_dark(6, 6) && !m.is_dark(7, 7));
    assert!(!m.is_dark(m.width(), 0) && !m.is_dark(0, m.width()));
    assert_eq!(matrix(SHORT), matrix(SHORT), "deterministic");
}

#[test]
fn svg_decodes_to_the_exact_url() {
    for url in [SHORT, TOKEN] {
        let doc = svg(url).unwrap();
        let n = matrix(url).unwrap().width() + 2 * QUIET_ZONE;
        let (w, h, luma) = rasterise(&doc, (n * 5) as u32);
        assert_eq!(decode(w, h, &luma).1, url);
    }
}

#[test]
fn svg_is_one_crisp_path_in_module_units() {
    let doc = svg(SHORT).unwrap();
    let n = 25 + 8;
    assert!(doc.starts_with("<?xml"));
    assert!(doc.contains(&format!("viewBox=\"0 0 {n} {n}\"")));
    assert!(doc.contains(&format!("width=\"{n}mm\" height=\"{n}mm\"")));
    assert!(doc.contains("shape-rendering=\"crispEdges\""));
    assert_eq!(doc.matches("<path").count(), 1);
    // One segment per horizontal run of dark modules.
    let m = matrix(SHORT).unwrap();
    let runs = (0..25)
        .flat_map(|y| (0..25).map(move |x| (x, y)))
        .filter(|&(x, y)| m.is_dark(x, y) && (x == 0 || !m.is_dark(x - 1, y)))
        .count();
    assert_eq!(doc.matches('M').count(), runs);
}

#[test]
fn poster_decodes_to_the_exact_url() {
    for url in [SHORT, TOKEN] {
        let doc = poster_svg(url, &poster("上海某某科技有限公司", LINES)).unwrap();
        assert!(doc.contains("width=\"210mm\" height=\"297mm\" viewBox=\"0 0 210 297\""));
        assert!(doc.contains(FONT_FAMILY));
        // 3 px per mm: a 120 mm code of up to 65 modules gets 5.5 px per module.
        let (w, h, luma) = rasterise(&doc, 630);
        assert_eq!((w, h), (630, 891));
        assert_eq!(decode(w, h, &luma).1, url);
    }
}

#[test]
fn poster_has_title_name_code_and_lines() {
    let doc = poster_svg(SHORT, &poster("上海某某科技有限公司", LINES)).unwrap();
    let all: Vec<String> = texts(&doc).into_iter().map(|t| t.2).collect();
    assert_eq!(all[0], DEFAULT_TITLE_ZH);
    assert_eq!(all[1], "上海某某科技有限公司");
    assert_eq!(all[2], "统一社会信用代码：91310115MA1K4ABC2X");
    assert_eq!(all[3..].concat(), LINES.concat());
}

#[test]
fn poster_escapes_the_name() {
    let name = r#"A&B <script>alert("x")</script> 'Ltd' 上海&<>"'"#;
    let doc = poster_svg(SHORT, &poster(name, LINES)).unwrap();
    assert!(!doc.contains("<script"));
    assert!(!doc.contains("A&B"));
    // The title element holds the name unwrapped.
    assert!(doc.contains(
        "· A&amp;B &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &apos;Ltd&apos; 上海&amp;&lt;&gt;&quot;&apos;</title>"
    ));
    usvg::Tree::from_str(&doc, &usvg::Options::default()).expect("well-formed SVG");
    let names: String = texts(&doc)
        .into_iter()
        .filter(|t| t.0 > RULE_Y && t.0 < CODE_TOP)
        .map(|t| t.2)
        .collect();
    // Wrapping drops the spaces it breaks at, nothing else.
    assert_eq!(
        names.replace(' ', ""),
        name.replace(' ', ""),
        "the name reads back"
    );
    let (w, h, luma) = rasterise(&doc, 630);
    assert_eq!(decode(w, h, &luma).1, SHORT);
}

#[test]
fn poster_drops_what_xml_cannot_hold() {
    let name = "甲\u{0}乙\u{1b}[31m丙\t丁\n戊\u{FFFF}";
    let doc = poster_svg(SHORT, &poster(name, &["一\u{7}二"])).unwrap();
    usvg::Tree::from_str(&doc, &usvg::Options::default()).expect("well-formed SVG");
    let all: Vec<String> = texts(&doc).into_iter().map(|t| t.2).collect();
    assert_eq!(all[1], "甲 乙 [31m丙 丁 戊");
    assert_eq!(all.last().unwrap(), "一 二");
}

/// Every text line fits the page width at its size and stays out of the code.
fn assert_on_page(doc: &str) {
    for (y, size, text) in texts(doc) {
        assert!(text_em(&text) * size <= TEXT_W + 1e-9, "{text} at {size}");
        let qr = QR_TOP - 1.0..QR_TOP + QR_SIZE + size;
        assert!(!qr.contains(&y), "{text} at y {y} overlaps the code");
        assert!(y > size && y < PAGE_H - 8.0, "{text} at y {y}");
    }
}

#[test]
fn a_very_long_name_wraps_and_shrinks_on_the_page() {
    let long =
        "上海浦东新区某某某某国际供应链管理与高端装备制造科技发展股份有限公司第一分公司".repeat(3);
    let latin = "The Extremely Long International Holdings Trading & Consulting Company (Shanghai) Limited Branch Office Number Seventeen";
    let endless = "码".repeat(1000);
    for name in [long.as_str(), latin, endless.as_str()] {
        let doc = poster_svg(TOKEN, &poster(name, LINES)).unwrap();
        usvg::Tree::from_str(&doc, &usvg::Options::default()).expect("well-formed SVG");
        assert_on_page(&doc);
        let (w, h, luma) = rasterise(&doc, 630);
        assert_eq!(decode(w, h, &luma).1, TOKEN);
    }
    // A long but reasonable name is kept whole; an absurd one is cut with "…".
    let doc = poster_svg(SHORT, &poster(&long, LINES)).unwrap();
    let name: String = texts(&doc)
        .into_iter()
        .filter(|t| t.0 > RULE_Y && t.0 < CODE_TOP)
        .map(|t| t.2)
        .collect();
    assert_eq!(name, long);
    let doc = poster_svg(SHORT, &poster(&endless, LINES)).unwrap();
    let name: Vec<String> = texts(&doc)
        .into_iter()
        .filter(|t| t.0 > RULE_Y && t.0 < CODE_TOP)
        .map(|t| t.2)
        .collect();
    assert!(name.last().unwrap().ends_with('…'));
    // Latin words are not split.
    let doc = poster_svg(SHORT, &poster(latin, LINES)).unwrap();
    let lines: Vec<String> = texts(&doc)
        .into_iter()
        .filter(|t| t.0 > RULE_Y && t.0 < CODE_TOP)
        .map(|t| t.2)
        .collect();
    assert!(lines.len() > 1);
    assert_eq!(lines.join(" "), latin);
}

#[test]
fn many_instruction_lines_stay_on_the_page() {
    let many: Vec<&str> = std::iter::repeat_n(LINES[0], 12).collect();
    let doc = poster_svg(SHORT, &poster("甲公司", &many)).unwrap();
    assert_on_page(&doc);
}

#[test]
fn wrapping_is_cjk_aware() {
    // 10 Han characters at 4 ems a line.
    assert_eq!(
        wrap("一二三四五六七八九十", 4.0),
        ["一二三四", "五六七八", "九十"]
    );
    // No line starts with closing punctuation: the character before moves along.
    assert_eq!(wrap("一二三四，五六", 4.0), ["一二三", "四，五六"]);
    // Latin breaks at spaces, and a word longer than a line is cut.
    assert_eq!(wrap("ab cd ef", 2.0), ["ab", "cd", "ef"]);
    assert_eq!(wrap("abcdefghij", 2.0), ["abc", "def", "ghi", "j"]);
    // Mixed: a break next to a Han character.
    assert_eq!(wrap("ABC有限公司", 4.0), ["ABC有", "限公司"]);
    assert!(wrap("", 4.0).is_empty());
}
