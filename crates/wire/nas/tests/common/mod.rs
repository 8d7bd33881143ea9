//! Shared by the integration tests: message builders and field extraction.
#![allow(dead_code)]

pub mod build;
pub mod fields;
