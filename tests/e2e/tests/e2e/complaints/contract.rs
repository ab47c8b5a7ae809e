//! The complaints API's contract (issue 19): the OpenAPI 3.1 document the function
//! serves describes every route (checked by an OpenAPI validator and by calling each
//! described operation), and Schemathesis, driving the running gateway from that
//! document alone, finds no server error, no answer outside its schema, no status or
//! content type the document does not list.

use super::*;
use yingshang_e2e::contract::{Callers, check_document, operation_count, schemathesis};

#[tokio::test]
async fn the_document_is_valid_openapi_and_names_only_routes_that_answer() {
    let c = start().await;
    let doc = check_document(&c.app, "complaints", &[]).await;
    // The table's 19 routes, the document and the reference page.
    assert_eq!(operation_count(&doc), 21);
    let paths = &doc["paths"];
    let create = &paths["/api/complaints/cases"]["post"];
    assert_eq!(create["operationId"], "createCase");
    assert_eq!(create["x-yingshang-caller"]["kind"], "user_or_agency");
    assert_eq!(
        create["x-yingshang-caller"]["roles"],
        json!(["enterprise", "officer", "agency_staff"])
    );
    assert_eq!(create["x-yingshang-caller"]["scope"], "complaints:handle");
    assert_eq!(
        create["responses"]["201"]["links"]["GetCase"]["operationId"],
        "getCase"
    );
    assert_eq!(
        create["responses"]["201"]["links"]["ActOnCase"]["parameters"]["id"],
        "$response.body#/case/id"
    );
    let key = &create["parameters"][0];
    assert_eq!(key["name"], "Idempotency-Key");
    assert_eq!(key["required"], true);
    let act = &paths["/api/complaints/cases/{id}/actions"]["post"];
    assert_eq!(
        act["responses"]["200"]["links"]["GetCase"]["operationId"],
        "getCase"
    );
    // Open311 answers in the path's format, errors included.
    let root = &paths["/api/complaints/open311/v2/{doc}"]["get"];
    let ok = root["responses"]["200"]["content"].as_object().unwrap();
    assert!(ok.contains_key("application/json") && ok.contains_key("text/xml"));
    let missing = root["responses"]["404"]["content"].as_object().unwrap();
    assert!(missing.contains_key("text/xml"), "{missing:?}");
    let post = &paths["/api/complaints/open311/v2/{doc}"]["post"];
    assert!(
        post["requestBody"]["content"]
            .get("application/x-www-form-urlencoded")
            .is_some()
    );
    assert_eq!(
        post["responses"]["201"]["links"]["GetRequest"]["operationId"],
        "getOpen311Request"
    );
    // The monthly analysis is JSON or CSV.
    let monthly = &paths["/api/complaints/analysis/monthly"]["get"]["responses"]["200"]["content"];
    assert!(monthly.get("text/csv").is_some(), "{monthly}");
    assert_eq!(
        doc["components"]["schemas"]["CaseId"]["pattern"],
        "^[0-9A-Za-z_-]{1,64}$"
    );
}

/// Schemathesis against the gateway, every operation, bounded: the loop's routes with
/// the supervising office's agency key (it reads and may act on every case), users'
/// tokens for the roles the operations name, the demo ledger loaded.
#[tokio::test]
async fn schemathesis_finds_no_contract_violation() {
    let c = start().await;
    let (s, v) = c.post_as(&Who::Bootstrap, "/demo-data", &json!({})).await;
    assert_eq!(s, 200, "{v}");
    let agency_key = yingshang_e2e::store_agency_key(
        &c.app,
        OFFICE,
        71,
        "complaints:handle complaints:demo complaints:sweep platform:maintain",
    )
    .await;
    let tokens = [
        (
            "enterprise",
            token(
                "ent-user",
                Membership::Enterprise(CreditCode::parse(ACME).unwrap()),
            ),
        ),
        (
            "officer",
            token(
                "officer-1",
                Membership::Officer(AgencyId::parse(OFFICE).unwrap()),
            ),
        ),
        (
            "agency_staff",
            token(
                "staff-1",
                Membership::AgencyStaff(AgencyId::parse(OFFICE).unwrap()),
            ),
        ),
    ];
    let callers = Callers {
        tokens: tokens.map(|(r, t)| (r.to_owned(), t)).into(),
        agency_key,
        ..Callers::default()
    };
    schemathesis(&c.app, "complaints", &callers, 50).await;
}
