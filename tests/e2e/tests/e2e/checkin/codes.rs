//! One code per enterprise: a URL with a signed token, served as a QR PNG, a QR SVG
//! and an A4 poster — each read back here by a real QR decoder (rqrr; the SVGs
//! rasterised by resvg, as the core's own tests do) to exactly the URL. A scan of it
//! opens the landing: the enterprise, its policies (its own users only, from the tax
//! function), the complaint categories and the open surveys. Reissuing revokes the old
//! code; forged, altered and malformed codes are refused with their own problem codes.

use super::*;
use reqwest::header::HeaderMap;
use resvg::{tiny_skia, usvg};
use yingshang_core::checkin::code;
use yingshang_core::checkin::register::demo_register;

/// The policies the tax function's demo data gives XINYANG (see
/// `functions/tax/demo/enterprises.json` and the tax e2e tests).
const XINYANG_POLICIES: [&str; 5] = ["EMP-01", "EMP-03", "INN-01", "INN-02", "LIV-03"];
const XINYANG_NAME: &str = "信阳市浉河区豫南新材料有限公司";
const PROBLEM: &str = "application/problem+json";

/// An answer's status, headers and raw body.
struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Raw {
    fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).expect("UTF-8 text")
    }
}

impl Checkin {
    /// GET an absolute URL (or a path under `/api/checkin`) as `who`.
    async fn fetch_raw(&self, who: &Who, url: &str, lang: Option<&str>) -> Raw {
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
    fn landing_url(&self, token: &str) -> String {
        self.url(&format!("/landing/{token}"))
    }
}

/// Asserts a problem answer: status, code, `application/problem+json`.
fn assert_problem(r: &Raw, status: u16, code: &str) -> Value {
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
fn token_of(url: &str) -> &str {
    url.rsplit_once("/landing/").expect("a landing URL").1
}

/// Decodes the one QR code in a grayscale image; panics unless exactly one decodes.
fn decode(width: usize, height: usize, luma: &[u8]) -> String {
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the QR code decodes").1
}

/// Decodes a PNG into (width, height, 8-bit luma); a 1-bit grayscale PNG is expanded.
fn png_luma(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
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

/// The modules across a QR SVG (its viewBox counts them).
fn modules(svg: &str) -> u32 {
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
fn decode_svg(svg: &str) -> String {
    let (w, h, luma) = rasterise(svg, modules(svg) * 5);
    decode(w, h, &luma)
}

/// The URL on an A4 poster, rasterised at 3 pixels a millimetre.
fn decode_poster(svg: &str) -> String {
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

#[tokio::test]
async fn the_landing_shows_policies_to_the_enterprise_and_complaints_and_surveys_to_all() {
    let c = start().await;
    let me = Who::Enterprise(XINYANG.to_owned());
    let (status, code) = c.get_as(&me, &format!("/enterprises/{XINYANG}/code")).await;
    assert_eq!(status, 200, "{code}");
    let png = c.fetch_raw(&me, code["png"].as_str().unwrap(), None).await;
    let (w, h, luma) = png_luma(&png.bytes);
    let url = decode(w, h, &luma);
    assert_eq!(url, code["url"].as_str().unwrap());

    // A stranger's phone: the enterprise, how to complain, the surveys; no policies.
    let (status, anonymous) = body(reqwest::get(&url).await.unwrap()).await;
    assert_eq!(status, 200, "{anonymous}");
    assert_eq!(anonymous["enterprise"]["name"], XINYANG_NAME);
    assert_eq!(anonymous["enterprise"]["credit_code"], XINYANG);
    assert_eq!(anonymous["enterprise"]["industry_code"], "C1371");
    assert_eq!(
        anonymous["policies"],
        json!({ "status": "sign_in_to_see" }),
        "{anonymous}"
    );
    assert!(anonymous["signed_in_as"].is_null());
    let categories: Vec<&str> = anonymous["complaints"]["categories"]
        .as_array()
        .unwrap_or_else(|| panic!("complaint categories: {anonymous}"))
        .iter()
        .map(|k| k["service_code"].as_str().unwrap())
        .collect();
    assert!(
        categories.contains(&"enforcement-without-scan"),
        "{categories:?}"
    );
    assert_eq!(
        anonymous["complaints"]["file"]["url"],
        format!("{}/api/complaints/cases", c.app.base)
    );
    assert_eq!(anonymous["complaints"]["channel"], "qr");
    let surveys = anonymous["surveys"].as_array().unwrap();
    assert_eq!(surveys.len(), 1, "{anonymous}");
    assert_eq!(surveys[0]["questions"].as_array().unwrap().len(), 2);
    assert!(surveys[0]["answered"].is_null(), "{anonymous}");
    assert_eq!(
        anonymous["scan_to_enter"]["url"],
        format!("{}/api/checkin/scans", c.app.base)
    );

    // The enterprise itself, before the tax function has matched it: not yet.
    let r = c.fetch_raw(&me, &url, None).await;
    assert_eq!(r.status, 200, "{}", r.json());
    assert_eq!(
        r.json()["policies"]["status"],
        "not_matched",
        "{}",
        r.json()
    );

    // The tax function's demo data and its matching run.
    let tax = format!("{}/api/tax/policies", c.app.base);
    let client = reqwest::Client::new();
    let (status, demo) = body(
        client
            .post(format!("{tax}/demo-data"))
            .header("x-api-key", &c.bootstrap)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{demo}");
    let (status, matched) = body(
        client
            .post(format!("{tax}/match"))
            .header("x-api-key", &c.bootstrap)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{matched}");

    // Now the enterprise's own phone sees its policies; nobody else does.
    let r = c.fetch_raw(&me, &url, None).await;
    let own = r.json();
    assert_eq!(r.status, 200, "{own}");
    assert_eq!(own["signed_in_as"], "enterprise", "{own}");
    assert_eq!(own["policies"]["status"], "matched", "{own}");
    assert!(own["policies"]["catalogue_version"].is_string(), "{own}");
    let mut ids: Vec<&str> = own["policies"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policy_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, XINYANG_POLICIES, "{own}");
    let inn = own["policies"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["policy_id"] == "INN-01")
        .unwrap();
    assert_eq!(inn["group"], "innovation");
    assert!(!inn["name_zh"].as_str().unwrap().is_empty());
    assert_eq!(own["surveys"][0]["answered"], false, "{own}");
    for other in [
        Who::Enterprise(demo_enterprise(3)),
        Who::Citizen,
        Who::Officer(MARKET, "officer-zhang"),
    ] {
        let r = c.fetch_raw(&other, &url, None).await;
        assert_eq!(r.status, 200, "{other:?}: {}", r.json());
        assert_eq!(
            r.json()["policies"]["status"],
            "sign_in_to_see",
            "{other:?}"
        );
    }
    // A credential that does not verify is refused rather than ignored.
    let r = reqwest::Client::new()
        .get(&url)
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    c.app.shutdown().await;
}

#[tokio::test]
async fn reissuing_revokes_the_old_code_for_landings_and_scans() {
    let c = start().await;
    let ent = demo_enterprise(40);
    let me = Who::Enterprise(ent.clone());
    let old = c.code_url(&ent).await;

    let (status, fresh) = c
        .post_as(&me, &format!("/enterprises/{ent}/code"), &json!({}))
        .await;
    assert_eq!(status, 201, "{fresh}");
    assert_eq!(fresh["serial"], 2);
    let new = fresh["url"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(token_of(&new).starts_with(&format!("{ent}.2.")), "{new}");
    assert_eq!(c.code_url(&ent).await, new);

    // The old code: gone, with a reason a phone can show.
    let r = c.fetch_raw(&Who::Anonymous, &old, None).await;
    let p = assert_problem(&r, 410, "CHECKIN_CODE_REVOKED");
    assert_eq!(r.header("content-language"), "zh-CN");
    assert!(p["detail"].as_str().unwrap().contains("已作废"), "{p}");
    let r = c.fetch_raw(&Who::Anonymous, &old, Some("en")).await;
    let p = assert_problem(&r, 410, "CHECKIN_CODE_REVOKED");
    assert!(p["detail"].as_str().unwrap().contains("revoked"), "{p}");
    // The new one lands.
    let (status, landing) = body(reqwest::get(&new).await.unwrap()).await;
    assert_eq!(status, 200, "{landing}");
    assert_eq!(landing["enterprise"]["credit_code"], ent.as_str());

    // An officer scanning the old code is told not to go in; the new one works.
    let (status, p) = c.scan(MARKET, "officer-zhang", &routine(&old)).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (410, Some("CHECKIN_CODE_REVOKED")),
        "{p}"
    );
    let (status, waiting) = c.scan(MARKET, "officer-zhang", &routine(&new)).await;
    assert_eq!(status, 202, "{waiting}");

    // A register key reissues too; every earlier code is revoked at once.
    let register = Who::Key(c.key("jy-admin", "checkin:register").await);
    let (status, third) = c
        .post_as(&register, &format!("/enterprises/{ent}/code"), &json!({}))
        .await;
    assert_eq!(status, 201, "{third}");
    assert_eq!(third["serial"], 3);
    let third = third["url"].as_str().unwrap().to_owned();
    for revoked in [&old, &new] {
        let r = c.fetch_raw(&Who::Anonymous, revoked, None).await;
        assert_problem(&r, 410, "CHECKIN_CODE_REVOKED");
    }
    assert_eq!(
        reqwest::get(&third).await.unwrap().status(),
        200,
        "the current code lands"
    );
    // The images follow the current code.
    let png = c
        .fetch_raw(&me, &format!("/enterprises/{ent}/code.png"), None)
        .await;
    let (w, h, luma) = png_luma(&png.bytes);
    assert_eq!(decode(w, h, &luma), third);
    let svg = c
        .fetch_raw(&me, &format!("/enterprises/{ent}/code.svg"), None)
        .await;
    assert_eq!(decode_svg(&svg.text()), third);
    assert_eq!(
        c.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'checkin.code.reissue' \
             AND subject = 'checkin-enterprise/{ent}'"
        ))
        .await,
        2
    );

    // Nobody else reissues it; an enterprise not in the register has no code.
    let (status, p) = c
        .post_as(
            &Who::Enterprise(demo_enterprise(41)),
            &format!("/enterprises/{ent}/code"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 403, "{p}");
    let (status, p) = c
        .post_as(
            &Who::Officer(MARKET, "officer-zhang"),
            &format!("/enterprises/{ent}/code"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 403, "{p}");
    let (status, p) = c
        .post_as(
            &Who::Anonymous,
            &format!("/enterprises/{ent}/code"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 401, "{p}");
    let unknown = demo_enterprise(500);
    let (status, p) = c
        .post_as(
            &register,
            &format!("/enterprises/{unknown}/code"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (404, Some("CHECKIN_ENTERPRISE_NOT_FOUND")),
        "{p}"
    );
    assert_eq!(c.code_url(&ent).await, third, "unchanged by the refusals");
    c.app.shutdown().await;
}

#[tokio::test]
async fn forged_altered_and_malformed_codes_are_refused_with_clear_errors() {
    let c = start().await;
    let ent = demo_enterprise(50);
    let cc = CreditCode::parse(&ent).unwrap();
    let url = c.code_url(&ent).await;
    let token = token_of(&url).to_owned();
    let tag = token.rsplit_once('.').unwrap().1.to_owned();
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);

    // Signed with another secret.
    let forged = code::issue(b"another-secret-not-ours-0123456789", &cc, 1);
    let r = c
        .fetch_raw(&Who::Anonymous, &c.landing_url(&forged), None)
        .await;
    let p = assert_problem(&r, 403, "CHECKIN_CODE_FORGED");
    assert_eq!(r.header("content-language"), "zh-CN");
    assert!(p["detail"].as_str().unwrap().contains("伪造或篡改"), "{p}");
    let r = c
        .fetch_raw(&Who::Anonymous, &c.landing_url(&forged), Some("en"))
        .await;
    let p = assert_problem(&r, 403, "CHECKIN_CODE_FORGED");
    assert!(
        p["detail"].as_str().unwrap().contains("forged or altered"),
        "{p}"
    );

    // Altered: one character of the MAC, the serial, another enterprise's code with
    // this MAC — all still well-formed, none verifies.
    let first = if tag.starts_with('A') { 'B' } else { 'A' };
    let other = demo_enterprise(51);
    let altered = [
        format!("{ent}.1.{first}{}", &tag[1..]),
        format!("{ent}.2.{tag}"),
        format!("{other}.1.{tag}"),
        // Signed with our secret under a serial never issued: only a leaked secret
        // could make one.
        code::issue(CODE_SECRET.as_bytes(), &cc, 7),
    ];
    for token in &altered {
        let r = c
            .fetch_raw(&Who::Anonymous, &c.landing_url(token), None)
            .await;
        assert_problem(&r, 403, "CHECKIN_CODE_FORGED");
    }

    // Not a code of ours at all.
    let wrong_check = if ent.ends_with('0') { '1' } else { '0' };
    let malformed = [
        "garbage".to_owned(),
        format!("{ent}.1"),
        format!("{ent}.1.{tag}.x"),
        format!("{}.1.{tag}", ent.to_lowercase()),
        format!("{ent}.01.{tag}"),
        format!("{ent}.1.{}", &tag[..tag.len() - 2]),
        format!("{ent}.1.{}*", &tag[..tag.len() - 1]),
        format!("{}{wrong_check}.1.{tag}", &ent[..17]),
        "A".repeat(200),
    ];
    for token in &malformed {
        let r = c
            .fetch_raw(&Who::Anonymous, &c.landing_url(token), None)
            .await;
        let p = assert_problem(&r, 400, "CHECKIN_CODE_MALFORMED");
        assert!(p["detail"].as_str().unwrap().contains("企业码"), "{p}");
    }

    // Well signed, but for an enterprise not in the register.
    let stranger = CreditCode::parse(&demo_enterprise(500)).unwrap();
    let r = c
        .fetch_raw(
            &Who::Anonymous,
            &c.landing_url(&code::issue(CODE_SECRET.as_bytes(), &stranger, 1)),
            None,
        )
        .await;
    assert_problem(&r, 404, "CHECKIN_CODE_UNKNOWN");

    // An officer's scan is refused the same way, and nothing is recorded.
    let forged_url = code::url(&c.app.base, &forged);
    let (status, p) = c.scan(MARKET, "officer-zhang", &routine(&forged_url)).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("CHECKIN_CODE_FORGED")),
        "{p}"
    );
    let altered_url = code::url(&c.app.base, &altered[0]);
    let (status, p) = c
        .scan(MARKET, "officer-zhang", &routine(&altered_url))
        .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("CHECKIN_CODE_FORGED")),
        "{p}"
    );
    let (status, p) = c.scan(MARKET, "officer-zhang", &routine("garbage")).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (400, Some("CHECKIN_CODE_MALFORMED")),
        "{p}"
    );
    assert_eq!(c.count("SELECT COUNT(*) FROM checkin_inspections").await, 0);
    // The genuine code still works.
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
    c.app.shutdown().await;
}

#[tokio::test]
async fn only_the_enterprise_and_register_keys_read_its_code() {
    let c = start().await;
    let ent = demo_enterprise(60);
    let paths = [
        format!("/enterprises/{ent}/code"),
        format!("/enterprises/{ent}/code.png"),
        format!("/enterprises/{ent}/code.svg"),
        format!("/enterprises/{ent}/poster.svg"),
    ];
    let rules = Who::Key(c.key("jy-market", "checkin:agency").await);
    for path in &paths {
        let r = c
            .fetch_raw(&Who::Enterprise(demo_enterprise(61)), path, None)
            .await;
        assert_problem(&r, 403, "AUTHZ_NOT_OWN_ORG");
        for who in [
            Who::Citizen,
            Who::Officer(MARKET, "officer-zhang"),
            Who::Staff(MARKET),
            rules.clone(),
        ] {
            let r = c.fetch_raw(&who, path, None).await;
            assert_eq!(r.status, 403, "{who:?} {path}: {}", r.json());
            assert!(r.content_type().starts_with(PROBLEM));
        }
        let r = c.fetch_raw(&Who::Anonymous, path, None).await;
        assert_eq!(r.status, 401, "{path}: {}", r.json());
        let r = c.fetch_raw(&Who::Enterprise(ent.clone()), path, None).await;
        assert_eq!(r.status, 200, "{path}");
    }

    // A valid credit code not in the register: its own user and a register key are
    // told so.
    let unknown = demo_enterprise(500);
    let register = Who::Key(c.key("jy-admin", "checkin:register").await);
    for who in [Who::Enterprise(unknown.clone()), register.clone()] {
        for path in [
            format!("/enterprises/{unknown}/code"),
            format!("/enterprises/{unknown}/code.png"),
            format!("/enterprises/{unknown}/poster.svg"),
        ] {
            let r = c.fetch_raw(&who, &path, None).await;
            let p = assert_problem(&r, 404, "CHECKIN_ENTERPRISE_NOT_FOUND");
            assert!(p["detail"].as_str().unwrap().contains("名录"), "{p}");
        }
    }
    // Not a credit code at all.
    let r = c
        .fetch_raw(&register, "/enterprises/not-a-credit-code/code", None)
        .await;
    assert_problem(&r, 400, "CHECKIN_FIELD_INVALID");
    c.app.shutdown().await;
}
