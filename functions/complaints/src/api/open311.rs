//! Open311 GeoReport v2 under `/open311/v2/`: the catalogue's categories are its
//! services, cases its service requests. GETs are public, so a request shows no
//! enterprise identity and no description (the enterprise's text may name it): only
//! the category, the status, the department responsible and the dates. POST takes a
//! form with `api_key` (an agency key holding `complaints:handle`, or the bootstrap
//! key) and `account_id` = the enterprise's credit code; it is filed as a `phone`
//! case (a hotline system relaying a call). Errors use the spec's error document in
//! the path's format, not problem+json.

use super::SCOPE_HANDLE;
use super::open311_map::{public, services};
use super::party::{self, catalogue};
use crate::store::{self, Stored};
use spin_sdk::http::{HeaderMap, HeaderValue, Request};
use time::OffsetDateTime;
use yingshang_core::complaints::{self as core, CaseId, Intake, IntakeRequest, open_case};
use yingshang_core::open311::{
    Discovery, Endpoint, EndpointType, Format, GEOREPORT_V2, InputError, LocationRule, MAX_RESULTS,
    Open311Error, Receipt, ReceiptHandle, RequestId, Selection, ServiceDefinition, ServiceRequest,
    parse_post_request, parse_requests_query, render_discovery, render_errors, render_receipt,
    render_requests, render_service_definition, render_services,
};
use yingshang_core::problem::ApiError;
use yingshang_core::security::audit::AuditEntry;
use yingshang_kit::body::read_body;
use yingshang_kit::clock::unix_ms;
use yingshang_kit::guard;
use yingshang_kit::ids::ulid;
use yingshang_kit::responses::raw;
use yingshang_kit::tx;
use yingshang_kit::{Answer, Db, Failure, RequestContext};

/// Where the Open311 endpoint lives, under the gateway's origin.
const ROOT: &str = "/api/complaints/open311/v2";
/// The largest form a POST may send.
const FORM_LIMIT: usize = 16 * 1024;
/// When the catalogue last changed (its services and their definitions).
const CHANGESET: OffsetDateTime = time::macros::datetime!(2026-11-01 00:00 UTC);

/// An error in the spec's format (status = its code).
fn errors(ctx: &RequestContext, format: Format, list: &[Open311Error]) -> Answer {
    let status = list.first().map_or(400, |e| e.code);
    raw(
        ctx,
        status,
        format.content_type(),
        render_errors(list, format),
        &[],
    )
}

fn refuse(ctx: &RequestContext, format: Format, e: &InputError) -> Answer {
    errors(ctx, format, &[e.to_open311(ctx.lang)])
}

/// Any other refusal (authentication, intake, our own failure), in the spec's format.
fn refuse_failure(ctx: &RequestContext, format: Format, f: &Failure) -> Answer {
    let description = match f.status() {
        500.. => ctx
            .lang
            .pick("服务暂时不可用", "The service is unavailable")
            .to_owned(),
        _ => f.code().to_owned(),
    };
    errors(
        ctx,
        format,
        &[Open311Error {
            code: f.status(),
            description,
        }],
    )
}

fn ok(ctx: &RequestContext, status: u16, format: Format, body: String) -> Answer {
    raw(ctx, status, format.content_type(), body, &[])
}

/// Splits `segment` into name and format; an unknown extension answers XML (the
/// spec's required format).
fn split(segment: &str) -> Result<(&str, Format), InputError> {
    Format::from_path_segment(segment)
}

/// `GET /open311/v2/{doc}`: `discovery`, `services` or `requests`.
pub async fn get_root(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    doc: &str,
) -> Result<Answer, Failure> {
    let (name, format) = match split(doc) {
        Ok(x) => x,
        Err(e) => return Ok(refuse(ctx, Format::Xml, &e)),
    };
    match name {
        "discovery" => {
            let base = format!("{}{ROOT}", super::origin(&req));
            let d = Discovery {
                changeset: CHANGESET,
                contact: "营商环境办 yingshang-office".to_owned(),
                key_service: "向营商环境办申请 complaints:handle 范围的机构 API 密钥".to_owned(),
                endpoints: vec![Endpoint {
                    specification: GEOREPORT_V2.to_owned(),
                    url: base,
                    changeset: CHANGESET,
                    r#type: EndpointType::Production,
                    formats: vec![Format::Xml, Format::Json],
                }],
            };
            Ok(ok(ctx, 200, format, render_discovery(&d, format)))
        }
        "services" => Ok(ok(ctx, 200, format, render_services(&services(), format))),
        "requests" => requests(ctx, db, &req, format).await,
        other => Ok(refuse(
            ctx,
            format,
            &InputError::RequestNotFound {
                service_request_id: other.to_owned(),
            },
        )),
    }
}

/// `GET /open311/v2/services/{code}.{format}`: the (attribute-less) definition.
pub async fn service(ctx: &RequestContext, doc: &str) -> Result<Answer, Failure> {
    let (code, format) = match split(doc) {
        Ok(x) => x,
        Err(e) => return Ok(refuse(ctx, Format::Xml, &e)),
    };
    let unknown = InputError::UnknownServiceCode {
        service_code: code.to_owned(),
    };
    let Some(known) = services()
        .into_iter()
        .find(|s| s.service_code.as_str() == code)
    else {
        return Ok(refuse(ctx, format, &unknown));
    };
    let definition = ServiceDefinition::new(known.service_code, Vec::new())
        .map_err(|e| ctx.internal("defining a service", e))?;
    Ok(ok(
        ctx,
        200,
        format,
        render_service_definition(&definition, format),
    ))
}

async fn requests(
    ctx: &RequestContext,
    db: &Db,
    req: &Request,
    format: Format,
) -> Result<Answer, Failure> {
    let query = match parse_requests_query(req.uri().query()) {
        Ok(q) => q,
        Err(e) => return Ok(refuse(ctx, format, &e)),
    };
    let found: Vec<ServiceRequest> = match query.selection {
        Selection::Ids(ids) => {
            let mut out = Vec::new();
            for id in ids {
                if let Some(s) = load(ctx, db, id.as_str()).await? {
                    out.extend(public(&s.state));
                }
            }
            out
        }
        Selection::Search(search) => {
            let window = match search.window(ctx.now) {
                Ok(w) => w,
                Err(e) => return Ok(refuse(ctx, format, &e)),
            };
            let cases = store::received_between(
                db,
                unix_ms(window.start),
                unix_ms(window.end),
                MAX_RESULTS as i64,
            )
            .await
            .map_err(|e| ctx.internal("searching cases", e))?;
            cases
                .iter()
                .filter_map(|s| public(&s.state))
                .filter(|r| search.admits(&r.service_code, r.status))
                .collect()
        }
    };
    Ok(ok(ctx, 200, format, render_requests(&found, format)))
}

async fn load(ctx: &RequestContext, db: &Db, id: &str) -> Result<Option<Stored>, Failure> {
    if CaseId::parse(id).is_err() {
        return Ok(None);
    }
    store::by_id(db, id)
        .await
        .map_err(|e| ctx.internal("loading a case", e).into())
}

/// `GET /open311/v2/requests/{id}.{format}`.
pub async fn request(ctx: &RequestContext, db: &Db, doc: &str) -> Result<Answer, Failure> {
    let (id, format) = match split(doc) {
        Ok(x) => x,
        Err(e) => return Ok(refuse(ctx, Format::Xml, &e)),
    };
    match load(ctx, db, id)
        .await?
        .as_ref()
        .and_then(|s| public(&s.state))
    {
        Some(r) => Ok(ok(ctx, 200, format, render_requests(&[r], format))),
        None => Ok(refuse(
            ctx,
            format,
            &InputError::RequestNotFound {
                service_request_id: id.to_owned(),
            },
        )),
    }
}

/// `POST /open311/v2/requests.{format}`: files a case for the enterprise named by
/// `account_id`, by the agency whose key is `api_key`.
pub async fn post(
    ctx: &RequestContext,
    db: &Db,
    req: Request,
    doc: &str,
) -> Result<Answer, Failure> {
    let (name, format) = match split(doc) {
        Ok(x) => x,
        Err(e) => return Ok(refuse(ctx, Format::Xml, &e)),
    };
    if name != "requests" {
        return Ok(refuse(
            ctx,
            format,
            &InputError::RequestNotFound {
                service_request_id: name.to_owned(),
            },
        ));
    }
    let (parts, body) = req.into_parts();
    let bytes = match read_body(ctx, &parts.headers, body, FORM_LIMIT).await {
        Ok(b) => b,
        Err(f) => return Ok(refuse_failure(ctx, format, &f)),
    };
    let form = match parse_post_request(&bytes, LocationRule::Optional) {
        Ok(f) => f,
        Err(e) => return Ok(refuse(ctx, format, &e)),
    };
    match file(ctx, db, &form, format).await {
        Ok(answer) => Ok(answer),
        Err(f) => Ok(refuse_failure(ctx, format, &f)),
    }
}

async fn file(
    ctx: &RequestContext,
    db: &Db,
    form: &yingshang_core::open311::PostRequest,
    format: Format,
) -> Result<Answer, Failure> {
    let mut headers = HeaderMap::new();
    let key = HeaderValue::from_str(form.api_key.trim()).map_err(|_| Failure::from(InvalidKey))?;
    headers.insert("x-api-key", key);
    let caller = guard::agency(ctx, db, &headers, SCOPE_HANDLE).await?;
    let actor = party::actor_of(ctx, &caller)?;
    let request = IntakeRequest {
        channel: "phone".to_owned(),
        enterprise: form.account_id.clone().unwrap_or_default(),
        category: form.service_code.as_str().to_owned(),
        description: form.description.clone().unwrap_or_default(),
        attachments: Vec::new(),
        received_at: None,
    };
    let intake = match Intake::parse(catalogue(), &request) {
        Ok(i) => i,
        Err(e) => return Ok(errors(ctx, format, &field_errors(ctx, &e.0))),
    };
    let opened = match open_case(intake, CaseId::parse(&ulid(ctx.now))?, &actor, ctx.now) {
        Ok(o) => o,
        Err(e) => return Ok(errors(ctx, format, &field_errors(ctx, &[e]))),
    };
    let id = RequestId::parse(opened.state.id.as_str())
        .map_err(|e| ctx.internal("naming a request", e.code()))?;
    let entry = AuditEntry::new(
        caller.audit_actor(),
        "complaints.case.file",
        format!("complaints/case/{}", opened.state.id),
        ctx.now,
        None,
        Some(
            &serde_json::json!({ "status": opened.state.status, "channel": "phone", "via": "open311" }),
        ),
    );
    let now_ms = unix_ms(ctx.now);
    tx::retrying(ctx, db, "filing an Open311 request", async |db: &Db| {
        store::insert(db, &opened.state, now_ms).await?;
        yingshang_kit::audit::record(ctx, db, &entry).await?;
        Ok(())
    })
    .await?;
    let receipt = Receipt {
        handle: ReceiptHandle::ServiceRequestId(id),
        service_notice: None,
        account_id: None,
    };
    Ok(ok(ctx, 201, format, render_receipt(&receipt, format)))
}

/// The intake's refusals as Open311 errors, each naming its Open311 parameter
/// (`enterprise` is `account_id`, `category` is `service_code`).
fn field_errors(ctx: &RequestContext, list: &[core::InputError]) -> Vec<Open311Error> {
    list.iter()
        .map(|e| {
            let field = match e.field() {
                "enterprise" => "account_id",
                "category" => "service_code",
                other => other,
            };
            let message = ctx.lang.pick(e.message_zh(), e.message_en());
            Open311Error {
                code: e.status(),
                description: format!("{field}: {message}"),
            }
        })
        .collect()
}

/// An `api_key` that cannot even be a header value.
#[derive(Debug)]
struct InvalidKey;

impl ApiError for InvalidKey {
    fn status(&self) -> u16 {
        403
    }
    fn code(&self) -> &'static str {
        "OPEN311_API_KEY_INVALID"
    }
    fn title(&self, lang: yingshang_core::problem::Lang) -> String {
        lang.pick("API 密钥无效", "Invalid API key").to_owned()
    }
    fn detail(&self, lang: yingshang_core::problem::Lang) -> String {
        self.title(lang)
    }
}
