//! Finding a dwelling by pickers (issue 20): district → community → building → room,
//! each level read from the register as the database holds it, longer lists a page at
//! a time; bad ids are 400 problems and unknown ones 404.

use super::{Valuation, body, citizen, start};
use serde_json::Value;
use yingshang_e2e::default_db;

const PLACES: &str = "/api/valuation";

impl Valuation {
    /// `GET path` as a citizen: (status, body).
    pub(super) async fn citizen_get(&self, path: &str) -> (u16, Value) {
        let (status, v) = body(
            self.get(&format!("{PLACES}{path}"))
                .bearer_auth(citizen())
                .send()
                .await
                .unwrap(),
        )
        .await;
        (status.as_u16(), v)
    }

    /// What the register holds, grouped as `sql` says: `(id, count)` rows.
    async fn grouped(&self, sql: &str, key: &str) -> Vec<(String, i64)> {
        let db = default_db(&self.app).await;
        sqlx::query_as(sql).bind(key).fetch_all(&db).await.unwrap()
    }
}

fn ids(list: &Value, field: &str) -> Vec<(String, i64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e[field].as_str().unwrap().to_owned(),
                e["dwellings"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_citizen_walks_district_community_building_room_down_to_a_priced_dwelling() {
    let v = start().await;
    v.load_demo().await;

    // Signed-in users only, as for a lookup.
    let (status, p) = body(v.get("/api/valuation/divisions").send().await.unwrap()).await;
    assert_eq!(status, 401, "{p}");

    // The districts: named, counted, together the whole register.
    let (status, d) = v.citizen_get("/divisions").await;
    assert_eq!(status, 200, "{d}");
    let divisions = d["divisions"].as_array().unwrap();
    let total: i64 = divisions
        .iter()
        .map(|x| x["dwellings"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 5_000, "{d}");
    let laocheng = divisions
        .iter()
        .find(|x| x["division_code"] == "410302")
        .expect("the first dwelling's district is listed");
    assert_eq!(laocheng["name_zh"], "老城区");
    assert_eq!(divisions[0]["division_code"], "410302", "Luoyang's order");

    // Its communities, as the database groups them; then the same one at a time.
    let want = v
        .grouped(
            "SELECT community_id, COUNT(*) FROM dwellings WHERE division_code = $1 \
             GROUP BY community_id ORDER BY community_id",
            "410302",
        )
        .await;
    assert!(want.len() > 1, "{want:?}");
    let (status, page) = v.citizen_get("/divisions/410302/communities").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(ids(&page["communities"], "community_id"), want);
    assert!(page["next_after"].is_null(), "one page holds them: {page}");
    let mut paged = Vec::new();
    let mut after = String::new();
    loop {
        let query = if after.is_empty() {
            "?limit=1".to_owned()
        } else {
            format!("?limit=1&after={after}")
        };
        let (status, page) = v
            .citizen_get(&format!("/divisions/410302/communities{query}"))
            .await;
        assert_eq!(status, 200, "{page}");
        let got = ids(&page["communities"], "community_id");
        assert!(got.len() <= 1);
        paged.extend(got);
        match page["next_after"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(paged, want, "the pages are the list, once each");

    // The first community's buildings.
    let community = &want[0].0;
    let buildings = v
        .grouped(
            "SELECT building_id, COUNT(*) FROM dwellings WHERE community_id = $1 \
             GROUP BY building_id ORDER BY building_id",
            community,
        )
        .await;
    let (status, page) = v
        .citizen_get(&format!("/communities/{community}/buildings"))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(ids(&page["buildings"], "building_id"), buildings);
    assert!(
        page["buildings"][0]["storeys"].as_i64().unwrap() >= 5,
        "{page}"
    );

    // The first building's dwellings: floor, room and area as registered.
    let building = &buildings[0].0;
    let (status, page) = v
        .citizen_get(&format!(
            "/communities/{community}/buildings/{building}/dwellings"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    let dwellings = page["dwellings"].as_array().unwrap();
    assert_eq!(dwellings.len() as i64, buildings[0].1);
    let db = default_db(&v.app).await;
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT unit_code, floor, area_centi_m2 FROM dwellings \
         WHERE community_id = $1 AND building_id = $2 ORDER BY unit_code",
    )
    .bind(community)
    .bind(building)
    .fetch_all(&db)
    .await
    .unwrap();
    for (shown, (code, floor, area)) in dwellings.iter().zip(&rows) {
        assert_eq!(shown["unit_code"], code.as_str());
        assert_eq!(shown["floor"], *floor);
        assert_eq!(
            shown["area_m2"],
            format!("{}.{:02}", area / 100, area % 100).as_str()
        );
        let room = code[24..].trim_start_matches('0');
        assert_eq!(shown["room"], room, "{shown}");
    }
    assert_eq!(dwellings[0]["unit_code"], "410302001001GB00001F00010101");
    assert_eq!(dwellings[0]["room"], "101");
    // A page of three, then the rest after its last.
    let (_, first) = v
        .citizen_get(&format!(
            "/communities/{community}/buildings/{building}/dwellings?limit=3"
        ))
        .await;
    let last = first["next_after"]
        .as_str()
        .expect("more follow")
        .to_owned();
    assert_eq!(first["dwellings"][2]["unit_code"], last.as_str());
    let (_, rest) = v
        .citizen_get(&format!(
            "/communities/{community}/buildings/{building}/dwellings?after={last}"
        ))
        .await;
    assert_eq!(rest["dwellings"][0], dwellings[3]);

    // The picked room is priced by its unit number.
    let picked = dwellings[0]["unit_code"].as_str().unwrap();
    let (status, a) = v.citizen_get(&format!("/units/{picked}")).await;
    assert_eq!(status, 200, "{a}");
    assert!(a["total_value_fen"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn bad_ids_are_400_and_unknown_places_404() {
    let v = start().await;
    v.load_demo().await;
    for (path, status, code) in [
        (
            "/divisions/41030x/communities",
            400,
            "VAL_PARAMETER_INVALID",
        ),
        (
            "/divisions/4103021/communities",
            400,
            "VAL_PARAMETER_INVALID",
        ),
        (
            "/divisions/419999/communities",
            404,
            "VAL_DIVISION_NOT_FOUND",
        ),
        (
            "/divisions/410302/communities?limit=0",
            400,
            "VAL_PARAMETER_INVALID",
        ),
        (
            "/divisions/410302/communities?limit=501",
            400,
            "VAL_PARAMETER_INVALID",
        ),
        (
            "/divisions/410302/communities?after=a%2Fb",
            400,
            "VAL_PARAMETER_INVALID",
        ),
        (
            "/communities/no%20such/buildings",
            400,
            "VAL_PARAMETER_INVALID",
        ),
        (
            "/communities/C419999-99999/buildings",
            404,
            "VAL_COMMUNITY_NOT_FOUND",
        ),
        (
            "/communities/C410302-00000/buildings/C410302-00000-B99/dwellings",
            404,
            "VAL_BUILDING_NOT_FOUND",
        ),
        (
            "/communities/C419999-99999/buildings/C410302-00000-B01/dwellings",
            404,
            "VAL_BUILDING_NOT_FOUND",
        ),
        (
            "/communities/C410302-00000/buildings/C410302-00000-B01/dwellings?after=101",
            400,
            "VAL_PARAMETER_INVALID",
        ),
    ] {
        let (got, p) = v.citizen_get(path).await;
        assert_eq!(
            (got, p["code"].as_str()),
            (status, Some(code)),
            "{path}: {p}"
        );
    }
    // Past the last page: an empty page, not a 404.
    let (status, p) = v
        .citizen_get("/divisions/410302/communities?after=C410302-99999")
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["communities"].as_array().unwrap().len(), 0);
    assert!(p["next_after"].is_null());
    // In English when asked.
    let r = v
        .get("/api/valuation/divisions/419999/communities")
        .bearer_auth(citizen())
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let (_, p) = body(r).await;
    assert!(
        p["detail"].as_str().unwrap().contains("division 419999"),
        "{p}"
    );
}
