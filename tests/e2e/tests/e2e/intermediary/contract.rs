//! The intermediary marketplace's contract (issue 19): the OpenAPI 3.1 document the
//! function serves describes every route (checked by an OpenAPI validator and by
//! calling each described operation), and Schemathesis, driving the running gateway
//! from that document alone, finds no server error, no answer outside its schema, no
//! status or content type the document does not list.

use super::*;
use yingshang_core::security::AgencyId;
use yingshang_e2e::contract::{Callers, check_document, operation_count, schemathesis};

#[tokio::test]
async fn the_document_is_valid_openapi_and_names_only_routes_that_answer() {
    let m = start().await;
    let doc = check_document(&m.app, "intermediary", &[]).await;
    // The table's 30 routes, the document and the reference page.
    assert_eq!(operation_count(&doc), 32);
    let paths = &doc["paths"];
    let create = &paths["/api/intermediary/projects"]["post"];
    assert_eq!(create["operationId"], "createProject");
    assert_eq!(
        create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ProjectView"
    );
    // The flow: project → bids → close → award → contract → delivery → evaluation.
    assert_eq!(
        create["responses"]["201"]["links"]["SubmitBid"]["operationId"],
        "submitBid"
    );
    let close = &paths["/api/intermediary/projects/{id}/close"]["post"];
    assert_eq!(
        close["responses"]["200"]["links"]["SignContract"]["operationId"],
        "signContract"
    );
    assert_eq!(close["x-yingshang-caller"]["scope"], "intermediary:sweep");
    let ocds = &paths["/api/intermediary/ocds/projects/{id}"]["get"];
    assert_eq!(
        ocds["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/OcdsReleasePackage"
    );
    assert_eq!(
        doc["components"]["schemas"]["OcdsReleasePackage"]["properties"]["version"]["const"],
        "1.1"
    );
    let complaint = &paths["/api/intermediary/providers/{cc}/complaint"]["post"];
    assert_eq!(
        complaint["responses"]["503"]["content"]["application/problem+json"]["schema"]["allOf"][1]
            ["properties"]["code"]["enum"][0],
        "INTERMEDIARY_COMPLAINTS_UNAVAILABLE"
    );
}

/// Schemathesis against the gateway, every operation, bounded: with the demo data
/// loaded, an enterprise user of the first demo agency (qualified for the demo
/// notice's item), staff of the marketplace's admin agency, and an agency key holding
/// every scope (tests/contract/hooks.py picks the one each operation names).
#[tokio::test]
async fn schemathesis_finds_no_contract_violation() {
    let m = start().await;
    let agency_key = store_agency_key(
        &m.app,
        "airport-approval",
        61,
        "intermediary:admin intermediary:sweep intermediary:demo platform:maintain",
    )
    .await;
    let (s, demo) = body(
        reqwest::Client::new()
            .post(m.url("/demo-data"))
            .header("x-api-key", &agency_key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{demo}");
    assert_eq!(demo["agencies"], 4);
    let agency = agency_code(1);
    assert_eq!(agency, "91410100MA0000001X", "the documented example");
    let tokens = [
        (
            "enterprise",
            token(
                "user-1",
                Membership::Enterprise(CreditCode::parse(&agency).unwrap()),
            ),
        ),
        (
            "agency_staff",
            token(
                "staff-1",
                Membership::AgencyStaff(AgencyId::parse("airport-approval").unwrap()),
            ),
        ),
    ];
    let callers = Callers {
        tokens: tokens.map(|(r, t)| (r.to_owned(), t)).into(),
        agency_key,
        ..Callers::default()
    };
    schemathesis(&m.app, "intermediary", &callers, 25).await;
}
