//! Only officers of the tax authority read every assessment, every enterprise's
//! policies and dividend bill, and the risk flags (issue 14, item 10). The authority is
//! the Spin variable `tax_officer_agencies`; officers of other agencies get 403
//! `TAX_OFFICER_NOT_TAX_AUTHORITY`.

use super::*;

/// A demo enterprise (`functions/tax/demo/enterprises.json`).
const DEMO_ENTERPRISE: &str = "91411502MA4000000H";

impl Tax {
    /// Loads the demo policy catalogue, enterprises and savings.
    async fn policy_demo(&self) {
        let r = self
            .post("/api/tax/policies/demo-data")
            .bearer_auth(&self.bootstrap)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "policy demo: {}", r.status());
    }

    /// An assessment asked for by the buyer; answers its id.
    async fn pledged_assessment(&self) -> String {
        let (unit, area) = self.demo_unit().await;
        let mut c = contract(&unit, &area, &[]);
        c["pledge"] =
            json!({ "signed_by": buyer_id(), "signed_on": "2026-03-01", "homes_owned": 0 });
        let (status, a) = self.assess(&citizen("buyer-1"), &c).await;
        assert_eq!(status, 201, "{a}");
        a["id"].as_str().unwrap().to_owned()
    }

    /// The statuses `token` gets on every officer-readable route, and the codes.
    async fn officer_reads(&self, token: &str, id: &str) -> Vec<(u16, Value)> {
        let paths = [
            format!("/api/tax/assessments/{id}"),
            format!("/api/tax/assessments/{id}/declaration"),
            format!("/api/tax/enterprises/{DEMO_ENTERPRISE}/policies"),
            format!(
                "/api/tax/enterprises/{DEMO_ENTERPRISE}/dividend-bill?from=2026-01-01&until=2026-12-31"
            ),
            "/api/tax/risk-flags".to_owned(),
        ];
        let mut out = Vec::new();
        for path in paths {
            let (status, v) = body(self.get(&path).bearer_auth(token).send().await.unwrap()).await;
            out.push((status.as_u16(), v));
        }
        out
    }
}

fn refused_as_not_tax(reads: &[(u16, Value)]) {
    for (status, v) in reads {
        assert_eq!(
            (*status, v["code"].as_str()),
            (403, Some("TAX_OFFICER_NOT_TAX_AUTHORITY")),
            "{v}"
        );
        assert!(v.get("house_count").is_none() && v.get("lines").is_none());
    }
}

#[tokio::test]
async fn officers_of_other_agencies_read_no_assessment_bill_or_flag() {
    let t = start().await;
    t.policy_demo().await;
    let id = t.pledged_assessment().await;

    // The tax authority's officer reads everything.
    for (status, v) in t.officer_reads(&officer(), &id).await {
        assert_eq!(status, 200, "{v}");
    }
    // An officer of the market supervision reads nothing, nor asks for an assessment.
    let other = officer_of("xc-sm");
    refused_as_not_tax(&t.officer_reads(&other, &id).await);
    let (unit, area) = t.demo_unit().await;
    let (status, p) = t.assess(&other, &contract(&unit, &area, &[])).await;
    assert_eq!(
        (status.as_u16(), p["code"].as_str()),
        (403, Some("TAX_OFFICER_NOT_TAX_AUTHORITY")),
        "{p}"
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM tax_assessments").await, 1);
    t.app.shutdown().await;
}

#[tokio::test]
async fn the_tax_authority_is_configuration() {
    let t = start_configured(
        HOSTS,
        &[("tax_officer_agencies", " xc-tax , ly-tax ".to_owned())],
    )
    .await;
    t.policy_demo().await;
    let id = t.pledged_assessment().await;
    refused_as_not_tax(&t.officer_reads(&officer(), &id).await);
    for agency in ["xc-tax", "ly-tax"] {
        for (status, v) in t.officer_reads(&officer_of(agency), &id).await {
            assert_eq!(status, 200, "{agency}: {v}");
        }
    }
    t.app.shutdown().await;
}

/// Found by Schemathesis's kind of input (issue 19): an officer could name a contract
/// account holding a NUL, which PostgreSQL text cannot store (a 500 there). An account
/// is a user's subject, checked at the edge.
#[tokio::test]
async fn an_account_that_is_no_subject_is_refused_not_a_server_error() {
    let t = start().await;
    let mut c = contract(UNKNOWN_UNIT, "89.50", &[]);
    c["seller"]["account"] = json!("seller\u{0}1");
    let (status, v) = t.assess(&officer(), &c).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["code"], "TAX_FIELD_INVALID");
    assert_eq!(t.count("SELECT COUNT(*) FROM tax_assessments").await, 0);
}
