//! ferrocore-sbi: the Service Based Interface as Rust types, with no I/O.
//!
//! - serde models of the Rel-17 OpenAPI schemas (TS 29.509, TS 29.503, TS 29.504/29.505,
//!   TS 29.502, TS 29.518, TS 29.571) for the operations AUSF, UDM, UDR and AMF need first. Field names and
//!   casing are exactly those of the YAML files kept in `openapi/`.
//! - one object-safe async trait per service ([`nausf_ueau::UeAuthenticationService`],
//!   [`nudm_ueau::UeauService`], [`nudm_sdm::SdmService`], [`nudm_uecm::UecmService`],
//!   [`nudr_dr::DataRepositoryService`], [`nsmf_pdusession::PduSessionService`],
//!   [`namf_communication::CommunicationService`]). A consumer holds `Arc<dyn Trait>`: the
//!   producer itself when both share a process, or the HTTP/2 client of
//!   `ferrocore-sbi-http` when they do not.
//! - [`SbiError`]: an HTTP status plus a TS 29.571 `ProblemDetails` with a TS 29.500 cause.
//!
//! Unknown attributes in received JSON are ignored (TS 29.501 extensibility rules);
//! optional attributes we do not send are left out, never sent as `null`.

#[macro_use]
mod open_enum;

pub mod binary;
pub mod codec;
pub mod common;
pub mod error;
pub mod hex;
pub mod namf_communication;
pub mod nausf_ueau;
pub mod nsmf_pdusession;
pub mod nudm_sdm;
pub mod nudm_ueau;
pub mod nudm_uecm;
pub mod nudr_dr;

pub use async_trait::async_trait;
pub use error::{SbiError, cause};

/// A resource the producer created: the `Location` it answers with (an absolute URI,
/// `{apiRoot}/...`) and the representation in the 201 body.
#[derive(Debug, Clone, PartialEq)]
pub struct Created<T> {
    /// Absolute URI of the new resource (the `Location` header).
    pub location: String,
    /// The created resource.
    pub body: T,
}

impl<T> Created<T> {
    /// The last path segment of [`Created::location`], e.g. the `authCtxId`.
    pub fn resource_id(&self) -> &str {
        self.location
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
    }
}

/// The outcome of a PUT that creates or replaces a resource (TS 29.501 Annex C resource archetypes).
#[derive(Debug, Clone, PartialEq)]
pub enum Upserted<T> {
    /// 201 Created, with `Location`.
    Created(Created<T>),
    /// 200 OK, the stored representation.
    Updated(T),
    /// 204 No Content.
    UpdatedNoContent,
}
