//! ferrocore's UDM: the home network's authentication credential processing and
//! subscription data front end.
//!
//! - [`Udm`] implements three SBI services of `ferrocore-sbi`:
//!   [`UeauService`](ferrocore_sbi::nudm_ueau::UeauService) (5G HE AVs, result
//!   confirmation), [`SdmService`](ferrocore_sbi::nudm_sdm::SdmService) (am-data,
//!   smf-select-data, sm-data, nssai) and
//!   [`UecmService`](ferrocore_sbi::nudm_uecm::UecmService) (AMF registration).
//! - It reads and writes subscriber data **only** through
//!   `Arc<dyn DataRepositoryService>` (Nudr), in-process or over HTTP/2 alike.
//! - [`suci`]: SUCI de-concealment (SIDF, TS 33.501 §6.12.2) with the configured home
//!   network keys; [`sqn`]: SQN blocks reserved in the UDR by JSON Patch test + replace.
//!
//! See `docs/authentication.md`.

mod config;
mod credentials;
mod random;
mod sdm;
pub mod sqn;
pub mod suci;
mod ueau;
mod uecm;

use std::sync::Arc;

use ferrocore_sbi::nudr_dr::DataRepositoryService;

pub use config::{DEFAULT_SQN_BLOCK, UdmConfig};

/// The UDM. Cheap to share as `Arc<Udm>`; serve it as `Arc<dyn UeauService>`,
/// `Arc<dyn SdmService>` and `Arc<dyn UecmService>`.
pub struct Udm {
    config: UdmConfig,
    dr: Arc<dyn DataRepositoryService>,
    sqn: sqn::SqnBlocks,
    registrations: uecm::Registrations,
    auth_events: std::sync::atomic::AtomicU64,
}

impl Udm {
    /// A UDM with `config` on top of the UDR behind `dr`.
    pub fn new(config: UdmConfig, dr: Arc<dyn DataRepositoryService>) -> Self {
        let sqn = sqn::SqnBlocks::new(config.sqn_block);
        Self {
            config,
            dr,
            sqn,
            registrations: uecm::Registrations::default(),
            auth_events: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &UdmConfig {
        &self.config
    }
}
