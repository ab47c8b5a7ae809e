//! Check-in (码上服务 · 入企扫码): one signed code per enterprise, the enterprise
//! register, and the rules of scan-to-enter inspections (国办发〔2024〕54号): two
//! officers of one agency with valid certificates, published items only, annual caps
//! per agency and enterprise, late scans within 10 calendar days, warnings and the
//! monthly statistics the justice bureau publishes.

pub mod agency;
pub mod code;
pub mod error;
pub mod inspection;
mod poster;
pub mod problem;
pub mod qr;
pub mod register;
mod register_csv;
mod register_demo;
mod register_error;
pub mod stats;
pub mod warnings;

pub use agency::{AgencyRules, Campaign, InspectionItem, Officer};
pub use error::RuleError;
pub use inspection::{
    CaseReason, Decision, Kind, Late, LateMode, Outcome, Pending, Plan, ScanFacts, Started,
};

#[cfg(test)]
mod codes_tests;
