//! The power API's contract (issue 19): the OpenAPI 3.1 document the function serves
//! describes every route (checked by an OpenAPI validator and by calling each
//! described operation), and Schemathesis, driving the running gateway from that
//! document alone, finds no server error, no answer outside its schema, no status or
//! content type the document does not list.

use super::{
    CHANNEL_SECRET, DEVICE_SECRET, METER, OPERATOR_AGENCY, SOCKET, citizen, enterprise, start,
};
use yingshang_e2e::contract::{Callers, check_document, operation_count, schemathesis};
use yingshang_e2e::default_db;

/// The socket the document's `createSession` example orders on (free: the demo
/// socket [`SOCKET`] runs a paid session the meter's readings are billed to).
const FREE_SOCKET: &str = "night-market-a-02";
const FREE_METER: &str = "123456789013";
const FREE_SECRET: &str = "device-secret-a02-0123456789abcdef";

#[tokio::test]
async fn the_document_is_valid_openapi_and_names_only_routes_that_answer() {
    let p = start().await;
    let doc = check_document(&p.app, "power", &[]).await;
    // The table's 13 routes, the document and the reference page.
    assert_eq!(operation_count(&doc), 16);
    let paths = &doc["paths"];
    let create = &paths["/api/power/sessions"]["post"];
    assert_eq!(create["operationId"], "createSession");
    assert_eq!(create["x-yingshang-caller"]["roles"][0], "citizen");
    let key = create["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Idempotency-Key")
        .unwrap();
    assert_eq!(
        key["required"], true,
        "the route refuses an order without it"
    );
    assert_eq!(
        create["responses"]["201"]["links"]["GetSession"]["operationId"],
        "getSession"
    );
    let stop = &paths["/api/power/sessions/{id}/stop"]["post"];
    assert_eq!(
        stop["responses"]["200"]["links"]["DispatchRefunds"]["operationId"],
        "dispatchRefunds"
    );
    let readings = &paths["/api/power/meters/{meter_id}/readings"]["post"];
    assert_eq!(readings["x-yingshang-caller"]["kind"], "device");
    assert_eq!(readings["parameters"][0]["example"], METER);
    assert_eq!(
        paths["/api/power/payments/confirmations"]["post"]["x-yingshang-caller"]["kind"],
        "channel"
    );
    assert_eq!(
        paths["/api/power/sockets/{socket_id}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/SocketView"
    );
}

/// Schemathesis against the gateway, every operation, bounded: the demo site with two
/// sockets (the demo socket running a paid session, so signed readings are billed to
/// it), an operator key of the agency that owns them holding every scope, the
/// customers who ordered, both meters' secrets and the payment channel's.
#[tokio::test]
async fn schemathesis_finds_no_contract_violation() {
    let p = start().await;
    p.setup().await;
    p.add_socket(FREE_SOCKET, FREE_METER, FREE_SECRET).await;
    let alice = citizen("alice");
    p.paid_session(&alice, 5_000, "wx-contract-0001").await;
    let agency_key = yingshang_e2e::store_agency_key(
        &p.app,
        OPERATOR_AGENCY,
        91,
        "power:operate power:sweep power:refunds power:reports platform:maintain",
    )
    .await;
    let callers = Callers {
        tokens: [
            ("citizen".to_owned(), alice),
            ("enterprise".to_owned(), enterprise("alice")),
        ]
        .into(),
        agency_key,
        devices: [
            (METER.to_owned(), DEVICE_SECRET.to_owned()),
            (FREE_METER.to_owned(), FREE_SECRET.to_owned()),
        ]
        .into(),
        channel_secret: Some(CHANNEL_SECRET.to_owned()),
    };
    schemathesis(&p.app, "power", &callers, 25).await;
    // The hook's signatures were accepted: the demo meter's readings were stored.
    let db = default_db(&p.app).await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM power_readings WHERE meter_id = $1")
        .bind(METER)
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    assert!(
        stored > 0,
        "no signed reading of {SOCKET}'s meter reached the function"
    );
}
