//! The descriptions of the Open311 GeoReport v2 routes. Each answers in the format its
//! path names (`.json` or `.xml`), errors included: the spec's error document with
//! the HTTP status as its code, not problem+json (only our own failure on a GET is a
//! problem). The JSON answers' schemas are written here by hand, as the spec's Spark
//! convention renders them (`yingshang_core::open311::render`).

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;
use yingshang_core::openapi::{Content, Link, Operation, Param, Reply, schema};

/// A hand-written JSON Schema type.
macro_rules! open311_schema {
    ($name:ident, $($json:tt)+) => {
        #[doc = concat!("The JSON Schema of an Open311 `", stringify!($name), "`.")]
        pub struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($($json)+)
            }
        }
    };
}

open311_schema!(Open311Discovery, {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string"},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {"type": "array", "items": {
            "type": "object",
            "required": ["specification", "url", "changeset", "type", "formats"],
            "properties": {
                "specification": {"type": "string"},
                "url": {"type": "string"},
                "changeset": {"type": "string"},
                "type": {"enum": ["production", "test"]},
                "formats": {"type": "array", "items": {"type": "string"}}
            }
        }}
    }
});

open311_schema!(Open311Services, {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type"],
        "properties": {
            "service_code": {"type": "string"},
            "service_name": {"type": "string"},
            "description": {"type": ["string", "null"]},
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": {"type": ["string", "null"]},
            "group": {"type": ["string", "null"]}
        }
    }
});

open311_schema!(Open311Requests, {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_request_id", "status", "service_code", "requested_datetime"],
        "properties": {
            "service_request_id": {"type": "string"},
            "status": {"enum": ["open", "closed"]},
            "status_notes": {"type": ["string", "null"]},
            "service_name": {"type": ["string", "null"]},
            "service_code": {"type": "string"},
            "description": {"type": ["string", "null"]},
            "agency_responsible": {"type": ["string", "null"]},
            "service_notice": {"type": ["string", "null"]},
            "requested_datetime": {"type": "string"},
            "updated_datetime": {"type": ["string", "null"]},
            "expected_datetime": {"type": ["string", "null"]},
            "address": {"type": ["string", "null"]},
            "address_id": {"type": ["string", "null"]},
            "zipcode": {"type": ["string", "null"]},
            "lat": {"type": ["number", "null"]},
            "long": {"type": ["number", "null"]},
            "media_url": {"type": ["string", "null"]}
        }
    }
});

/// The JSON answer of `GET /open311/v2/{doc}`: by `doc`, one of three documents.
pub struct Open311Root;

impl JsonSchema for Open311Root {
    fn schema_name() -> Cow<'static, str> {
        "Open311Root".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let all = [
            generator.subschema_for::<Open311Discovery>(),
            generator.subschema_for::<Open311Services>(),
            generator.subschema_for::<Open311Requests>(),
        ];
        json_schema!({
            "description": "discovery: the discovery document; services: the service list; \
                            requests: the service requests found.",
            "anyOf": all
        })
    }
}

open311_schema!(Open311ServiceDefinition, {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {"type": "array", "items": {"type": "object"}}
    }
});

open311_schema!(Open311Receipt, {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "service_request_id": {"type": "string"},
            "token": {"type": "string"},
            "service_notice": {"type": ["string", "null"]},
            "account_id": {"type": ["string", "null"]}
        }
    }
});

open311_schema!(Open311Errors, {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {
            "code": {"type": "integer", "minimum": 400, "maximum": 599},
            "description": {"type": "string"}
        }
    }
});

open311_schema!(Open311RootDoc, {
    "type": "string",
    "enum": ["discovery.json", "discovery.xml", "services.json", "services.xml",
             "requests.json", "requests.xml"]
});

open311_schema!(Open311PostDoc, {
    "type": "string",
    "enum": ["requests.json", "requests.xml"]
});

open311_schema!(Open311Segment, {
    "type": "string",
    "pattern": "^[^/]+\\.(json|xml)$"
});

open311_schema!(Open311Form, {
    "type": "object",
    "required": ["api_key", "service_code"],
    "properties": {
        "api_key": {"type": "string", "description": "An agency key holding complaints:handle."},
        "service_code": {"type": "string", "description": "A category code, e.g. tax-policy."},
        "account_id": {"type": "string", "description": "The enterprise's credit code."},
        "description": {"type": "string"},
        "jurisdiction_id": {"type": "string"},
        "lat": {"type": "string"},
        "long": {"type": "string"},
        "address_string": {"type": "string"},
        "address_id": {"type": "string"},
        "email": {"type": "string"},
        "device_id": {"type": "string"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "phone": {"type": "string"},
        "media_url": {"type": "string"}
    }
});

/// An Open311 error document, in the path's format (XML when the path names none).
const fn errors(status: u16, description: &'static str) -> Reply {
    Reply {
        status,
        description,
        content: Content::Either(&[
            Content::Typed("application/json", schema::<Open311Errors>),
            Content::Text("text/xml"),
        ]),
    }
}

/// `GET /open311/v2/{doc}`'s description.
pub const ROOT_DOC: Operation = Operation {
    id: "getOpen311Document",
    summary: "Open311 GeoReport v2: service discovery, the service list, or a search of service requests",
    description: "Open311 GeoReport v2 公开接口：服务发现、服务（诉求类别）列表、诉求查询（不含企业信息与诉求内容）。\
                  格式由扩展名决定（.json 或 .xml）。requests 的查询参数：service_request_id、service_code、\
                  status、start_date、end_date（最多 90 天，最多 1000 条）。",
    params: &[
        Param::path(
            "doc",
            "`discovery`, `services` or `requests`, with `.json` or `.xml`. 文档及格式。",
            schema::<Open311RootDoc>,
        )
        .example("services.json"),
        Param::query(
            "service_request_id",
            "requests: these ids, comma-separated. 诉求编号。",
            schema::<String>,
        ),
        Param::query(
            "service_code",
            "requests: these categories, comma-separated. 诉求类别。",
            schema::<String>,
        ),
        Param::query(
            "status",
            "requests: `open`, `closed` or both, comma-separated. 状态。",
            schema::<String>,
        ),
        Param::query(
            "start_date",
            "requests: received at or after (W3C date-time with a zone). 起始时间。",
            schema::<String>,
        ),
        Param::query(
            "end_date",
            "requests: received at or before (W3C date-time with a zone). 截止时间。",
            schema::<String>,
        ),
    ],
    replies: &[
        Reply {
            status: 200,
            description: "The document, in the path's format",
            content: Content::Either(&[
                Content::Typed("application/json", schema::<Open311Root>),
                Content::Text("text/xml"),
            ]),
        },
        errors(400, "Open311 error: a query parameter refused"),
        errors(
            404,
            "Open311 error: no such document, format or jurisdiction",
        ),
    ],
    ..Operation::NEW
};

/// `GET /open311/v2/services/{doc}`'s description.
pub const SERVICE_DOC: Operation = Operation {
    id: "getOpen311ServiceDefinition",
    summary: "Open311: a service's definition (our categories have no extra attributes)",
    description: "Open311 服务定义：诉求类别的附加字段（本系统无附加字段）。",
    params: &[Param::path(
        "doc",
        "A category code with `.json` or `.xml`. 类别代码及格式。",
        schema::<Open311Segment>,
    )
    .example("tax-policy.json")],
    replies: &[
        Reply {
            status: 200,
            description: "The definition, in the path's format",
            content: Content::Either(&[
                Content::Typed("application/json", schema::<Open311ServiceDefinition>),
                Content::Text("text/xml"),
            ]),
        },
        errors(404, "Open311 error: no such service or format"),
    ],
    ..Operation::NEW
};

/// `GET /open311/v2/requests/{doc}`'s description.
pub const REQUEST_DOC: Operation = Operation {
    id: "getOpen311Request",
    summary: "Open311: one service request (no enterprise data, no description)",
    description: "Open311 单件诉求：类别、状态、主办部门与时间（不含企业信息与诉求内容）。",
    params: &[Param::path(
        "doc",
        "The service_request_id (the case's id) with `.json` or `.xml`. 诉求编号及格式。",
        schema::<Open311Segment>,
    )
    .example("01J00000000000000000000000.json")],
    replies: &[
        Reply {
            status: 200,
            description: "The request, in a list of one, in the path's format",
            content: Content::Either(&[
                Content::Typed("application/json", schema::<Open311Requests>),
                Content::Text("text/xml"),
            ]),
        },
        errors(404, "Open311 error: no such request or format"),
    ],
    ..Operation::NEW
};

/// `POST /open311/v2/{doc}`'s description.
pub const POST_DOC: Operation = Operation {
    id: "createOpen311Request",
    summary: "Open311: file a service request for an enterprise (a hotline system; form with api_key)",
    description: "Open311 提交诉求：热线等机构系统以表单提交，api_key 为持有 complaints:handle 范围的机构 API 密钥，\
                  account_id 为企业统一社会信用代码，按电话渠道登记。错误按路径格式返回 Open311 错误文档，\
                  其 code 即 HTTP 状态。",
    params: &[Param::path(
        "doc",
        "`requests.json` or `requests.xml`. 格式。",
        schema::<Open311PostDoc>,
    )
    .example("requests.json")],
    body: Content::Typed("application/x-www-form-urlencoded", schema::<Open311Form>),
    replies: &[
        Reply {
            status: 201,
            description: "The receipt: the new request's id",
            content: Content::Either(&[
                Content::Typed("application/json", schema::<Open311Receipt>),
                Content::Text("text/xml"),
            ]),
        },
        errors(400, "Open311 error: a field refused"),
        errors(401, "Open311 error: the api_key is no valid agency key"),
        errors(
            403,
            "Open311 error: no api_key, or a key without complaints:handle or of no department",
        ),
        errors(404, "Open311 error: no such document, format or service"),
        errors(413, "Open311 error: the form is too large"),
        errors(500, "Open311 error: the service is unavailable"),
    ],
    links: &[Link {
        status: 201,
        name: "GetRequest",
        operation_id: "getOpen311Request",
        parameters: &[("doc", "{$response.body#/0/service_request_id}.json")],
    }],
    ..Operation::NEW
};
