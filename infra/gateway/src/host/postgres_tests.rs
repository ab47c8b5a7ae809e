//! Tests of the PostgreSQL host's pure parts.

use super::transaction_after;

#[test]
fn transactions_are_followed_by_their_first_words() {
    assert_eq!(transaction_after("BEGIN"), Some(true));
    assert_eq!(
        transaction_after("  begin isolation level serializable"),
        Some(true)
    );
    assert_eq!(transaction_after("START TRANSACTION"), Some(true));
    assert_eq!(transaction_after("COMMIT;"), Some(false));
    assert_eq!(transaction_after("rollback"), Some(false));
    assert_eq!(transaction_after("ROLLBACK TO SAVEPOINT a"), None);
    assert_eq!(transaction_after("SELECT 1"), None);
    assert_eq!(transaction_after("END"), Some(false));
}
