//! ferrocore-sbi-http: the SBI service traits of `ferrocore-sbi` over HTTP/2.
//!
//! For each service there is a module with
//! - `router(Arc<dyn Service>) -> axum::Router`: serves the exact TS 29.5xx URIs, status
//!   codes and content types, calling the given implementation;
//! - a client type implementing the same trait over HTTP/2 (h2c, prior knowledge), so a
//!   consumer holding `Arc<dyn Service>` cannot tell a remote producer from a local one.
//!
//! [`serve`] / [`spawn`] run routers on a TCP listener speaking HTTP/2 with prior knowledge
//! and HTTP/1.1, after [`problem_fallbacks`] has added the `application/problem+json`
//! answers for unknown URIs (404) and methods (405). TLS and OAuth2 come later.
//!
//! Services whose messages carry N1 / N2 containers ([`nsmf_pdusession`],
//! [`namf_communication`]) send them as `multipart/related` bodies ([`multipart`]).

pub mod client;
pub mod multipart;
pub mod namf_communication;
pub mod nausf_ueau;
pub mod nsmf_pdusession;
pub mod nudm_sdm;
pub mod nudm_ueau;
pub mod nudm_uecm;
pub mod nudr_dr;
pub mod problem;
mod query;
mod server;

pub use client::HttpClient;
pub use problem::Problem;
pub use server::{RunningServer, problem_fallbacks, serve, spawn};
