//! POST Service Request bodies: the spec's example, attributes, plus signs, Chinese
//! text, locations under both rules, repeats, and what is refused.

use super::post::{MAX_BODY_BYTES, MAX_DESCRIPTION_CHARS};
use super::*;

fn parse(body: &str) -> Result<PostRequest, InputError> {
    parse_post_request(body.as_bytes(), LocationRule::Required)
}

fn values<'a>(p: &'a PostRequest, code: &str) -> Vec<&'a str> {
    p.attributes
        .iter()
        .find(|a| a.code == code)
        .map(|a| a.values.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn the_specs_example_body() {
    let body = "api_key=xyz&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456&first_name=john&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001";
    let p = parse(body).unwrap();
    assert_eq!(p.api_key, "xyz");
    assert_eq!(p.jurisdiction_id.as_deref(), Some("city.gov"));
    assert_eq!(p.service_code.as_str(), "001");
    assert_eq!(
        p.location.coordinates,
        Coordinates::new(37.76524078, -122.4212043)
    );
    assert_eq!(
        p.location.address_string.as_deref(),
        Some("1234 5th street")
    );
    assert_eq!(p.location.address_id, None);
    assert_eq!(p.email.as_deref(), Some("smit333@sfgov.edu"));
    assert_eq!(p.device_id.as_deref(), Some("tt222111"));
    assert_eq!(p.account_id.as_deref(), Some("123456"));
    assert_eq!(
        (p.first_name.as_deref(), p.last_name.as_deref()),
        (Some("john"), Some("smith"))
    );
    assert_eq!(p.phone.as_deref(), Some("111111111"));
    assert_eq!(
        p.description.as_deref(),
        Some("A large sinkhole is destroying the street")
    );
    assert_eq!(
        p.media_url,
        vec!["http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"]
    );
    assert_eq!(values(&p, "WHISPAWN"), vec!["123456"]);
    assert_eq!(values(&p, "WHISDORN"), vec!["COISL001"]);
}

#[test]
fn attributes_single_multi_encoded_and_empty() {
    let body = "api_key=k&service_code=S&address_id=A1\
                &attribute[c1][]=value1&attribute%5Bc1%5D%5B%5D=value2&attribute[c1]=value3\
                &attribute[note]=a+b%2Bc&attribute[shape]=&attribute[kind]=%E4%BC%81%E4%B8%9A";
    let p = parse(body).unwrap();
    assert_eq!(values(&p, "c1"), vec!["value1", "value2", "value3"]);
    assert_eq!(values(&p, "note"), vec!["a b+c"]);
    assert_eq!(values(&p, "kind"), vec!["企业"]);
    // An empty answer ("nothing picked") is no answer.
    assert!(p.attributes.iter().all(|a| a.code != "shape"));
    let codes: Vec<&str> = p.attributes.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, vec!["c1", "note", "kind"]);
    for bad in [
        "attribute[]=x",
        "attribute[a=x",
        "attribute[a][b]=x",
        "attribute[a]]=x",
        "attribute[[a]=x",
    ] {
        let e = parse(&format!("api_key=k&service_code=S&address_id=A&{bad}")).unwrap_err();
        assert_eq!(e.code(), "OPEN311_ATTRIBUTE_KEY_MALFORMED", "{bad}");
    }
    // Not an attribute key at all: someone's extension, ignored.
    assert!(parse("api_key=k&service_code=S&address_id=A&attributes=x&attribute=y").is_ok());
}

#[test]
fn chinese_text_and_plus_signs() {
    // 「企业开办窗口排队超过两小时 + 无人引导」, as a browser encodes it.
    let description = "%E4%BC%81%E4%B8%9A%E5%BC%80%E5%8A%9E%E7%AA%97%E5%8F%A3%E6%8E%92%E9%98%9F\
                       %E8%B6%85%E8%BF%87%E4%B8%A4%E5%B0%8F%E6%97%B6+%2B+%E6%97%A0%E4%BA%BA%E5%BC%95%E5%AF%BC";
    let body = format!(
        "api_key=k&service_code=S&address_string=%E6%B5%8E%E6%BA%90%E5%B8%82&description={description}&phone=%2B86+138+0000+0000&first_name=%E5%BC%A0"
    );
    let p = parse(&body).unwrap();
    assert_eq!(
        p.description.as_deref(),
        Some("企业开办窗口排队超过两小时 + 无人引导")
    );
    assert_eq!(p.location.address_string.as_deref(), Some("济源市"));
    assert_eq!(p.phone.as_deref(), Some("+86 138 0000 0000"));
    assert_eq!(p.first_name.as_deref(), Some("张"));
}

#[test]
fn the_location_rule() {
    let none = "api_key=k&service_code=S&description=x";
    assert_eq!(parse(none), Err(InputError::MissingLocation));
    let p = parse_post_request(none.as_bytes(), LocationRule::Optional).unwrap();
    assert!(p.location.is_empty());
    for (partial, error) in [
        ("lat=34.7", InputError::IncompleteCoordinates),
        ("long=113.6&lat=", InputError::IncompleteCoordinates),
        (
            "lat=91&long=0",
            InputError::InvalidCoordinate { name: "lat" },
        ),
        (
            "lat=0&long=NaN",
            InputError::InvalidCoordinate { name: "long" },
        ),
    ] {
        let body = format!("{none}&address_string=here&{partial}");
        for rule in [LocationRule::Required, LocationRule::Optional] {
            assert_eq!(
                parse_post_request(body.as_bytes(), rule),
                Err(error.clone()),
                "{partial}"
            );
        }
    }
    assert!(parse(&format!("{none}&address_id=545483")).is_ok());
    let p = parse(&format!("{none}&lat=34.7466&long=113.6253")).unwrap();
    assert_eq!(p.location.coordinates, Coordinates::new(34.7466, 113.6253));
}

#[test]
fn required_fields_and_their_errors() {
    let e = parse("service_code=S&address_id=A").unwrap_err();
    assert_eq!((e.code(), e.status()), ("OPEN311_API_KEY_MISSING", 403));
    assert_eq!(
        parse("api_key=&service_code=S&address_id=A"),
        Err(InputError::MissingApiKey)
    );
    let e = parse("api_key=k&address_id=A").unwrap_err();
    assert_eq!(
        (e, InputError::MissingServiceCode.status()),
        (InputError::MissingServiceCode, 400)
    );
    assert_eq!(
        parse("api_key=k&service_code=a%2Cb&address_id=A")
            .unwrap_err()
            .code(),
        "OPEN311_IDENTIFIER_INVALID"
    );
}

#[test]
fn repeats_are_refused_unless_harmless() {
    let base = "api_key=k&service_code=S&address_id=A";
    assert_eq!(
        parse(&format!("{base}&email=a@b.c&email=d@e.f")),
        Err(InputError::RepeatedParameter {
            name: "email".into()
        })
    );
    assert_eq!(
        parse(&format!("{base}&service_code=T")),
        Err(InputError::RepeatedParameter {
            name: "service_code".into()
        })
    );
    let p = parse(&format!("{base}&phone=1&phone=1&email=&email=a@b.c")).unwrap();
    assert_eq!(
        (p.phone.as_deref(), p.email.as_deref()),
        (Some("1"), Some("a@b.c"))
    );
    let p = parse(&format!(
        "{base}&media_url=https://x/1.jpg&media_url=http://x/2.jpg"
    ))
    .unwrap();
    assert_eq!(p.media_url, vec!["https://x/1.jpg", "http://x/2.jpg"]);
    // Unknown fields (other clients' extensions) are ignored.
    assert!(parse(&format!("{base}&deviceid=x&uprn=1&file_1=z")).is_ok());
}

#[test]
fn texts_are_bounded_and_clean() {
    let base = "api_key=k&service_code=S&address_id=A";
    let longest = "字".repeat(MAX_DESCRIPTION_CHARS);
    assert!(parse(&format!("{base}&description={longest}")).is_ok());
    assert_eq!(
        parse(&format!("{base}&description={longest}x")),
        Err(InputError::FieldTooLong {
            name: "description".into(),
            max: MAX_DESCRIPTION_CHARS
        })
    );
    let p = parse(&format!("{base}&description=line+1%0D%0Aline+2%09end")).unwrap();
    assert_eq!(p.description.as_deref(), Some("line 1\r\nline 2\tend"));
    for bad in [
        "first_name=a%0Ab",
        "email=a%00@b",
        "description=a%07b",
        "attribute[x]=a%1Bb",
    ] {
        let e = parse(&format!("{base}&{bad}")).unwrap_err();
        assert_eq!(e.code(), "OPEN311_CONTROL_CHARACTER", "{bad}");
    }
    for bad in ["a", "@b", "a@", "a b@c", "a@b@c"] {
        assert_eq!(
            parse(&format!("{base}&email={bad}")),
            Err(InputError::InvalidEmail),
            "{bad}"
        );
    }
    for bad in [
        "ftp://x/1.jpg",
        "javascript:alert(1)",
        "https://x/a+b.jpg",
        "/relative.jpg",
    ] {
        assert_eq!(
            parse(&format!("{base}&media_url={bad}")),
            Err(InputError::InvalidMediaUrl),
            "{bad}"
        );
    }
    let big = format!("{base}&description={}", "x".repeat(MAX_BODY_BYTES));
    assert_eq!(
        parse(&big),
        Err(InputError::TooLarge {
            limit: MAX_BODY_BYTES
        })
    );
    assert_eq!(
        parse_post_request(b"api_key=\xff", LocationRule::Optional),
        Err(InputError::NotUtf8)
    );
}
