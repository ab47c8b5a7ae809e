//! The valuation API's contract (issue 19): the OpenAPI 3.1 document the function
//! serves describes every route (checked by an OpenAPI validator and by calling each
//! described operation), and Schemathesis, driving the running gateway from that
//! document alone, finds no server error, no answer outside its schema, no status or
//! content type the document does not list.

use super::{officer, start, token};
use yingshang_core::security::AgencyId;
use yingshang_core::security::authz::Membership;
use yingshang_e2e::contract::{Callers, check_document, operation_count, schemathesis};

#[tokio::test]
async fn the_document_is_valid_openapi_and_names_only_routes_that_answer() {
    let v = start().await;
    let doc = check_document(&v.app, "valuation", &[]).await;
    // The table's 17 routes, the document and the reference page.
    assert_eq!(operation_count(&doc), 19);
    let paths = &doc["paths"];
    let lookup = &paths["/api/valuation/units/{unit_code}"]["get"];
    assert_eq!(lookup["operationId"], "getUnitAssessment");
    assert_eq!(
        lookup["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/AssessmentView"
    );
    let create = &paths["/api/valuation/reassessments"]["post"];
    assert_eq!(
        create["responses"]["201"]["links"]["GetRun"]["operationId"],
        "getReassessment"
    );
}

/// Schemathesis against the gateway, every operation, bounded: with a citizen's,
/// an officer's and an agency system's credentials (tests/contract/hooks.py picks
/// the one each operation's `x-yingshang-caller` names).
#[tokio::test]
async fn schemathesis_finds_no_contract_violation() {
    let v = start().await;
    v.load_demo().await;
    let agency_key = v
        .agency_key(61, "valuation:read valuation:import platform:maintain")
        .await;
    let tokens = [
        ("citizen", token(Membership::Citizen)),
        ("officer", officer()),
        (
            "agency_staff",
            token(Membership::AgencyStaff(
                AgencyId::parse("luoyang-tax").unwrap(),
            )),
        ),
    ];
    let callers = Callers {
        tokens: tokens.map(|(r, t)| (r.to_owned(), t)).into(),
        agency_key,
        ..Callers::default()
    };
    schemathesis(&v.app, "valuation", &callers, 40).await;
}
