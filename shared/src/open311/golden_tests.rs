//! Golden tests: each document, fed the data of the spec's own example, is written
//! exactly as the spec's example shows it — same elements, same order, same text —
//! and its JSON is the Spark mapping of it. Where our bytes differ from the spec's
//! they are the same XML (`<account_id/>` ≡ `<account_id></account_id>`, `'` ≡
//! `&apos;`); the structural comparison with the spec's verbatim text proves it.

use std::num::NonZeroU32;

use quick_xml::Reader;
use quick_xml::events::Event;
use time::macros::datetime;

use super::*;

/// Every leaf element of a document as (path, trimmed text), in document order.
fn leaves(xml: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(xml);
    let (mut path, mut text, mut out) = (Vec::<String>::new(), String::new(), Vec::new());
    let mut leaf = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                path.push(String::from_utf8(e.local_name().as_ref().to_vec()).unwrap());
                text.clear();
                leaf = true;
            }
            Event::Empty(e) => {
                let name = String::from_utf8(e.local_name().as_ref().to_vec()).unwrap();
                out.push((format!("{}/{name}", path.join("/")), String::new()));
                leaf = false;
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => match r.resolve_char_ref().unwrap() {
                Some(c) => text.push(c),
                None => text.push(match r.decode().unwrap().as_ref() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    other => panic!("entity {other}"),
                }),
            },
            Event::End(_) => {
                if leaf {
                    out.push((path.join("/"), text.trim().to_owned()));
                }
                leaf = false;
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn code(text: &str) -> ServiceCode {
    ServiceCode::parse(text).unwrap()
}

fn id(text: &str) -> RequestId {
    RequestId::parse(text).unwrap()
}

#[test]
fn service_list() {
    let services = [Service {
        service_code: code("001"),
        service_name: "Cans left out 24x7".into(),
        description: Some("Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.".into()),
        metadata: true,
        r#type: ServiceType::Realtime,
        keywords: vec!["lorem".into(), "ipsum".into(), "dolor".into()],
        group: Some("sanitation".into()),
    }];
    let spec = r#"<?xml version="1.0" encoding="utf-8"?>
<services>
    <service>
        <service_code>001</service_code>
        <service_name>Cans left out 24x7</service_name>
        <description>Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.</description>
        <metadata>true</metadata>
        <type>realtime</type>
        <keywords>lorem, ipsum, dolor</keywords>
        <group>sanitation</group>
    </service>
</services>
"#;
    assert_eq!(render_services(&services, Format::Xml), spec);
    assert_eq!(
        render_services(&services, Format::Json),
        r#"[{"service_code":"001","service_name":"Cans left out 24x7","description":"Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.","metadata":true,"type":"realtime","keywords":"lorem, ipsum, dolor","group":"sanitation"}]"#
    );
    // No services: an empty container, an empty array.
    assert_eq!(
        render_services(&[], Format::Xml),
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services></services>\n"
    );
    assert_eq!(render_services(&[], Format::Json), "[]");
    // Absent values are empty elements and nulls.
    let bare = Service {
        service_code: code("tax-policy"),
        service_name: "税收政策咨询".into(),
        description: None,
        metadata: false,
        r#type: ServiceType::Blackbox,
        keywords: vec![" ".into()],
        group: None,
    };
    assert_eq!(
        render_services(&[bare], Format::Json),
        r#"[{"service_code":"tax-policy","service_name":"税收政策咨询","description":null,"metadata":false,"type":"blackbox","keywords":null,"group":null}]"#
    );
}

#[test]
fn service_definition() {
    let options = [("123", "Ford"), ("124", "Chrysler")]
        .map(|(key, name)| AttributeValue {
            key: key.into(),
            name: name.into(),
        })
        .to_vec();
    let definition = ServiceDefinition::new(
        code("DMV66"),
        vec![Attribute {
            variable: true,
            code: AttributeCode::parse("WHISHETN").unwrap(),
            datatype: Datatype::SingleValueList(options),
            required: true,
            datatype_description: None,
            order: NonZeroU32::MIN,
            description: "What is the ticket/tag/DL number?".into(),
        }],
    )
    .unwrap();
    let spec = r#"<?xml version="1.0" encoding="utf-8"?>
<service_definition>
    <service_code>DMV66</service_code>
    <attributes>
        <attribute>
            <variable>true</variable>
            <code>WHISHETN</code>
            <datatype>singlevaluelist</datatype>
            <required>true</required>
            <datatype_description></datatype_description>
            <order>1</order>
            <description>What is the ticket/tag/DL number?</description>
            <values>
                <value>
                    <key>123</key>
                    <name>Ford</name>
                </value>
                <value>
                    <key>124</key>
                    <name>Chrysler</name>
                </value>
            </values>
        </attribute>
    </attributes>
</service_definition>
"#;
    assert_eq!(render_service_definition(&definition, Format::Xml), spec);
    assert_eq!(
        render_service_definition(&definition, Format::Json),
        r#"{"service_code":"DMV66","attributes":[{"variable":true,"code":"WHISHETN","datatype":"singlevaluelist","required":true,"datatype_description":null,"order":1,"description":"What is the ticket/tag/DL number?","values":[{"key":"123","name":"Ford"},{"key":"124","name":"Chrysler"}]}]}"#
    );
}

/// The spec's GET Service Requests example, its data.
fn sidewalk(service_request_id: &str, status: Status) -> ServiceRequest {
    ServiceRequest {
        service_request_id: id(service_request_id),
        status,
        status_notes: Some("Duplicate request.".into()),
        service_name: "Sidewalk and Curb Issues".into(),
        service_code: code("006"),
        description: None,
        agency_responsible: None,
        service_notice: None,
        requested_datetime: datetime!(2010-04-14 06:37:38 -8),
        updated_datetime: datetime!(2010-04-14 06:37:38 -8),
        expected_datetime: Some(datetime!(2010-04-15 06:37:38 -8)),
        address: Some("8TH AVE and JUDAH ST".into()),
        address_id: Some("545483".into()),
        zipcode: Some("94122".into()),
        coordinates: Coordinates::new(37.762221815, -122.4651145),
        media_url: Some(format!(
            "http://city.gov.s3.amazonaws.com/requests/media/{service_request_id}.jpg"
        )),
    }
}

#[test]
fn service_requests() {
    let spec = r#"<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <status>closed</status>
        <status_notes>Duplicate request.</status_notes>
        <service_name>Sidewalk and Curb Issues</service_name>
        <service_code>006</service_code>
        <description></description>
        <agency_responsible></agency_responsible>
        <service_notice></service_notice>
        <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
        <updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
        <expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime>
        <address>8TH AVE and JUDAH ST</address>
        <address_id>545483</address_id>
        <zipcode>94122</zipcode>
        <lat>37.762221815</lat>
        <long>-122.4651145</long>
        <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg </media_url>
    </request>
</service_requests>
"#;
    let requests = [sidewalk("638344", Status::Closed)];
    let ours = render_requests(&requests, Format::Xml);
    assert_eq!(leaves(&ours), leaves(spec));
    // Byte for byte, but for the stray space the spec's example has in media_url.
    assert_eq!(ours, spec.replace(".jpg </media_url>", ".jpg</media_url>"));
    assert_eq!(
        render_requests(&requests, Format::Json),
        r#"[{"service_request_id":"638344","status":"closed","status_notes":"Duplicate request.","service_name":"Sidewalk and Curb Issues","service_code":"006","description":null,"agency_responsible":null,"service_notice":null,"requested_datetime":"2010-04-14T06:37:38-08:00","updated_datetime":"2010-04-14T06:37:38-08:00","expected_datetime":"2010-04-15T06:37:38-08:00","address":"8TH AVE and JUDAH ST","address_id":"545483","zipcode":"94122","lat":37.762221815,"long":-122.4651145,"media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"}]"#
    );
    // Two requests, the second open and without a position: two items, empty lat/long.
    let mut second = sidewalk("638349", Status::Open);
    second.coordinates = None;
    second.expected_datetime = None;
    let two = render_requests(&[requests[0].clone(), second], Format::Xml);
    let l = leaves(&two);
    assert_eq!(l.len(), 34);
    assert!(l.contains(&("service_requests/request/lat".into(), String::new())));
    assert!(l.contains(&("service_requests/request/status".into(), "open".into())));
    let json: serde_json::Value = serde_json::from_str(&render_requests(
        &[sidewalk("1", Status::Open)],
        Format::Json,
    ))
    .unwrap();
    assert_eq!(json[0]["lat"], serde_json::json!(37.762221815));
}

#[test]
fn post_receipt() {
    let notice = "The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code";
    let spec = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>293944</service_request_id>
        <service_notice>
            {notice}
        </service_notice>
        <account_id/>
    </request>
</service_requests>
"#
    );
    let receipt = Receipt {
        handle: ReceiptHandle::ServiceRequestId(id("293944")),
        service_notice: Some(notice.into()),
        account_id: None,
    };
    let ours = render_receipt(&receipt, Format::Xml);
    assert_eq!(leaves(&ours), leaves(&spec));
    assert!(
        ours.contains("        <account_id></account_id>\n"),
        "{ours}"
    );
    assert_eq!(
        render_receipt(&receipt, Format::Json),
        format!(
            r#"[{{"service_request_id":"293944","service_notice":"{notice}","account_id":null}}]"#
        )
    );
    // A token, never both; a blackbox service answers neither.
    let batch = Receipt {
        handle: ReceiptHandle::Token(Token::parse("12345").unwrap()),
        service_notice: None,
        account_id: Some("123456".into()),
    };
    assert_eq!(
        render_receipt(&batch, Format::Json),
        r#"[{"token":"12345","service_notice":null,"account_id":"123456"}]"#
    );
    let blackbox = Receipt {
        handle: ReceiptHandle::None,
        ..batch
    };
    assert_eq!(
        render_receipt(&blackbox, Format::Json),
        r#"[{"service_notice":null,"account_id":"123456"}]"#
    );
}

#[test]
fn token_lookup() {
    let spec = r#"<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <token>12345</token>
    </request>
</service_requests>
"#;
    let lookup = TokenLookup {
        service_request_id: Some(id("638344")),
        token: Token::parse("12345").unwrap(),
    };
    assert_eq!(render_token_lookup(&lookup, Format::Xml), spec);
    assert_eq!(
        render_token_lookup(&lookup, Format::Json),
        r#"[{"service_request_id":"638344","token":"12345"}]"#
    );
}

#[test]
fn errors() {
    let spec = r#"<?xml version="1.0" encoding="utf-8"?>
<errors>
    <error>
        <code>403</code>
        <description>Invalid api_key received -- can't proceed with create_request.</description>
    </error>
</errors>
"#;
    let errors = [Open311Error {
        code: 403,
        description: "Invalid api_key received -- can't proceed with create_request.".into(),
    }];
    let ours = render_errors(&errors, Format::Xml);
    assert_eq!(leaves(&ours), leaves(spec));
    assert_eq!(ours, spec.replace("can't", "can&apos;t"));
    assert_eq!(
        render_errors(&errors, Format::Json),
        r#"[{"code":403,"description":"Invalid api_key received -- can't proceed with create_request."}]"#
    );
    // A typed error becomes an item in the caller's language, escaped.
    let e = InputError::UnknownServiceCode {
        service_code: "<a&b>".into(),
    };
    let xml = render_errors(&[e.to_open311(crate::problem::Lang::ZhCn)], Format::Xml);
    assert!(xml.contains("<code>404</code>"), "{xml}");
    assert!(
        xml.contains("未找到诉求类别 service_code：&lt;a&amp;b&gt;"),
        "{xml}"
    );
}

#[test]
fn discovery() {
    let discovery = Discovery {
        changeset: datetime!(2011-02-03 22:18 +8),
        contact: "You can email or call for assistance api@mycity.org +1 (555) 555-5555".into(),
        key_service: "You can request a key here: http://api.mycity.gov/api_key/request".into(),
        endpoints: vec![Endpoint {
            specification: GEOREPORT_V2.into(),
            url: "http://open311.mycity.gov/test/v2".into(),
            changeset: datetime!(2010-10-02 09:01 UTC),
            r#type: EndpointType::Test,
            formats: vec![Format::Xml, Format::Json],
        }],
    };
    let expected = r#"<?xml version="1.0" encoding="utf-8"?>
<discovery>
    <changeset>2011-02-03T14:18:00Z</changeset>
    <contact>You can email or call for assistance api@mycity.org +1 (555) 555-5555</contact>
    <key_service>You can request a key here: http://api.mycity.gov/api_key/request</key_service>
    <endpoints>
        <endpoint>
            <specification>http://wiki.open311.org/GeoReport_v2</specification>
            <url>http://open311.mycity.gov/test/v2</url>
            <changeset>2010-10-02T09:01:00Z</changeset>
            <type>test</type>
            <formats>
                <format>text/xml</format>
                <format>application/json</format>
            </formats>
        </endpoint>
    </endpoints>
</discovery>
"#;
    assert_eq!(render_discovery(&discovery, Format::Xml), expected);
    assert_eq!(
        render_discovery(&discovery, Format::Json),
        r#"{"changeset":"2011-02-03T14:18:00Z","contact":"You can email or call for assistance api@mycity.org +1 (555) 555-5555","key_service":"You can request a key here: http://api.mycity.gov/api_key/request","endpoints":[{"specification":"http://wiki.open311.org/GeoReport_v2","url":"http://open311.mycity.gov/test/v2","changeset":"2010-10-02T09:01:00Z","type":"test","formats":["text/xml","application/json"]}]}"#
    );
}
