//! One code per enterprise: a URL with a signed token, served as a QR PNG, a QR SVG
//! and an A4 poster — each read back here by a real QR decoder (rqrr; the SVGs
//! rasterised by resvg, as the core's own tests do) to exactly the URL. A scan of it
//! opens the landing: the enterprise, its policies (its own users only, from the tax
//! function), the complaint categories and the open surveys. Reissuing revokes the old
//! code; forged, altered and malformed codes are refused with their own problem codes.

use super::*;
use reqwest::header::HeaderMap;
use resvg::{tiny_skia, usvg};
use yingshang_core::checkin::register::demo_register;

/// The policies the tax function's demo data gives XINYANG (see
/// `functions/tax/demo/enterprises.json` and the tax e2e tests).
pub(super) const XINYANG_POLICIES: [&str; 5] = ["EMP-01", "EMP-03", "INN-01", "INN-02", "LIV-03"];
pub(super) const XINYANG_NAME: &str = "信阳市浉河区豫南新材料有限公司";
pub(super) const PROBLEM: &str = "application/problem+json";

/// An answer's status, headers and raw body.
pub(super) struct Raw {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) bytes: Vec<u8>,
}

impl Raw {
    pub(super) fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub(super) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub(super) fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    pub(super) fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).expect("UTF-8 text")
    }
}

impl Checkin {
    /// GET an absolute URL (or a path under `/api/checkin`) as `who`.
    pub(super) async fn fetch_raw(&self, who: &Who, url: &str, lang: Option<&str>) -> Raw {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            self.url(url)
        };
        let mut rb = self.auth(reqwest::Client::new().get(url), who);
        if let Some(lang) = lang {
            rb = rb.header("accept-language", lang);
        }
        let r = rb.send().await.unwrap();
        Raw {
            status: r.status(),
            headers: r.headers().clone(),
            bytes: r.bytes().await.unwrap().to_vec(),
        }
    }

    /// The landing of a token (the URL a code carries).
    pub(super) fn landing_url(&self, token: &str) -> String {
        self.url(&format!("/landing/{token}"))
    }
}

/// Asserts a problem answer: status, code, `application/problem+json`.
pub(super) fn assert_problem(r: &Raw, status: u16, code: &str) -> Value {
    let p = r.json();
    assert_eq!(
        (r.status.as_u16(), p["code"].as_str()),
        (status, Some(code)),
        "{p}"
    );
    assert!(
        r.content_type().starts_with(PROBLEM),
        "{}",
        r.content_type()
    );
    assert_eq!(p["status"], status, "{p}");
    p
}

/// The token a code URL carries.
pub(super) fn token_of(url: &str) -> &str {
    url.rsplit_once("/landing/").expect("a landing URL").1
}

/// Decodes the one QR code in a grayscale image; panics unless exactly one decodes.
pub(super) fn decode(width: usize, height: usize, luma: &[u8]) -> String {
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the QR code decodes").1
}

/// Decodes a PNG into (width, height, 8-bit luma); a 1-bit grayscale PNG is expanded.
pub(super) fn png_luma(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    assert_eq!(info.bit_depth, png::BitDepth::Eight, "expanded to 8 bits");
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}

/// Rasterises an SVG at `width` pixels on white, into (width, height, luma).
pub(super) fn rasterise(svg: &str, width: u32) -> (usize, usize, Vec<u8>) {
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

/// The modules across a QR SVG (its viewBox counts them).
pub(super) fn modules(svg: &str) -> u32 {
    let view = svg
        .split_once("viewBox=\"0 0 ")
        .expect("a viewBox")
        .1
        .split(' ')
        .next()
        .unwrap();
    view.parse().expect("modules")
}

/// The URL in a QR SVG, rasterised at 5 pixels a module.
pub(super) fn decode_svg(svg: &str) -> String {
    let (w, h, luma) = rasterise(svg, modules(svg) * 5);
    decode(w, h, &luma)
}

/// The URL on an A4 poster, rasterised at 3 pixels a millimetre.
pub(super) fn decode_poster(svg: &str) -> String {
    let (w, h, luma) = rasterise(svg, 630);
    assert_eq!((w, h), (630, 891), "A4");
    decode(w, h, &luma)
}

#[tokio::test]
async fn the_enterprise_reads_its_code_and_every_rendering_decodes_to_its_url() {
    let c = start().await;
    let ent = demo_enterprise(30);
    let name = demo_register(31)[30].name.clone();
    let me = Who::Enterprise(ent.clone());
    let (status, code) = c.get_as(&me, &format!("/enterprises/{ent}/code")).await;
    assert_eq!(status, 200, "{code}");
    assert_eq!(code["credit_code"], ent.as_str());
    assert_eq!(code["name"], name.as_str());
    assert_eq!(code["serial"], 1);
    let url = code["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("{}/api/checkin/landing/{ent}.1.", c.app.base)),
        "{url}"
    );
    let links = format!("{}/api/checkin/enterprises/{ent}", c.app.base);
    assert_eq!(code["png"], format!("{links}/code.png"));
    assert_eq!(code["svg"], format!("{links}/code.svg"));
    assert_eq!(code["poster"], format!("{links}/poster.svg"));

    // The PNG: 1-bit grayscale, expanded, read by a real decoder.
    let png = c.fetch_raw(&me, code["png"].as_str().unwrap(), None).await;
    assert_eq!(png.status, 200, "{}", String::from_utf8_lossy(&png.bytes));
    assert_eq!(png.content_type(), "image/png");
    assert_eq!(png.header("cache-control"), "private, no-cache");
    assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let (w, h, luma) = png_luma(&png.bytes);
    assert_eq!(w, h);
    assert_eq!(decode(w, h, &luma), url);
    // A smaller scale: the same code, 3 pixels a module instead of 8.
    let small = c
        .fetch_raw(&me, &format!("/enterprises/{ent}/code.png?scale=3"), None)
        .await;
    assert_eq!(small.status, 200);
    let (ws, hs, luma) = png_luma(&small.bytes);
    assert_eq!((ws % 3, w % 8, ws / 3), (0, 0, w / 8), "{ws} {w}");
    assert_eq!(decode(ws, hs, &luma), url);
    // Scales out of range, or not numbers, are refused.
    for (query, problem) in [
        ("scale=0", "CHECKIN_QR_SCALE"),
        ("scale=33", "CHECKIN_QR_SCALE"),
        ("scale=big", "CHECKIN_FIELD_INVALID"),
        ("scale=-1", "CHECKIN_FIELD_INVALID"),
    ] {
        let r = c
            .fetch_raw(&me, &format!("/enterprises/{ent}/code.png?{query}"), None)
            .await;
        assert_problem(&r, 400, problem);
    }

    // The SVG, rasterised.
    let svg = c.fetch_raw(&me, code["svg"].as_str().unwrap(), None).await;
    assert_eq!(svg.status, 200);
    assert_eq!(svg.content_type(), "image/svg+xml");
    let doc = svg.text();
    assert!(doc.starts_with("<?xml"), "{doc}");
    assert_eq!(modules(&doc) as usize, w / 8, "the same symbol as the PNG");
    assert_eq!(decode_svg(&doc), url);

    // The A4 poster: the enterprise's name and credit code, and the code.
    let poster = c
        .fetch_raw(&me, code["poster"].as_str().unwrap(), None)
        .await;
    assert_eq!(poster.status, 200);
    assert_eq!(poster.content_type(), "image/svg+xml");
    let doc = poster.text();
    assert!(doc.contains("width=\"210mm\" height=\"297mm\""), "{doc}");
    assert!(doc.contains(&name), "{doc}");
    assert!(doc.contains(&format!("统一社会信用代码：{ent}")), "{doc}");
    assert!(doc.contains("码上服务"), "{doc}");
    assert_eq!(decode_poster(&doc), url);

    // What the decoder read is what a phone opens: anyone may.
    let (status, landing) = body(reqwest::get(&url).await.unwrap()).await;
    assert_eq!(status, 200, "{landing}");
    assert_eq!(landing["enterprise"]["credit_code"], ent.as_str());
    assert_eq!(landing["enterprise"]["name"], name.as_str());
    assert_eq!(landing["policies"]["status"], "sign_in_to_see", "{landing}");
    assert!(landing["signed_in_as"].is_null(), "{landing}");

    // A register key reads the same code.
    let register = Who::Key(c.key("jy-admin", "checkin:register").await);
    let (status, same) = c
        .get_as(&register, &format!("/enterprises/{ent}/code"))
        .await;
    assert_eq!(status, 200, "{same}");
    assert_eq!(same["url"], url.as_str());
    let png = c
        .fetch_raw(&register, &format!("/enterprises/{ent}/code.png"), None)
        .await;
    let (w, h, luma) = png_luma(&png.bytes);
    assert_eq!(decode(w, h, &luma), url);
    c.app.shutdown().await;
}

#[tokio::test]
async fn the_poster_escapes_the_name_it_prints() {
    let c = start().await;
    let register = Who::Key(c.key("jy-admin", "checkin:register").await);
    let mut e = demo_register(401)[400].clone();
    e.name = "济源市A&B<测试>\"实业\"有限公司".to_owned();
    let csv = yingshang_core::checkin::register::register_to_csv([&e]);
    let (status, i) = c.import_register(&register, csv.as_bytes()).await;
    assert_eq!(
        (status.as_u16(), i["status"].as_str()),
        (201, Some("applied")),
        "{i}"
    );
    let cc = e.credit_code.as_str();
    let poster = c
        .fetch_raw(&register, &format!("/enterprises/{cc}/poster.svg"), None)
        .await;
    assert_eq!(poster.status, 200);
    let doc = poster.text();
    assert!(
        doc.contains("A&amp;B&lt;测试&gt;&quot;实业&quot;有限公司"),
        "{doc}"
    );
    assert!(!doc.contains("<测试>") && !doc.contains("A&B"), "{doc}");
    usvg::Tree::from_str(&doc, &usvg::Options::default()).expect("well-formed SVG");
    let url = decode_poster(&doc);
    let (status, code) = c
        .get_as(&register, &format!("/enterprises/{cc}/code"))
        .await;
    assert_eq!(status, 200, "{code}");
    assert_eq!(url, code["url"].as_str().unwrap());
    // The landing, as JSON, has the name as it is.
    let (status, landing) = body(reqwest::get(&url).await.unwrap()).await;
    assert_eq!(status, 200, "{landing}");
    assert_eq!(landing["enterprise"]["name"], e.name.as_str());
    c.app.shutdown().await;
}
