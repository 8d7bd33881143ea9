//! ferrocore's UDR: the subscriber data model, the subscriber store and provisioning.
//!
//! - [`model`]: [`Subscriber`] and its validated parts (SUPI, keys, slices, DNNs).
//! - [`store`]: the [`SubscriberStore`] repository trait, SQLite and PostgreSQL behind it,
//!   and SQN block reservation for the UDM.
//! - [`provision`]: CSV and YAML provisioning files.
//! - [`cli`]: the `ferrocore subscriber ...` commands.
//! - [`api`]: the REST provisioning API (axum router under `/api/v1/subscribers`).
//!
//! See `docs/subscribers.md`.

pub mod api;
pub mod cli;
pub mod error;
pub mod model;
pub mod nudr;
pub mod provision;
pub mod store;

pub use error::{StoreError, ValidationError};
pub use model::{Subscriber, Supi};
pub use store::{Page, SubscriberStore, open};
