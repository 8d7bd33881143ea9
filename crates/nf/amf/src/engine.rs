//! The engine: state and the five calls of the sans-IO surface.

use std::time::Instant;

use crate::config::{AmfConfig, Checked, ConfigError};
use crate::{Action, Event, Metrics};

/// The AMF engine.
pub struct Amf {
    pub(crate) cfg: Checked,
    pub(crate) metrics: Metrics,
    pub(crate) out: crate::outbox::Outbox,
}

impl Amf {
    /// An AMF with `config`, checked first.
    pub fn new(config: AmfConfig) -> Result<Amf, ConfigError> {
        Ok(Amf {
            cfg: config.validate()?,
            metrics: Metrics::new(),
            out: crate::outbox::Outbox::default(),
        })
    }
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
    pub fn handle_event(&mut self, _now: Instant, _event: Event) {}
    pub fn poll_action(&mut self) -> Option<Action> {
        self.out.pop()
    }
    pub fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    pub fn handle_timeout(&mut self, _now: Instant) {}
    pub fn registered_ues(&self) -> usize {
        0
    }
    pub fn connected_gnbs(&self) -> usize {
        0
    }
}
