//! Assembling one function's OpenAPI 3.1 document from its route table.

use super::problems;
use super::{Caller, Content, In, Operation, Reply};
use crate::security::apikey::HEADER_API_KEY;
use crate::security::channel::HEADER_CHANNEL_SIGNATURE;
use crate::security::device::{HEADER_DEVICE_ID, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// The document's `info`.
#[derive(Debug, Clone, Copy)]
pub struct Info {
    /// The API's name (`Yingshang valuation API · 一房一价`).
    pub title: &'static str,
    /// The API's version.
    pub version: &'static str,
    /// What it is for, in Chinese and English.
    pub description: &'static str,
}

/// The OpenAPI 3.1 document of the routes `(method, pattern, operation)` served under
/// `base`. Errors name every route whose description contradicts itself or its
/// pattern (a `{name}` without a path parameter or the reverse, no answer, a
/// duplicate `operationId`, a link to an operation that does not exist).
pub fn document<'a>(
    info: &Info,
    base: &str,
    routes: impl IntoIterator<Item = (&'a str, &'a str, &'a Operation)>,
) -> Result<Value, Vec<String>> {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = SchemaGenerator::new(settings);
    let routes: Vec<_> = routes.into_iter().collect();
    let mut errors = Vec::new();
    let ids: Vec<&str> = routes.iter().map(|(_, _, op)| op.id).collect();
    let mut paths = Map::new();
    for (i, (method, pattern, op)) in routes.iter().enumerate() {
        let at = format!("{method} {pattern}");
        errors.extend(
            check(op, pattern, &ids, i)
                .into_iter()
                .map(|e| format!("{at}: {e}")),
        );
        let operation = operation(op, &mut generator);
        let path = format!("{base}{pattern}");
        let entry = paths
            .entry(path)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(method.to_ascii_lowercase(), operation);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    schemas.insert("Problem".into(), problems::problem_schema());
    Ok(json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": info.title,
            "version": info.version,
            "description": info.description,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": security_schemes()
        }
    }))
}

/// Contradictions in one route's description.
fn check(op: &Operation, pattern: &str, ids: &[&str], index: usize) -> Vec<String> {
    let mut errors = Vec::new();
    if op.id.is_empty() || op.summary.is_empty() {
        errors.push("an operation needs an id and a summary".to_owned());
    }
    if ids.iter().take(index).any(|id| *id == op.id) {
        errors.push(format!("operationId `{}` is used twice", op.id));
    }
    if let Some(text) = op.body_example
        && serde_json::from_str::<Value>(text).is_err()
    {
        errors.push("the body example is not JSON".to_owned());
    }
    if op.replies.is_empty() {
        errors.push("no successful answer described".to_owned());
    }
    let segments: Vec<&str> = pattern
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect();
    for name in &segments {
        if !op
            .params
            .iter()
            .any(|p| p.location == In::Path && p.name == *name)
        {
            errors.push(format!("`{{{name}}}` has no path parameter"));
        }
    }
    for p in op.params.iter().filter(|p| p.location == In::Path) {
        if !segments.contains(&p.name) {
            errors.push(format!("path parameter `{}` is not in the pattern", p.name));
        }
    }
    for link in op.links {
        if !ids.contains(&link.operation_id) {
            errors.push(format!(
                "link `{}` leads to no operation `{}`",
                link.name, link.operation_id
            ));
        }
        if !op.replies.iter().any(|r| r.status == link.status) {
            errors.push(format!(
                "link `{}` leaves from an undescribed {}",
                link.name, link.status
            ));
        }
    }
    errors
}

fn operation(op: &Operation, generator: &mut SchemaGenerator) -> Value {
    let mut o = Map::new();
    o.insert("operationId".into(), op.id.into());
    o.insert("summary".into(), op.summary.into());
    if !op.description.is_empty() {
        o.insert("description".into(), op.description.into());
    }
    o.insert("security".into(), security(op.caller));
    o.insert("x-yingshang-caller".into(), caller(op.caller));
    let mut params: Vec<Value> = op
        .params
        .iter()
        .map(|p| {
            let mut v = json!({
                "name": p.name,
                "in": match p.location { In::Path => "path", In::Query => "query", In::Header => "header" },
                "required": p.required || p.location == In::Path,
                "description": p.description,
                "schema": (p.schema)(generator).to_value(),
            });
            if let Some(example) = p.example {
                v["example"] = example.into();
            }
            v
        })
        .collect();
    // An operation that requires the key describes the header itself (`required`).
    let own_key = op
        .params
        .iter()
        .any(|p| p.location == In::Header && p.name.eq_ignore_ascii_case("Idempotency-Key"));
    if op.idempotent && !own_key {
        params.push(json!({
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "Makes a retried write answer once: the same key and request answer the first \
                            answer again. 幂等键:重试同一请求时返回首次的结果。",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"}
        }));
    }
    if !params.is_empty() {
        o.insert("parameters".into(), params.into());
    }
    if let Some(mut content) = content(&op.body, generator) {
        if let (Some(text), Some(media)) = (op.body_example, content.get_mut("application/json")) {
            // Checked by `check`: the example is JSON.
            media["example"] = serde_json::from_str(text).unwrap_or(Value::Null);
        }
        o.insert(
            "requestBody".into(),
            json!({"required": true, "content": content}),
        );
    }
    let mut responses = Map::new();
    for reply in op.replies {
        responses.insert(reply.status.to_string(), response(reply, op, generator));
    }
    for (status, codes) in problems::of(op) {
        let problem = problem_response(status, &codes);
        match responses.get_mut(&status.to_string()) {
            // A status the operation describes itself (an Open311 error document) that
            // can also be a problem: both media types, both descriptions.
            Some(Value::Object(reply)) => {
                let text = format!(
                    "{}; {}",
                    reply
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                    problem["description"].as_str().unwrap_or("")
                );
                reply.insert("description".into(), text.into());
                let content = reply
                    .entry("content")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let (Value::Object(c), Value::Object(p)) = (content, &problem["content"]) {
                    c.extend(p.clone());
                }
            }
            _ => {
                responses.insert(status.to_string(), problem);
            }
        }
    }
    o.insert("responses".into(), responses.into());
    o.into()
}

fn content(c: &Content, generator: &mut SchemaGenerator) -> Option<Value> {
    match c {
        Content::Empty => None,
        Content::Json(schema) => {
            Some(json!({"application/json": {"schema": schema(generator).to_value()}}))
        }
        Content::Bytes(media) => {
            Some(json!({*media: {"schema": {"type": "string", "contentMediaType": media}}}))
        }
        Content::Text(media) => Some(json!({*media: {"schema": {"type": "string"}}})),
        Content::Typed(media, schema) => {
            Some(json!({*media: {"schema": schema(generator).to_value()}}))
        }
        Content::Either(all) => {
            let mut merged = Map::new();
            for c in *all {
                if let Some(Value::Object(m)) = content(c, generator) {
                    merged.extend(m);
                }
            }
            Some(Value::Object(merged))
        }
    }
}

fn response(reply: &Reply, op: &Operation, generator: &mut SchemaGenerator) -> Value {
    let mut r = Map::new();
    r.insert("description".into(), reply.description.into());
    if let Some(content) = content(&reply.content, generator) {
        r.insert("content".into(), content);
    }
    let links: Map<String, Value> = op
        .links
        .iter()
        .filter(|l| l.status == reply.status)
        .map(|l| {
            let parameters: Map<String, Value> = l
                .parameters
                .iter()
                .map(|(name, expr)| ((*name).to_owned(), Value::from(*expr)))
                .collect();
            (
                l.name.to_owned(),
                json!({"operationId": l.operation_id, "parameters": parameters}),
            )
        })
        .collect();
    if !links.is_empty() {
        r.insert("links".into(), links.into());
    }
    r.into()
}

fn problem_response(status: u16, codes: &[&str]) -> Value {
    json!({
        "description": format!("Problem: {}", codes.join(", ")),
        "content": {"application/problem+json": {"schema": {
            "allOf": [
                {"$ref": "#/components/schemas/Problem"},
                {"properties": {"status": {"const": status}, "code": {"enum": codes}}}
            ]
        }}}
    })
}

fn security(caller: Caller) -> Value {
    match caller {
        Caller::Public => json!([]),
        Caller::Users(_) => json!([{"userToken": []}]),
        Caller::Agency(scope) => json!([{"agencyKey": [scope]}, {"agencyKeyBearer": [scope]}]),
        Caller::UsersOrAgency(_, scope) => {
            json!([{"userToken": []}, {"agencyKey": [scope]}, {"agencyKeyBearer": [scope]}])
        }
        Caller::Device => json!([{"deviceSignature": []}]),
        Caller::Channel => json!([{"channelSignature": []}]),
    }
}

/// Who may call, as data for tools (the contract tests pick a credential by it).
fn caller(caller: Caller) -> Value {
    let roles = |r: &[crate::security::authz::Role]| -> Vec<&'static str> {
        r.iter().map(|r| r.as_str()).collect()
    };
    match caller {
        Caller::Public => json!({"kind": "public"}),
        Caller::Users(r) => json!({"kind": "user", "roles": roles(r)}),
        Caller::Agency(scope) => json!({"kind": "agency", "scope": scope}),
        Caller::UsersOrAgency(r, scope) => {
            json!({"kind": "user_or_agency", "roles": roles(r), "scope": scope})
        }
        Caller::Device => json!({"kind": "device"}),
        Caller::Channel => json!({"kind": "channel"}),
    }
}

fn security_schemes() -> Value {
    json!({
        "userToken": {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "A user's token (HS256) from the identity provider; its `role` claim is \
                            citizen, enterprise, officer or agency_staff. 用户令牌。"
        },
        "agencyKey": {
            "type": "apiKey", "in": "header", "name": HEADER_API_KEY,
            "description": "An agency system's API key (`ysk_<id>_<secret>`) holding the operation's \
                            scope. 机关系统的 API 密钥。"
        },
        "agencyKeyBearer": {
            "type": "http", "scheme": "bearer",
            "description": "The same agency API key, sent as `Authorization: Bearer ysk_…`."
        },
        "deviceSignature": {
            "type": "apiKey", "in": "header", "name": HEADER_SIGNATURE,
            "description": format!(
                "A registered device's HMAC-SHA256 over the method, path, `{HEADER_TIMESTAMP}`, \
                 `{HEADER_NONCE}` and the body's SHA-256, with `{HEADER_DEVICE_ID}` naming the \
                 device. 设备签名。"
            )
        },
        "channelSignature": {
            "type": "apiKey", "in": "header", "name": HEADER_CHANNEL_SIGNATURE,
            "description": "The payment channel's HMAC-SHA256 over the body. 支付渠道签名。"
        }
    })
}
