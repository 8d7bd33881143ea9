//! Embedded schema migrations, applied in order on open. Each backend keeps a table
//! `ferrocore_schema(version)` of the migrations it has applied; a migration and its
//! version row commit together.

pub(crate) struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[Migration {
    version: 1,
    sql: include_str!("../../migrations/sqlite/0001_subscribers.sql"),
}];

pub(crate) const POSTGRES: &[Migration] = &[Migration {
    version: 1,
    sql: include_str!("../../migrations/postgres/0001_subscribers.sql"),
}];

pub(crate) const CREATE_SCHEMA_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS ferrocore_schema (version BIGINT NOT NULL PRIMARY KEY)";
