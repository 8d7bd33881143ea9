//! ferrocore's AUSF: Nausf_UEAuthentication for 5G AKA (TS 29.509 §5.2.2, TS 33.501
//! §6.1.3.2).
//!
//! [`Ausf`] implements [`UeAuthenticationService`](ferrocore_sbi::nausf_ueau::UeAuthenticationService)
//! on top of the UDM's `Arc<dyn UeauService>` (in-process or HTTP/2 alike): it checks the
//! serving network, asks the UDM for a 5G HE AV, keeps XRES* and K_AUSF in a bounded,
//! expiring authentication context, answers the AMF with RAND, AUTN and HXRES*, and on
//! confirmation compares RES* with XRES* and hands out K_SEAF.
//!
//! See `docs/authentication.md`.

mod clock;
mod config;
mod contexts;
mod service;

use std::sync::Arc;

use ferrocore_sbi::nudm_ueau::UeauService;

pub use config::AusfConfig;

/// The AUSF. Serve it as `Arc<dyn UeAuthenticationService>`.
pub struct Ausf {
    config: AusfConfig,
    udm: Arc<dyn UeauService>,
    contexts: contexts::Contexts,
}

impl Ausf {
    /// An AUSF with `config` that asks the UDM behind `udm` for vectors.
    pub fn new(config: AusfConfig, udm: Arc<dyn UeauService>) -> Self {
        let contexts = contexts::Contexts::new(config.max_contexts, config.context_ttl);
        Self {
            config,
            udm,
            contexts,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &AusfConfig {
        &self.config
    }

    /// How many authentication contexts are waiting for confirmation.
    pub fn pending_contexts(&self) -> usize {
        self.contexts.len()
    }
}
