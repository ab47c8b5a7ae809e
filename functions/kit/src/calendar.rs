//! The working-day calendar a function counts deadlines with: the years built into
//! the core and those an operator published since, in the `calendar_years` variable
//! (JSON, see `yingshang_core::calendar::published`). A function that counts working
//! days serves through [`crate::router::serve_with_calendar`], which loads the
//! variable before each request; [`current`] is then the calendar to use. The parsed
//! calendar is kept while the variable's text stays the same.

use std::sync::{Arc, Mutex};

use yingshang_core::calendar::{CalendarError, WorkingCalendar, china_with};

/// The variable holding the years published after the build.
pub const VARIABLE: &str = "calendar_years";

static CURRENT: Mutex<Option<(String, Arc<WorkingCalendar>)>> = Mutex::new(None);

/// Reads `calendar_years` (absent: none) and makes it [`current`]; a text that does
/// not parse leaves the calendar as it was and is the error.
pub async fn load() -> Result<(), CalendarError> {
    let text = spin_sdk::variables::get(VARIABLE).await.unwrap_or_default();
    let mut current = CURRENT.lock().unwrap_or_else(|p| p.into_inner());
    if current.as_ref().is_some_and(|(seen, _)| *seen == text) {
        return Ok(());
    }
    let calendar = china_with(&text)?;
    *current = Some((text, Arc::new(calendar)));
    Ok(())
}

/// The calendar [`load`] last loaded (the built-in years before any load).
pub fn current() -> Arc<WorkingCalendar> {
    let mut current = CURRENT.lock().unwrap_or_else(|p| p.into_inner());
    current
        .get_or_insert_with(|| (String::new(), Arc::new(WorkingCalendar::china())))
        .1
        .clone()
}
