//! The tax API's contract (issue 19): the OpenAPI 3.1 document the function serves
//! describes every route (checked by an OpenAPI validator and by calling each
//! described operation), and Schemathesis, driving the running gateway from that
//! document alone, finds no server error, no answer outside its schema, no status or
//! content type the document does not list.

use super::*;
use yingshang_core::security::CreditCode;
use yingshang_e2e::contract::{Callers, check_document, operation_count, schemathesis};

/// The demo enterprise the document's examples name.
const DEMO_ENTERPRISE: &str = "91411502MA4000000H";
/// The demo dwelling the document's contract example names.
const DEMO_UNIT: &str = "410302001001GB00001F00010101";

#[tokio::test]
async fn the_document_is_valid_openapi_and_names_only_routes_that_answer() {
    let t = start().await;
    let doc = check_document(&t.app, "tax", &[]).await;
    // The table's 21 routes, the document and the reference page.
    assert_eq!(operation_count(&doc), 23);
    let paths = &doc["paths"];
    let create = &paths["/api/tax/assessments"]["post"];
    assert_eq!(create["operationId"], "createAssessment");
    assert_eq!(
        create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/AssessmentView"
    );
    for (link, operation) in [
        ("GetAssessment", "getAssessment"),
        ("GetDeclaration", "getAssessmentDeclaration"),
    ] {
        assert_eq!(
            create["responses"]["201"]["links"][link]["operationId"],
            operation
        );
    }
    // The buyer must be verified: the refusal is documented with the parties'.
    let refused = create["responses"]["403"]["content"]["application/problem+json"]["schema"]
        ["allOf"][1]["properties"]["code"]["enum"]
        .as_array()
        .unwrap();
    assert!(refused.contains(&json!("TAX_BUYER_NOT_VERIFIED")));
    assert_eq!(
        paths["/api/tax/payments/confirmations"]["post"]["x-yingshang-caller"]["kind"],
        "channel"
    );
    let bill = &paths["/api/tax/enterprises/{credit_code}/dividend-bill"]["get"];
    assert_eq!(
        bill["x-yingshang-caller"]["roles"],
        json!(["enterprise", "officer"])
    );
}

/// Schemathesis against the gateway, every operation, bounded: with the demo buyer's
/// (real-name verified), a demo enterprise's and a tax officer's tokens, an agency key
/// with every tax scope and the payment channel's secret (tests/contract/hooks.py picks
/// the one each operation's `x-yingshang-caller` names).
#[tokio::test]
async fn schemathesis_finds_no_contract_violation() {
    let t = start().await;
    let (unit, _) = t.demo_unit().await;
    assert_eq!(unit, DEMO_UNIT, "the document's contract example names it");
    let agency_key = t
        .agency_key(
            62,
            "tax:registry tax:handoff tax:risk tax:policy platform:maintain",
        )
        .await;
    let r = t
        .post("/api/tax/policies/demo-data")
        .bearer_auth(&agency_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let enterprise = token(
        "ent-user-1",
        Membership::Enterprise(CreditCode::parse(DEMO_ENTERPRISE).unwrap()),
    );
    let tokens = [
        ("citizen", citizen("buyer-1")),
        ("enterprise", enterprise),
        ("officer", officer()),
    ];
    let callers = Callers {
        tokens: tokens.map(|(r, t)| (r.to_owned(), t)).into(),
        agency_key,
        channel_secret: Some(CHANNEL_SECRET.to_owned()),
        ..Callers::default()
    };
    schemathesis(&t.app, "tax", &callers, 25).await;
}
