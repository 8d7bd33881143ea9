//! The optional pcap of a run: every NGAP message as sent and received, exported-PDU
//! framing for Wireshark's NGAP dissector (which hands NAS-PDUs to NAS-5GS).

use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use ferrocore_pcap::{Framing, Writer};

/// A capture file shared by the gNB tasks.
pub(crate) struct Capture(Mutex<Writer<std::io::BufWriter<std::fs::File>>>);

impl Capture {
    pub(crate) fn create(path: &Path) -> std::io::Result<Self> {
        Ok(Self(Mutex::new(Writer::create(
            path,
            Framing::Exported("ngap"),
        )?)))
    }

    /// Appends one NGAP PDU stamped now. A write error is logged once per message; the
    /// run goes on.
    pub(crate) fn record(&self, pdu: &[u8]) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let mut w = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = w.record(now, pdu) {
            tracing::warn!("capture write failed: {e}");
        }
    }

    pub(crate) fn flush(&self) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}
