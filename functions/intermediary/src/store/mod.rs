//! The intermediary function's SQL: the only place with statements. Parameters are
//! numbered in order of first use (Spin binds them by position); timestamps are unix
//! milliseconds; dates `YYYY-MM-DD`.

pub mod outbox;
pub mod projects;
pub mod providers;
