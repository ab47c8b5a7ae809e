use super::problems::{CHANNEL_401, DEVICE_401, IDEMPOTENCY_409};
use super::*;
use crate::problem::{ApiError, RequestError};
use crate::security::apikey::{ApiKeyError, Scope};
use crate::security::channel::ChannelAuthError;
use crate::security::device::DeviceAuthError;
use crate::security::idempotency::IdempotencyError;
use crate::security::token::TokenError;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateRun {
    /// Division code.
    division: String,
}

#[derive(Serialize, JsonSchema)]
struct RunView {
    id: String,
    done: bool,
}

const CREATE: Operation = Operation {
    id: "createRun",
    summary: "Start a run",
    caller: Caller::Agency("valuation:import"),
    body: Content::Json(schema::<CreateRun>),
    body_example: Some(r#"{"division": "410300"}"#),
    idempotent: true,
    replies: &[Reply::json(201, "The run", schema::<RunView>)],
    problems: &[(422, &["VAL_NO_TABLE"])],
    links: &[Link {
        status: 201,
        name: "GetRun",
        operation_id: "getRun",
        parameters: &[("id", "$response.body#/id")],
    }],
    ..Operation::NEW
};

const SHOW: Operation = Operation {
    id: "getRun",
    summary: "A run",
    caller: Caller::UsersOrAgency(&[Role::Officer], "valuation:import"),
    params: &[
        Param::path("id", "The run's id", schema::<String>).example("01J0"),
        Param::query("limit", "At most", schema::<u32>),
    ],
    replies: &[Reply::json(200, "The run", schema::<RunView>)],
    problems: &[(404, &["VAL_RUN_NOT_FOUND"])],
    ..Operation::NEW
};

fn info() -> Info {
    Info {
        title: "Test",
        version: "1",
        description: "测试",
    }
}

fn doc() -> Value {
    document(
        &info(),
        "/api/valuation",
        [("POST", "/runs", &CREATE), ("GET", "/runs/{id}", &SHOW)],
    )
    .expect("a consistent table")
}

#[test]
fn the_document_has_every_route_its_types_and_security() {
    let d = doc();
    assert_eq!(d["openapi"], "3.1.0");
    let post = &d["paths"]["/api/valuation/runs"]["post"];
    assert_eq!(post["operationId"], "createRun");
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/CreateRun"
    );
    let create = &d["components"]["schemas"]["CreateRun"];
    assert_eq!(create["additionalProperties"], false);
    assert_eq!(create["required"], json!(["division"]));
    assert_eq!(
        post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/RunView"
    );
    assert_eq!(
        post["responses"]["201"]["links"]["GetRun"],
        json!({"operationId": "getRun", "parameters": {"id": "$response.body#/id"}})
    );
    assert_eq!(
        post["security"],
        json!([{"agencyKey": ["valuation:import"]}, {"agencyKeyBearer": ["valuation:import"]}])
    );
    assert_eq!(post["x-yingshang-caller"]["scope"], "valuation:import");
    let idem = post["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Idempotency-Key")
        .expect("idempotent writes take the header");
    assert_eq!(idem["in"], "header");

    let get = &d["paths"]["/api/valuation/runs/{id}"]["get"];
    let params = get["parameters"].as_array().unwrap();
    assert_eq!(params[0]["in"], "path");
    assert_eq!(params[0]["required"], true);
    assert_eq!(params[0]["example"], "01J0");
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["example"],
        json!({"division": "410300"})
    );
    assert_eq!(params[1]["in"], "query");
    assert_eq!(params[1]["required"], false);
    assert_eq!(params[1]["schema"]["minimum"], 0);
    assert_eq!(get["x-yingshang-caller"]["roles"], json!(["officer"]));
    assert!(get.get("requestBody").is_none());
}

fn codes(op: &Value, status: &str) -> Vec<String> {
    let s = &op["responses"][status]["content"]["application/problem+json"]["schema"];
    assert_eq!(s["allOf"][0]["$ref"], "#/components/schemas/Problem");
    assert_eq!(
        s["allOf"][1]["properties"]["status"]["const"],
        status.parse::<u16>().unwrap()
    );
    s["allOf"][1]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn problems_come_from_the_route_its_caller_and_its_body() {
    let d = doc();
    let post = &d["paths"]["/api/valuation/runs"]["post"];
    assert_eq!(codes(post, "422"), ["VAL_NO_TABLE"]);
    assert!(codes(post, "401").contains(&"APIKEY_REVOKED".to_owned()));
    assert!(codes(post, "403").contains(&"APIKEY_SCOPE_MISSING".to_owned()));
    let bad = codes(post, "400");
    assert!(
        bad.contains(&"REQ_FIELD_UNKNOWN".to_owned())
            && bad.contains(&"IDEMPOTENCY_KEY_INVALID".to_owned())
    );
    assert_eq!(codes(post, "413"), ["REQ_BODY_TOO_LARGE"]);
    assert_eq!(codes(post, "415"), ["REQ_UNSUPPORTED_MEDIA_TYPE"]);
    assert_eq!(
        codes(post, "409"),
        ["IDEMPOTENCY_IN_PROGRESS", "IDEMPOTENCY_KEY_REUSED"]
    );
    assert_eq!(codes(post, "500"), ["REQ_INTERNAL"]);

    let get = &d["paths"]["/api/valuation/runs/{id}"]["get"];
    assert_eq!(codes(get, "404"), ["VAL_RUN_NOT_FOUND"]);
    for absent in ["400", "413", "415", "409"] {
        assert!(get["responses"].get(absent).is_none(), "{absent}");
    }
    const PUBLIC: Operation = Operation {
        id: "pub",
        summary: "Public",
        replies: &[Reply::json(200, "ok", schema::<RunView>)],
        ..Operation::NEW
    };
    let d = document(&info(), "", [("GET", "/p", &PUBLIC)]).unwrap();
    let responses = d["paths"]["/p"]["get"]["responses"].as_object().unwrap();
    assert_eq!(responses.keys().collect::<Vec<_>>(), ["200", "500"]);
    assert_eq!(d["paths"]["/p"]["get"]["security"], json!([]));
}

#[test]
fn contradictions_are_refused_by_route() {
    const NO_PARAM: Operation = Operation {
        id: "x",
        summary: "X",
        replies: &[Reply::json(200, "ok", schema::<RunView>)],
        ..Operation::NEW
    };
    let errors = document(&info(), "", [("GET", "/x/{id}", &NO_PARAM)]).unwrap_err();
    assert_eq!(errors, ["GET /x/{id}: `{id}` has no path parameter"]);

    const STRAY: Operation = Operation {
        params: &[Param::path("id", "", schema::<String>)],
        ..NO_PARAM
    };
    let errors = document(&info(), "", [("GET", "/x", &STRAY)]).unwrap_err();
    assert_eq!(
        errors,
        ["GET /x: path parameter `id` is not in the pattern"]
    );

    let errors = document(
        &info(),
        "",
        [("GET", "/a", &NO_PARAM), ("POST", "/a", &NO_PARAM)],
    )
    .unwrap_err();
    assert_eq!(errors, ["POST /a: operationId `x` is used twice"]);

    const SILENT: Operation = Operation {
        id: "s",
        summary: "S",
        links: &[Link {
            status: 200,
            name: "Next",
            operation_id: "nowhere",
            parameters: &[],
        }],
        ..Operation::NEW
    };
    let errors = document(&info(), "", [("GET", "/s", &SILENT)]).unwrap_err();
    assert_eq!(
        errors,
        [
            "GET /s: no successful answer described",
            "GET /s: link `Next` leads to no operation `nowhere`",
            "GET /s: link `Next` leaves from an undescribed 200",
        ]
    );
}

/// The credential and request lists are the codes and statuses of the core's error
/// types, every variant (the matches have no wildcard: a new variant breaks the build
/// here until it is listed).
#[test]
fn the_shared_problem_lists_are_the_core_errors_codes() {
    fn listed(errors: &[&dyn ApiError], status: u16) -> Vec<&'static str> {
        errors
            .iter()
            .filter(|e| e.status() == status)
            .map(|e| e.code())
            .collect()
    }
    let tokens = [
        TokenError::Missing,
        TokenError::Malformed,
        TokenError::UnsupportedAlgorithm,
        TokenError::AlgorithmMismatch,
        TokenError::BadSignature,
        TokenError::Expired,
        TokenError::NotYetValid,
        TokenError::WrongIssuer,
        TokenError::WrongAudience,
        TokenError::UnknownRole,
        TokenError::InvalidClaim { claim: "sub" },
    ];
    for t in &tokens {
        match t {
            TokenError::Missing
            | TokenError::Malformed
            | TokenError::UnsupportedAlgorithm
            | TokenError::AlgorithmMismatch
            | TokenError::BadSignature
            | TokenError::Expired
            | TokenError::NotYetValid
            | TokenError::WrongIssuer
            | TokenError::WrongAudience
            | TokenError::UnknownRole
            | TokenError::InvalidClaim { .. } => {}
        }
    }
    let scope = Scope::parse("valuation:read").unwrap();
    let keys = [
        ApiKeyError::Missing,
        ApiKeyError::Malformed,
        ApiKeyError::Ambiguous,
        ApiKeyError::Unknown,
        ApiKeyError::Revoked,
        ApiKeyError::Expired,
        ApiKeyError::WrongScope { needed: scope },
    ];
    for k in &keys {
        match k {
            ApiKeyError::Missing
            | ApiKeyError::Malformed
            | ApiKeyError::Ambiguous
            | ApiKeyError::Unknown
            | ApiKeyError::Revoked
            | ApiKeyError::Expired
            | ApiKeyError::WrongScope { .. } => {}
        }
    }
    let mut credentials: Vec<&dyn ApiError> = tokens.iter().map(|t| t as &dyn ApiError).collect();
    credentials.extend(keys.iter().map(|k| k as &dyn ApiError));
    assert_eq!(listed(&credentials, 401), AUTH_401);
    assert_eq!(listed(&credentials, 403), ["APIKEY_SCOPE_MISSING"]);

    let devices = [
        DeviceAuthError::MissingHeader("x-nonce"),
        DeviceAuthError::MalformedDeviceId,
        DeviceAuthError::MalformedTimestamp,
        DeviceAuthError::MalformedNonce,
        DeviceAuthError::MalformedSignature,
        DeviceAuthError::StaleTimestamp,
        DeviceAuthError::BadSignature,
        DeviceAuthError::Replayed,
        DeviceAuthError::WrongDevice,
        DeviceAuthError::SecretUnusable,
    ];
    for d in &devices {
        match d {
            DeviceAuthError::MissingHeader(_)
            | DeviceAuthError::MalformedDeviceId
            | DeviceAuthError::MalformedTimestamp
            | DeviceAuthError::MalformedNonce
            | DeviceAuthError::MalformedSignature
            | DeviceAuthError::StaleTimestamp
            | DeviceAuthError::BadSignature
            | DeviceAuthError::Replayed
            | DeviceAuthError::WrongDevice
            | DeviceAuthError::SecretUnusable => {}
        }
    }
    let devices: Vec<&dyn ApiError> = devices.iter().map(|d| d as &dyn ApiError).collect();
    assert_eq!(listed(&devices, 401), DEVICE_401);
    assert_eq!(listed(&devices, 403), ["DEVICE_WRONG_RESOURCE"]);
    assert_eq!(listed(&devices, 500), ["DEVICE_SECRET_UNUSABLE"]);

    let channel = [
        ChannelAuthError::Missing,
        ChannelAuthError::Malformed,
        ChannelAuthError::BadSignature,
        ChannelAuthError::SecretUnusable,
    ];
    for c in &channel {
        match c {
            ChannelAuthError::Missing
            | ChannelAuthError::Malformed
            | ChannelAuthError::BadSignature
            | ChannelAuthError::SecretUnusable => {}
        }
    }
    let channel: Vec<&dyn ApiError> = channel.iter().map(|c| c as &dyn ApiError).collect();
    assert_eq!(listed(&channel, 401), CHANNEL_401);
    assert_eq!(listed(&channel, 500), ["CHANNEL_SECRET_UNUSABLE"]);

    let idem = [
        IdempotencyError::KeyInvalid,
        IdempotencyError::Mismatch,
        IdempotencyError::InProgress,
    ];
    let idem: Vec<&dyn ApiError> = idem.iter().map(|i| i as &dyn ApiError).collect();
    assert_eq!(listed(&idem, 400), ["IDEMPOTENCY_KEY_INVALID"]);
    let mut conflict = listed(&idem, 409);
    conflict.sort_unstable();
    assert_eq!(
        conflict,
        IDEMPOTENCY_409.iter().rev().copied().collect::<Vec<_>>()
    );

    let body = [
        RequestError::MalformedJson { line: 1, column: 1 },
        RequestError::InvalidField {
            pointer: "/a".into(),
            expected: None,
            line: 1,
            column: 1,
        },
        RequestError::UnknownField {
            pointer: "/a".into(),
            line: 1,
            column: 1,
        },
        RequestError::MissingField {
            pointer: "/a".into(),
            line: 1,
            column: 1,
        },
    ];
    let body: Vec<&dyn ApiError> = body.iter().map(|b| b as &dyn ApiError).collect();
    assert_eq!(listed(&body, 400), JSON_BODY_400);
    assert_eq!(
        RequestError::BodyTooLarge { limit: 1 }.code(),
        "REQ_BODY_TOO_LARGE"
    );
    assert_eq!(
        RequestError::UnsupportedMediaType.code(),
        "REQ_UNSUPPORTED_MEDIA_TYPE"
    );
    assert_eq!(RequestError::Internal.code(), "REQ_INTERNAL");
}

#[test]
fn the_problem_schema_accepts_the_problems_the_core_writes() {
    let d = doc();
    let validator = jsonschema::validator_for(&json!({
        "$defs": {"Problem": problem_schema()},
        "$ref": "#/$defs/Problem"
    }))
    .unwrap();
    let p = crate::problem::Problem::from_error(
        &ApiKeyError::Revoked,
        crate::problem::Lang::ZhCn,
        Some("r1"),
    );
    let v = serde_json::to_value(&p).unwrap();
    assert!(validator.is_valid(&v), "{v}");
    assert!(!validator.is_valid(&json!({"status": 401})));
    assert_eq!(d["components"]["schemas"]["Problem"], problem_schema());
}

/// `StorageError::PROBLEMS` is every variant's status and code (a new variant breaks
/// the match below until it is listed).
#[test]
fn the_storage_problem_table_is_the_storage_errors() {
    use crate::storage::StorageError as S;
    let all = [
        S::NotConfigured {
            variable: "v",
            why: "w",
        },
        S::Unreachable,
        S::AccessDenied,
        S::ObjectMissing { key: "k".into() },
        S::UploadTooLarge { limit: None },
        S::UploadEmpty,
        S::ChecksumMismatch,
        S::SizeMismatch {
            expected: 1,
            actual: 2,
        },
        S::KeyInvalid { why: "w" },
        S::NotOwner,
        S::SlotExpired,
        S::ContentTypeNotAllowed {
            content_type: "x".into(),
        },
        S::InvalidArgument { why: "w" },
        S::RangeNotSatisfiable,
        S::ObjectExists,
        S::Upstream {
            status: 500,
            code: "c".into(),
        },
        S::InvalidResponse { why: "w" },
    ];
    for e in &all {
        match e {
            S::NotConfigured { .. }
            | S::Unreachable
            | S::AccessDenied
            | S::ObjectMissing { .. }
            | S::UploadTooLarge { .. }
            | S::UploadEmpty
            | S::ChecksumMismatch
            | S::SizeMismatch { .. }
            | S::KeyInvalid { .. }
            | S::NotOwner
            | S::SlotExpired
            | S::ContentTypeNotAllowed { .. }
            | S::InvalidArgument { .. }
            | S::RangeNotSatisfiable
            | S::ObjectExists
            | S::Upstream { .. }
            | S::InvalidResponse { .. } => {}
        }
    }
    let mut from_variants: Vec<(u16, &str)> = all.iter().map(|e| (e.status(), e.code())).collect();
    let mut listed: Vec<(u16, &str)> = S::PROBLEMS
        .iter()
        .flat_map(|(s, codes)| codes.iter().map(move |c| (*s, *c)))
        .collect();
    from_variants.sort_unstable();
    listed.sort_unstable();
    assert_eq!(listed, from_variants);
}

/// The valuation errors' `CODES` are what their variants answer.
#[test]
fn the_valuation_error_code_lists_are_complete() {
    use crate::valuation::{AssessError, BasePriceError, DwellingError, TableError, UnitCodeError};
    // Every code a variant answers is listed (sampled through the core's own parsers
    // and the codes the types name); and each list has no duplicate.
    for list in [
        UnitCodeError::CODES,
        DwellingError::CODES,
        BasePriceError::CODES,
        TableError::CODES,
        AssessError::CODES,
    ] {
        let mut sorted = list.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), list.len());
    }
    for bad in [
        "",
        "41030200100",
        "41030200100XGB00001F00010101",
        "410302001001GB00001F0001010X",
    ] {
        let e = crate::valuation::UnitCode::parse(bad).unwrap_err();
        assert!(UnitCodeError::CODES.contains(&e.code()), "{}", e.code());
    }
}

/// One answer in two media types (Open311's `.json`/`.xml`), a form body, and a
/// status that is both the operation's own error document and a problem.
#[test]
fn either_and_typed_contents_and_a_reply_status_that_is_also_a_problem() {
    const FORM: Operation = Operation {
        id: "postForm",
        summary: "A form",
        body: Content::Typed("application/x-www-form-urlencoded", schema::<CreateRun>),
        replies: &[
            Reply {
                status: 200,
                description: "The run",
                content: Content::Either(&[
                    Content::Json(schema::<RunView>),
                    Content::Text("text/xml"),
                ]),
            },
            Reply {
                status: 413,
                description: "An error document",
                content: Content::Text("text/xml"),
            },
        ],
        ..Operation::NEW
    };
    let d = document(&info(), "/api/x", [("POST", "/form", &FORM)]).unwrap();
    let op = &d["paths"]["/api/x/form"]["post"];
    let form = &op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    assert_eq!(form["$ref"], "#/components/schemas/CreateRun");
    let ok = &op["responses"]["200"]["content"];
    assert_eq!(
        ok["application/json"]["schema"]["$ref"],
        "#/components/schemas/RunView"
    );
    assert_eq!(ok["text/xml"]["schema"]["type"], "string");
    // 413: the operation's own document and the body-too-large problem, both.
    let too_large = &op["responses"]["413"];
    assert!(too_large["content"]["text/xml"].is_object(), "{too_large}");
    let codes = &too_large["content"]["application/problem+json"]["schema"]["allOf"][1]["properties"]
        ["code"]["enum"];
    assert_eq!(codes, &json!(["REQ_BODY_TOO_LARGE"]));
    let text = too_large["description"].as_str().unwrap();
    assert!(text.starts_with("An error document; "), "{text}");
}

/// An operation that requires `Idempotency-Key` describes the header once, required.
#[test]
fn a_required_idempotency_key_is_described_once() {
    const ORDER: Operation = Operation {
        id: "order",
        summary: "An order",
        idempotent: true,
        params: &[Param {
            name: "Idempotency-Key",
            location: In::Header,
            required: true,
            description: "Required",
            schema: schema::<String>,
            example: Some("k-1"),
        }],
        replies: &[Reply::json(201, "Ordered", schema::<RunView>)],
        ..Operation::NEW
    };
    let d = document(&info(), "/api/x", [("POST", "/orders", &ORDER)]).unwrap();
    let params = d["paths"]["/api/x/orders"]["post"]["parameters"]
        .as_array()
        .unwrap();
    let keys: Vec<&Value> = params
        .iter()
        .filter(|p| {
            p["name"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("idempotency-key")
        })
        .collect();
    assert_eq!(keys.len(), 1, "{params:?}");
    assert_eq!(keys[0]["required"], true);
    // The refusals of a replayed or reused key are still described.
    assert!(d["paths"]["/api/x/orders"]["post"]["responses"]["409"].is_object());
}
