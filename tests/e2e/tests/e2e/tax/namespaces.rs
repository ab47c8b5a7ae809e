//! Citizens' and enterprise users' subjects are unique only within their kind (issue
//! 14, item 11): contract accounts are citizens' accounts, and the user who asked for
//! an assessment is matched on role and subject together.

use super::*;
use yingshang_core::security::CreditCode;

fn enterprise_user(sub: &str) -> String {
    token(
        sub,
        Membership::Enterprise(CreditCode::parse("91411502MA4000000H").unwrap()),
    )
}

#[tokio::test]
async fn an_enterprise_user_is_not_the_citizen_with_the_same_subject() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    let mut c = contract(&unit, &area, &[]);
    c["pledge"] = json!({ "signed_by": buyer_id(), "signed_on": "2026-03-01", "homes_owned": 0 });
    let (status, a) = t.assess(&citizen("buyer-1"), &c).await;
    assert_eq!(status, 201, "{a}");
    let id = a["id"].as_str().unwrap();

    // Enterprise users named like the citizen buyer and seller read nothing.
    for path in [
        format!("/api/tax/assessments/{id}"),
        format!("/api/tax/assessments/{id}/declaration"),
    ] {
        for who in [enterprise_user("buyer-1"), enterprise_user("seller-1")] {
            let (status, p) = body(t.get(&path).bearer_auth(who).send().await.unwrap()).await;
            assert_eq!(
                (status.as_u16(), p["code"].as_str()),
                (403, Some("TAX_NOT_A_PARTY")),
                "{path}: {p}"
            );
        }
    }
    // Nor may one ask for an assessment in the citizen's name.
    let (status, p) = t.assess(&enterprise_user("buyer-1"), &c).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("TAX_NOT_A_PARTY")),
        "{p}"
    );
    let (status, _) = body(
        t.get(&format!("/api/tax/assessments/{id}"))
            .bearer_auth(citizen("buyer-1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    t.app.shutdown().await;
}

#[tokio::test]
async fn the_creator_is_matched_on_role_and_subject() {
    let t = start().await;
    let (unit, area) = t.demo_unit().await;
    // A tax officer `officer-1` asks for an assessment between two other citizens.
    let mut c = contract(&unit, &area, &[]);
    c["buyer"]["account"] = json!("someone-else");
    c["seller"]["account"] = Value::Null;
    c["pledge"] = json!({ "signed_by": buyer_id(), "signed_on": "2026-03-01", "homes_owned": 0 });
    let (status, a) = t.assess(&officer(), &c).await;
    assert_eq!(status, 201, "{a}");
    let path = format!("/api/tax/assessments/{}", a["id"].as_str().unwrap());
    // A citizen whose subject is also `officer-1` is not its creator.
    let (status, p) = body(
        t.get(&path)
            .bearer_auth(citizen("officer-1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("TAX_NOT_A_PARTY")),
        "{p}"
    );
    let (status, _) = body(
        t.get(&path)
            .bearer_auth(citizen("someone-else"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    t.app.shutdown().await;
}
