use super::*;
use time::macros::{date, datetime};

const NOW: OffsetDateTime = datetime!(2026-12-03 10:00 +08:00);

fn facts(q: Option<&Qualification>) -> BidFacts<'_> {
    BidFacts {
        now: NOW,
        today: date!(2026 - 12 - 03),
        deadline: NOW + time::Duration::hours(2),
        cap: Fen(5_000_000),
        qualification: q,
        sanctioned: false,
        already_bid: false,
        price: Fen(4_000_000),
    }
}

const QUALIFIED: Qualification = Qualification {
    approved: true,
    valid_until: date!(2027 - 06 - 30),
};

fn bid(agency: &str, yuan: i64, proposal: Option<u8>) -> Bid {
    Bid {
        agency: agency.into(),
        price: Fen::from_yuan(yuan),
        proposal_score: proposal,
    }
}

#[test]
fn only_qualified_unsanctioned_agencies_bid_once_under_the_cap_before_the_deadline() {
    assert_eq!(check_bid(&facts(Some(&QUALIFIED))), Ok(()));
    assert_eq!(check_bid(&facts(None)), Err(BidRefusal::NotQualified));
    let pending = Qualification {
        approved: false,
        ..QUALIFIED
    };
    assert_eq!(
        check_bid(&facts(Some(&pending))),
        Err(BidRefusal::NotQualified)
    );
    let expired = Qualification {
        valid_until: date!(2026 - 12 - 02),
        ..QUALIFIED
    };
    assert_eq!(
        check_bid(&facts(Some(&expired))),
        Err(BidRefusal::QualificationExpired)
    );
    let mut f = facts(Some(&QUALIFIED));
    f.sanctioned = true;
    assert_eq!(check_bid(&f), Err(BidRefusal::Sanctioned));
    let mut f = facts(Some(&QUALIFIED));
    f.already_bid = true;
    assert_eq!(check_bid(&f), Err(BidRefusal::AlreadyBid));
    let mut f = facts(Some(&QUALIFIED));
    f.price = Fen(5_000_001);
    assert_eq!(
        check_bid(&f).unwrap_err().code(),
        "INTERMEDIARY_PRICE_INVALID"
    );
    f.price = Fen(5_000_000);
    assert_eq!(check_bid(&f), Ok(()), "at the cap is allowed");
    f.price = Fen(0);
    assert!(check_bid(&f).is_err());
    let mut f = facts(Some(&QUALIFIED));
    f.now = f.deadline;
    assert_eq!(check_bid(&f), Err(BidRefusal::Closed));
}

#[test]
fn fewer_than_two_valid_bids_fail_the_round_and_a_draw_needs_three() {
    let one = [bid("a", 100, None)];
    assert_eq!(
        select(Method::Direct, &one, None, Some("a")),
        Ok(Outcome::Failed {
            valid_bids: 1,
            needed: 2
        })
    );
    let two = [bid("a", 100, None), bid("b", 90, None)];
    assert_eq!(
        select(Method::RandomDraw, &two, Some(&[7; 32]), None),
        Ok(Outcome::Failed {
            valid_bids: 2,
            needed: 3
        })
    );
    assert_eq!(
        select(Method::Direct, &two, None, Some("b")),
        Ok(Outcome::Awarded {
            agency: "b".into(),
            price: Fen::from_yuan(90),
            score_centi: None
        })
    );
    assert_eq!(
        select(Method::Direct, &two, None, Some("z")),
        Err(SelectionError::NotABidder)
    );
}

#[test]
fn a_draw_awards_the_verifiable_winner() {
    let three = [bid("c", 100, None), bid("a", 120, None), bid("b", 90, None)];
    let seed = [42u8; 32];
    let Outcome::Awarded { agency, price, .. } =
        select(Method::RandomDraw, &three, Some(&seed), None).unwrap()
    else {
        panic!()
    };
    let ids: Vec<String> = three.iter().map(|b| b.agency.clone()).collect();
    assert_eq!(super::super::draw::draw(&seed, &ids).unwrap().1, agency);
    assert_eq!(
        three.iter().find(|b| b.agency == agency).unwrap().price,
        price
    );
    assert!(
        select(Method::RandomDraw, &three, None, None).is_err(),
        "no seed, no draw"
    );
}

#[test]
fn scoring_weighs_the_lowest_price_against_proposals_in_integers() {
    let bids = [
        bid("a", 100_000, Some(90)),
        bid("b", 80_000, Some(70)),
        bid("c", 125_000, Some(100)),
    ];
    // Price scores: a 80.00, b 100.00, c 64.00; at 40 % price:
    // a 0.4×80 + 0.6×90 = 86.00; b 40 + 42 = 82.00; c 25.60 + 60 = 85.60.
    assert_eq!(scores(&bids, 40), Ok(vec![8600, 8200, 8560]));
    assert_eq!(
        select(Method::Scoring { price_weight: 40 }, &bids, None, None),
        Ok(Outcome::Awarded {
            agency: "a".into(),
            price: Fen::from_yuan(100_000),
            score_centi: Some(8600)
        })
    );
    // Ties go to the lower price.
    let tie = [bid("x", 100, Some(50)), bid("y", 100, Some(50))];
    assert!(matches!(
        select(Method::Scoring { price_weight: 50 }, &tie, None, None),
        Ok(Outcome::Awarded { agency, .. }) if agency == "x"
    ));
    assert_eq!(scores(&bids, 95), Err(SelectionError::Weight));
    let unscored = [bid("a", 1, None), bid("b", 2, Some(1))];
    assert_eq!(scores(&unscored, 50), Err(SelectionError::ProposalUnscored));
}

#[test]
fn the_intermediary_error_code_lists_are_complete() {
    use crate::intermediary::catalogue::CatalogueError;
    // Every variant's code is listed, and each list has no duplicate.
    let refusals = [
        BidRefusal::Closed,
        BidRefusal::NotQualified,
        BidRefusal::QualificationExpired,
        BidRefusal::Sanctioned,
        BidRefusal::AlreadyBid,
        BidRefusal::Price { cap: 1 },
    ];
    for r in &refusals {
        assert!(BidRefusal::CODES.contains(&r.code()), "{}", r.code());
    }
    let catalogue = [
        CatalogueError::Code(String::new()),
        CatalogueError::Name(String::new()),
        CatalogueError::Kind(String::new()),
        CatalogueError::Qualifications(String::new()),
        CatalogueError::Exists(String::new()),
        CatalogueError::Parse(String::new()),
    ];
    for e in &catalogue {
        assert!(CatalogueError::CODES.contains(&e.code()), "{}", e.code());
    }
    for list in [BidRefusal::CODES, CatalogueError::CODES] {
        let mut sorted = list.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), list.len());
    }
    assert_eq!(BidRefusal::CODES.len(), refusals.len());
    assert_eq!(CatalogueError::CODES.len(), catalogue.len());
}
