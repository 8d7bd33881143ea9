//! The SQL text of the store, per dialect: placeholders, `max`, and every statement the
//! backends run.

use std::sync::LazyLock;

use super::migrate::{Migration, POSTGRES, SQLITE};

/// The columns of `subscribers`, in the order `SqlDb::bind_row` binds them.
const COLUMNS: [&str; 9] = [
    "supi",
    "k",
    "opc",
    "op",
    "amf",
    "sqn",
    "auth_method",
    "msisdn",
    "profile",
];

/// The SQL dialect of a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    /// Parameters `$1`, `$2`, ...; `GREATEST`.
    Postgres,
    /// Parameters `?1`, `?2`, ... where a statement reorders or reuses one, plain `?` in
    /// the long lists of a batch, whose parameters are the statement's only ones, in order
    /// (SQLite looks a numbered parameter up linearly: a 4500-parameter batch written
    /// `?NNN` binds in quadratic time); `MAX`.
    Sqlite,
}

impl Syntax {
    /// The backend's name in logs.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Sqlite => "sqlite",
        }
    }

    /// Its schema migrations, in order.
    pub(super) fn migrations(self) -> &'static [Migration] {
        match self {
            Self::Postgres => POSTGRES,
            Self::Sqlite => SQLITE,
        }
    }

    /// Its statements, made once.
    pub(super) fn statements(self) -> &'static Statements {
        static POSTGRES: LazyLock<Statements> = LazyLock::new(|| Statements::new(Syntax::Postgres));
        static SQLITE: LazyLock<Statements> = LazyLock::new(|| Statements::new(Syntax::Sqlite));
        match self {
            Self::Postgres => &POSTGRES,
            Self::Sqlite => &SQLITE,
        }
    }

    /// The larger of two values.
    fn greatest(self) -> &'static str {
        match self {
            Self::Postgres => "GREATEST",
            Self::Sqlite => "MAX",
        }
    }

    fn numbered(self, i: usize) -> String {
        match self {
            Self::Postgres => format!("${i}"),
            Self::Sqlite => format!("?{i}"),
        }
    }

    /// `count` parameters, the `first` one numbered `first`: `$3, $4, $5` or `?, ?, ?`.
    fn list(self, first: usize, count: usize) -> String {
        match self {
            Self::Postgres => (first..first + count)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", "),
            Self::Sqlite => vec!["?"; count].join(", "),
        }
    }
}

/// The statements of one SQL dialect. Single-row statements number their parameters, so
/// that every statement that writes a row binds it the same way (`SqlDb::bind_row`).
#[derive(Debug)]
pub(super) struct Statements {
    syntax: Syntax,
    pub get: String,
    pub list: String,
    pub update: String,
    pub delete: String,
    pub exists: String,
    pub resync: String,
    /// Adds `$1` to the SQN of `$2` if it stays at most `$3` and, unless `$4` is NULL, only
    /// if it is `$4`; returns the new SQN.
    pub reserve: String,
    pub record_migration: String,
}

impl Statements {
    fn new(syntax: Syntax) -> Self {
        let p = |i| syntax.numbered(i);
        let greatest = syntax.greatest();
        let all = COLUMNS.join(", ");
        let set = COLUMNS
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, c)| match *c {
                "sqn" => format!("sqn = {greatest}(sqn, {})", p(i + 1)),
                _ => format!("{c} = {}", p(i + 1)),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let (p1, p2, p3, p4) = (p(1), p(2), p(3), p(4));
        Self {
            syntax,
            get: format!("SELECT {all} FROM subscribers WHERE supi = {p1}"),
            list: format!(
                "SELECT {all} FROM subscribers WHERE supi > {p1} ORDER BY supi LIMIT {p2}"
            ),
            update: format!("UPDATE subscribers SET {set} WHERE supi = {p1}"),
            delete: format!("DELETE FROM subscribers WHERE supi = {p1}"),
            exists: format!("SELECT COUNT(*) FROM subscribers WHERE supi = {p1}"),
            resync: format!("UPDATE subscribers SET sqn = {greatest}(sqn, {p1}) WHERE supi = {p2}"),
            reserve: format!(
                "UPDATE subscribers SET sqn = sqn + {p1} \
                 WHERE supi = {p2} AND sqn + {p1} <= {p3} AND ({p4} IS NULL OR sqn = {p4}) \
                 RETURNING sqn"
            ),
            record_migration: format!("INSERT INTO ferrocore_schema (version) VALUES ({p1})"),
        }
    }

    /// Inserts `rows` rows, each bound by `SqlDb::bind_row` in turn.
    pub fn insert(&self, rows: usize) -> String {
        let n = COLUMNS.len();
        let values = (0..rows)
            .map(|r| format!("({})", self.syntax.list(r * n + 1, n)))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO subscribers ({}) VALUES {values}",
            COLUMNS.join(", ")
        )
    }

    /// The first, in SUPI order, of `count` bound SUPIs that is stored.
    pub fn first_existing(&self, count: usize) -> String {
        format!(
            "SELECT supi FROM subscribers WHERE supi IN ({}) ORDER BY supi LIMIT 1",
            self.syntax.list(1, count)
        )
    }
}
