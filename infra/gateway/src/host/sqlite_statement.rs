//! What the `spin:sqlite` host needs to know about a statement before running it,
//! from its first keyword only: whether it will take SQLite's write lock (so it
//! queues on the file's write gate first, see [`crate::sqlite_files`]), and whether
//! it can change what `changes` and `last-insert-rowid` answer. A statement not
//! recognised is [`Kind::Other`]: the host then takes the general path, which is
//! never wrong, only slower (it runs without the gate and keeps the guest on one
//! connection from then on).

/// The shape of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `BEGIN` or `BEGIN DEFERRED`: takes the write lock at its first write.
    Begin,
    /// `BEGIN IMMEDIATE` or `BEGIN EXCLUSIVE`: takes the write lock at once.
    BeginWrite,
    /// `COMMIT`, `END` or `ROLLBACK` (not `ROLLBACK TO`).
    End,
    /// `INSERT`, `UPDATE`, `DELETE` or `REPLACE`, with or without `RETURNING`.
    Write,
    /// `SELECT …`: changes nothing.
    Query,
    /// Anything else: DDL, pragmas, savepoints, `WITH …`, comments first.
    Other,
}

impl Kind {
    /// True if the statement takes SQLite's write lock.
    pub fn takes_write_lock(self) -> bool {
        matches!(self, Kind::Write | Kind::BeginWrite)
    }

    /// True if the statement may change the connection's `changes` or
    /// `last-insert-rowid`.
    pub fn may_change_counts(self) -> bool {
        matches!(self, Kind::Write | Kind::Other)
    }
}

/// Classifies `sql` by its first keyword.
pub fn kind(sql: &str) -> Kind {
    let t = sql.trim_start();
    let word: String = t
        .chars()
        .take(9)
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_uppercase();
    match word.as_str() {
        "BEGIN" => {
            let u = t.to_ascii_uppercase();
            if u.contains("IMMEDIATE") || u.contains("EXCLUSIVE") {
                Kind::BeginWrite
            } else {
                Kind::Begin
            }
        }
        "COMMIT" | "END" => Kind::End,
        // `ROLLBACK TO savepoint` keeps the transaction open.
        "ROLLBACK" if !t.to_ascii_uppercase().contains(" TO ") => Kind::End,
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" => Kind::Write,
        "SELECT" => Kind::Query,
        _ => Kind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_statements_by_their_first_keyword() {
        assert_eq!(kind("BEGIN"), Kind::Begin);
        assert_eq!(kind("  begin deferred"), Kind::Begin);
        assert_eq!(kind("BEGIN IMMEDIATE"), Kind::BeginWrite);
        assert_eq!(kind("begin exclusive transaction"), Kind::BeginWrite);
        assert_eq!(kind("COMMIT"), Kind::End);
        assert_eq!(kind("end transaction"), Kind::End);
        assert_eq!(kind("ROLLBACK"), Kind::End);
        assert_eq!(kind("ROLLBACK TO sp1"), Kind::Other);
        assert_eq!(kind("INSERT INTO t (a) VALUES ($1)"), Kind::Write);
        assert_eq!(kind("update t set a = 1"), Kind::Write);
        assert_eq!(kind("DELETE FROM t RETURNING id"), Kind::Write);
        assert_eq!(kind("REPLACE INTO t VALUES (1)"), Kind::Write);
        assert_eq!(kind("select 1"), Kind::Query);
        assert_eq!(kind("WITH x AS (SELECT 1) SELECT * FROM x"), Kind::Other);
        assert_eq!(kind("-- note\nINSERT INTO t VALUES (1)"), Kind::Other);
        assert_eq!(kind("CREATE TABLE t (a)"), Kind::Other);
        assert_eq!(kind("INSERTED"), Kind::Other);
        assert!(Kind::Write.takes_write_lock() && Kind::BeginWrite.takes_write_lock());
        assert!(!Kind::Begin.takes_write_lock() && !Kind::Other.takes_write_lock());
        assert!(Kind::Write.may_change_counts() && Kind::Other.may_change_counts());
        assert!(!Kind::Query.may_change_counts() && !Kind::End.may_change_counts());
    }
}
