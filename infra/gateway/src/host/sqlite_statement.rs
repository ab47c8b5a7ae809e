//! What the `spin:sqlite` host needs to know about a statement before running it,
//! from its first keyword only: whether it opens or ends a transaction, writes, or
//! certainly returns no columns. Anything not recognised is [`Kind::Other`], for
//! which the host does the general (slower) thing, so a wrong guess cannot happen:
//! only the recognised shapes take a shortcut.

/// The shape of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `BEGIN` or `BEGIN DEFERRED`: opens a transaction that takes the write lock at
    /// its first write.
    Begin,
    /// `BEGIN IMMEDIATE` or `BEGIN EXCLUSIVE`: takes the write lock at once.
    BeginWrite,
    /// `COMMIT`, `END` or `ROLLBACK` (not `ROLLBACK TO`): ends it.
    End,
    /// `INSERT`, `UPDATE`, `DELETE` or `REPLACE` without `RETURNING`: writes, no columns.
    Write,
    /// `SELECT …`: reads only, so it may be prepared again after it ran.
    Query,
    /// Anything else (`… RETURNING`, `WITH …`, DDL, pragmas, comments first): its
    /// columns are learnt by preparing it before it runs (a `CREATE TABLE` cannot
    /// be prepared once the table exists).
    Other,
}

impl Kind {
    /// True if the statement returns no columns whatever its rows: the host need not
    /// prepare it separately to learn them.
    pub fn has_no_columns(self) -> bool {
        !matches!(self, Kind::Query | Kind::Other)
    }
}

/// Classifies `sql` by its first keyword.
pub fn kind(sql: &str) -> Kind {
    let t = sql.trim_start();
    let word: String = t
        .chars()
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
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE"
            if !t.to_ascii_uppercase().contains("RETURNING") =>
        {
            Kind::Write
        }
        "SELECT" => Kind::Query,
        _ => Kind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_the_safe_shapes() {
        assert_eq!(kind("BEGIN"), Kind::Begin);
        assert_eq!(kind("  begin deferred"), Kind::Begin);
        assert_eq!(kind("BEGIN IMMEDIATE"), Kind::BeginWrite);
        assert_eq!(kind("COMMIT"), Kind::End);
        assert_eq!(kind("end transaction"), Kind::End);
        assert_eq!(kind("ROLLBACK"), Kind::End);
        assert_eq!(kind("ROLLBACK TO sp1"), Kind::Other);
        assert_eq!(kind("INSERT INTO t (a) VALUES ($1)"), Kind::Write);
        assert_eq!(kind("update t set a = 1"), Kind::Write);
        assert_eq!(kind("DELETE FROM t RETURNING id"), Kind::Other);
        assert_eq!(kind("select 1"), Kind::Query);
        assert_eq!(
            kind("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"),
            Kind::Other
        );
        assert_eq!(kind("-- note\nINSERT INTO t VALUES (1)"), Kind::Other);
        assert_eq!(kind("CREATE TABLE t (a)"), Kind::Other);
        assert!(!Kind::Other.has_no_columns() && !Kind::Query.has_no_columns());
        assert!(Kind::Write.has_no_columns() && Kind::End.has_no_columns());
    }
}
