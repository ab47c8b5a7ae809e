//! The check-in API's contract (issue 19): the OpenAPI 3.1 document the function
//! serves describes every route (checked by an OpenAPI validator and by calling each
//! described operation), and Schemathesis, driving the running gateway from that
//! document alone, finds no server error, no answer outside its schema, no status or
//! content type the document does not list.

use super::*;
use yingshang_e2e::contract::{Callers, check_document, operation_count, schemathesis};

#[tokio::test]
async fn the_document_is_valid_openapi_and_names_only_routes_that_answer() {
    let c = start().await;
    let doc = check_document(&c.app, "checkin", &[]).await;
    // The table's 26 routes, the document and the reference page.
    assert_eq!(operation_count(&doc), 28);
    let paths = &doc["paths"];
    let code = &paths["/api/checkin/enterprises/{cc}/code"]["get"];
    assert_eq!(code["operationId"], "getEnterpriseCode");
    assert_eq!(
        code["responses"]["200"]["links"]["OpenLanding"]["operationId"],
        "getLanding"
    );
    let png = &paths["/api/checkin/enterprises/{cc}/code.png"]["get"];
    assert!(png["responses"]["200"]["content"]["image/png"].is_object());
    let poster = &paths["/api/checkin/enterprises/{cc}/poster.svg"]["get"];
    assert!(poster["responses"]["200"]["content"]["image/svg+xml"].is_object());
    let scan = &paths["/api/checkin/scans"]["post"];
    assert_eq!(scan["x-yingshang-caller"]["roles"], json!(["officer"]));
    assert_eq!(
        scan["responses"]["201"]["links"]["CheckOut"]["operationId"],
        "leaveInspection"
    );
    assert_eq!(
        scan["responses"]["202"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Waiting"
    );
    let monthly = &paths["/api/checkin/stats/monthly"]["get"]["responses"]["200"]["content"];
    assert!(monthly["text/csv"].is_object() && monthly["application/json"].is_object());
    assert_eq!(
        paths["/api/checkin/landing/{token}"]["get"]["x-yingshang-caller"]["kind"],
        "public"
    );
}

/// Schemathesis against the gateway, every operation, bounded: with an enterprise
/// user's (the demo enterprise with matched policies), a market officer's and market
/// staff's tokens, and the bootstrap key (an agency key holding every scope, which may
/// act for any agency and sees what the justice bureau sees), as
/// tests/contract/hooks.py picks by each operation's `x-yingshang-caller`.
#[tokio::test]
async fn schemathesis_finds_no_contract_violation() {
    let c = start().await;
    let market = AgencyId::parse(MARKET).unwrap();
    let tokens = [
        (
            "enterprise",
            token(
                "ent-user",
                Membership::Enterprise(CreditCode::parse(XINYANG).unwrap()),
            ),
        ),
        (
            "officer",
            token("officer-zhang", Membership::Officer(market.clone())),
        ),
        (
            "agency_staff",
            token("staff-1", Membership::AgencyStaff(market)),
        ),
    ];
    let callers = Callers {
        tokens: tokens.map(|(r, t)| (r.to_owned(), t)).into(),
        agency_key: c.bootstrap.clone(),
        ..Callers::default()
    };
    schemathesis(&c.app, "checkin", &callers, 60).await;
}
