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

/// The arguments in the order Spin binds them. Spin (`spin-sqlite-inproc`) binds the
/// guest's parameters by position: the statement's parameter number `i` gets the
/// `i`-th value. SQLite numbers a `$N` parameter by its first appearance, not by N,
/// so in `SELECT $2, $1` the `$2` is parameter 1. sqlx instead gives a `$N`
/// parameter the N-th value. To answer as Spin does, the values are permuted so that
/// sqlx's rule hands each parameter the value Spin's would: when every parameter is a
/// `$N`, the N of the `i`-th distinct one gets value `i`. Statements that number in
/// order (the usual case) are returned unchanged; a statement that mixes `$N` with
/// `?`, `?NNN` or named parameters is left to sqlx (both bind those alike).
pub fn spin_positional<T>(sql: &str, values: Vec<T>) -> Vec<T> {
    let Some(order) = dollar_numbers(sql) else {
        return values;
    };
    // In order: nothing to do. A count that differs from the values, or a `$N`
    // beyond them, cannot be bound alike by the two rules: sqlx refuses it as it is.
    if order.iter().enumerate().all(|(i, n)| *n == i + 1)
        || order.len() != values.len()
        || order.iter().any(|n| *n > values.len())
    {
        return values;
    }
    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(values.len()).collect();
    // `order` is a permutation of 1..=len here (distinct, each ≤ len, len of them).
    for (value, n) in values.into_iter().zip(&order) {
        slots[n - 1] = Some(value);
    }
    slots.into_iter().flatten().collect()
}

/// The distinct `$N` parameters in order of first appearance, outside string
/// literals, quoted identifiers and comments; `None` when there is any other kind of
/// parameter (or none at all).
fn dollar_numbers(sql: &str) -> Option<Vec<usize>> {
    let b = sql.as_bytes();
    let mut seen: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        // A doubled quote is an escaped quote inside.
                        if b.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'?' | b':' | b'@' => return None,
            b'$' => {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && b[end].is_ascii_digit() {
                    end += 1;
                }
                let n: usize = sql.get(start..end)?.parse().ok().filter(|n| *n > 0)?;
                if !seen.contains(&n) {
                    seen.push(n);
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    (!seen.is_empty()).then_some(seen)
}

#[cfg(test)]
mod positional_tests {
    use super::spin_positional;

    #[test]
    fn in_order_statements_are_unchanged() {
        let sql = "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET b = $2";
        assert_eq!(spin_positional(sql, vec!["x", "y"]), ["x", "y"]);
        assert_eq!(spin_positional("SELECT ?, ?", vec![1, 2]), [1, 2]);
        assert_eq!(
            spin_positional("SELECT 1", Vec::<i32>::new()),
            Vec::<i32>::new()
        );
    }

    #[test]
    fn out_of_order_numbers_bind_by_position_as_spin_does() {
        // Spin: parameter 1 is `$2` and gets "a"; sqlx gives `$N` the N-th value, so
        // "a" must be the second value handed to it.
        assert_eq!(spin_positional("SELECT $2, $1", vec!["a", "b"]), ["b", "a"]);
        assert_eq!(
            spin_positional("VALUES ($1, $3, $2), ($1, $3, $2)", vec![1, 2, 3]),
            [1, 3, 2]
        );
        // Quoted text and comments are not parameters.
        assert_eq!(
            spin_positional("SELECT '$1', $2 /* $3 */, $1 -- $9\n", vec!["a", "b"]),
            ["b", "a"]
        );
        // Mixed kinds are left alone.
        assert_eq!(spin_positional("SELECT $2, ?", vec![1, 2]), [1, 2]);
    }
}
