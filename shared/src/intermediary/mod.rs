//! The intermediary marketplace (网上中介超市): agencies compete in the open for the
//! intermediary services approvals need. The rules here are pure: who may bid, how a
//! winner is selected (direct selection, a random draw anyone can verify afterwards,
//! price-and-proposal scoring), the dual deadlines, the four-dimension evaluation
//! with its star bands, the three-colour warnings and the triple sanction.
//! Defaults follow `../shared/domain/intermediary.md`; every number is configuration.

pub mod catalogue;
pub mod deadline;
pub mod draw;
pub mod evaluation;
pub mod ocds;
pub mod sanction;
pub mod selection;

pub use draw::{Commitment, DrawError, draw, verify_draw};
pub use evaluation::{Card, EvaluationRules, Ratings, Score};
pub use sanction::{Misconduct, TripleSanction};
pub use selection::{Bid, BidRefusal, Method, Outcome, Qualification};
