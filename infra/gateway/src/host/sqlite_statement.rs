//! What the `spin:sqlite` host needs to know about a statement before running it:
//! whether it will take SQLite's write lock, so that it queues on the file's write
//! gate first (see [`crate::sqlite_files`]). Read from the first keyword only; a
//! statement not recognised runs without the gate, which costs at most a wait in
//! SQLite's busy handler, never a wrong answer: SQLite's own locking decides.

/// True for `BEGIN IMMEDIATE`/`BEGIN EXCLUSIVE` and for `INSERT`, `UPDATE`,
/// `DELETE` and `REPLACE` (with or without `RETURNING`).
pub fn takes_write_lock(sql: &str) -> bool {
    let t = sql.trim_start();
    let word: String = t
        .chars()
        .take(8)
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_uppercase();
    match word.as_str() {
        "BEGIN" => {
            let u = t.to_ascii_uppercase();
            u.contains("IMMEDIATE") || u.contains("EXCLUSIVE")
        }
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::takes_write_lock;

    #[test]
    fn recognises_writes_by_their_first_keyword() {
        for sql in [
            "BEGIN IMMEDIATE",
            "  begin exclusive transaction",
            "INSERT INTO t (a) VALUES ($1)",
            "update t set a = 1",
            "DELETE FROM t RETURNING id",
            "REPLACE INTO t VALUES (1)",
        ] {
            assert!(takes_write_lock(sql), "{sql}");
        }
        for sql in [
            "BEGIN",
            "begin deferred",
            "COMMIT",
            "ROLLBACK",
            "select 1",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "-- note\nINSERT INTO t VALUES (1)",
            "CREATE TABLE t (a)",
            "INSERTED",
        ] {
            assert!(!takes_write_lock(sql), "{sql}");
        }
    }
}
