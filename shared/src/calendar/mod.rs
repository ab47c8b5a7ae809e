//! Dates and the working-day calendar of mainland China.
//!
//! Deadlines in Yingshang are counted the way the law counts them: in working days
//! (excluding the start day, skipping weekends and public holidays, counting make-up
//! working days, 调休上班) or in calendar days whose last day moves to the next
//! working day when it is a rest day (Civil Code arts. 201, 203).
//!
//! Rooms: [`local`] (China Standard Time and "today"), [`iso`] (the `YYYY-MM-DD`
//! newtype DTOs carry; [`iso_serde`] for plain `Date` fields), [`data`] (the holiday table, one entry per year, as data),
//! [`working`] (the calendar and its counting rules), [`error`].
//!
//! The calendar knows only the years in its table: any date outside them is
//! [`CalendarError::UnknownYear`], never a guess, because a wrong deadline is worse
//! than a refused one. Adding a year is a change to [`data::CHINA_YEARS`] only.

pub mod data;
pub mod error;
pub mod iso;
pub mod iso_serde;
pub mod local;
pub mod published;
pub mod working;

#[cfg(test)]
mod iso_tests;
#[cfg(test)]
mod property_tests;
#[cfg(test)]
mod working_tests;

pub use data::{CHINA_YEARS, CalendarYear, DaysOff};
pub use error::{CalendarError, DateError};
pub use iso::{IsoDate, MAX_YEAR, MIN_YEAR, iso};
pub use local::{CHINA_STANDARD_TIME, local_date};
pub use published::china_with;
pub use working::WorkingCalendar;
