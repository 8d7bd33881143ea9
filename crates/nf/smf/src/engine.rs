//! The engine: state and the sans-IO surface.

use std::collections::VecDeque;
use std::time::Instant;

use ferrocore_sbi::SbiError;

use crate::config::{Checked, ConfigError};
use crate::{Action, Event, Metrics, SmfConfig, SmfRequest, SmfResponse};

/// The SMF engine. See the crate documentation.
pub struct Smf {
    #[allow(dead_code)]
    pub(crate) cfg: Checked,
    pub(crate) metrics: Metrics,
    pub(crate) out: VecDeque<Action>,
}

impl Smf {
    /// An SMF with `config`, checked first.
    pub fn new(config: SmfConfig) -> Result<Smf, ConfigError> {
        let cfg = config.validate()?;
        Ok(Smf {
            cfg,
            metrics: Metrics::new(),
            out: VecDeque::new(),
        })
    }

    /// The measurements (shared: clone to render them elsewhere).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The configuration in use.
    pub fn config(&self) -> &SmfConfig {
        &self.cfg.config
    }

    /// Sets our Recovery Time Stamp (TS 29.244 §8.2.65); only before the first
    /// [`Smf::handle_timeout`] (the runtime does it when the configuration has 0).
    pub fn set_recovery_time_stamp(&mut self, ts: u32) {
        self.cfg.config.recovery_time_stamp = ts;
    }

    /// Takes in one event at `now`.
    pub fn handle_event(&mut self, _now: Instant, event: Event) {
        if let Event::Request { id, request } = event {
            let e = SbiError::system_failure("SMF procedures not built yet");
            let response = match request {
                SmfRequest::Create(_) => SmfResponse::Created(Err(e.into())),
                SmfRequest::Update { .. } => SmfResponse::Updated(Err(e.into())),
                SmfRequest::Release { .. } => SmfResponse::Released(Err(e)),
            };
            self.out.push_back(Action::Respond { id, response });
        }
    }

    /// The next action for the runtime.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.out.pop_front()
    }

    /// The earliest timer deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        None
    }

    /// Runs every timer that has expired at `now`.
    pub fn handle_timeout(&mut self, _now: Instant) {}

    /// SM contexts now.
    pub fn sessions(&self) -> usize {
        0
    }
}
