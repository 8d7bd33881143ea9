//! GTP-U Error Indications from peers (TS 29.281 §7.3.1) reported to the SMF: a gNB (or
//! the next UPF) has no context for a tunnel we send to, so the session's user plane is
//! broken there. The UPF sends a PFCP Session Report Request with Report Type ERIR and an
//! Error Indication Report naming the remote F-TEID (TS 29.244 §7.5.8.4, §8.2.21) to the
//! SMF of every session whose FARs tunnel to that F-TEID (Outer Header Creation,
//! §8.2.56), and leaves what to do to the SMF (e.g. release the N3 tunnel).
//!
//! A peer sends an Error Indication for every packet it cannot place; a session is
//! reported once per remote F-TEID until the SMF modifies it.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use ferrocore_pfcp::ie::{ErrorIndicationReport, Fteid};
use ferrocore_pfcp::message::SessionReportRequest;
use tracing::info;

use super::UpfControl;
use crate::state::SessionState;

/// A remote F-TEID: the peer's address and its TEID.
pub(super) type RemoteFteid = (IpAddr, u32);

/// Sessions by the remote F-TEIDs their FARs tunnel to.
#[derive(Debug, Default)]
pub(super) struct RemoteTunnels {
    map: HashMap<RemoteFteid, Vec<u64>>,
}

/// The remote F-TEIDs of a session's FARs, each once.
fn remote_fteids(s: &SessionState) -> Vec<RemoteFteid> {
    let mut v: Vec<RemoteFteid> = s
        .fars
        .iter()
        .filter_map(|f| f.outer_header)
        .map(|o| (o.peer.ip(), o.teid))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

impl RemoteTunnels {
    pub fn add(&mut self, s: &SessionState) {
        for k in remote_fteids(s) {
            self.map.entry(k).or_default().push(s.up_seid);
        }
    }

    pub fn remove(&mut self, s: &SessionState) {
        for k in remote_fteids(s) {
            if let Some(v) = self.map.get_mut(&k) {
                v.retain(|&x| x != s.up_seid);
                if v.is_empty() {
                    self.map.remove(&k);
                }
            }
        }
    }

    /// The sessions tunnelling to `fteid`.
    pub fn sessions(&self, fteid: RemoteFteid) -> &[u64] {
        self.map.get(&fteid).map_or(&[], Vec::as_slice)
    }
}

impl UpfControl {
    /// A GTP-U Error Indication from `from`: the peer at `peer` knows no TEID `teid`
    /// (TS 29.281 §7.3.1). Reported with ERIR (TS 29.244 §7.5.8.4) to the SMF of each
    /// session that tunnels there and has not had it reported since its last
    /// modification. The GTP-U Peer Address IE names the tunnel's address; should it
    /// match no tunnel, the sender's address is tried.
    pub(super) fn error_indication(
        &mut self,
        now: Instant,
        from: SocketAddr,
        teid: u32,
        peer: IpAddr,
    ) {
        let mut fteid = (peer, teid);
        if self.remote_tunnels.sessions(fteid).is_empty() {
            fteid = (from.ip(), teid);
        }
        let seids = self.remote_tunnels.sessions(fteid).to_vec();
        for up_seid in seids {
            let Some(sess) = self.sessions.get_mut(&up_seid) else {
                continue;
            };
            if sess.ei_reported.contains(&fteid) {
                continue;
            }
            sess.ei_reported.push(fteid);
            info!(up_seid, %from, teid, peer = %fteid.0, "GTP-U Error Indication: reported to the SMF");
            let (ipv4, ipv6) = match fteid.0 {
                IpAddr::V4(a) => (Some(a), None),
                IpAddr::V6(a) => (None, Some(a)),
            };
            let body = SessionReportRequest {
                report_type: SessionReportRequest::ERIR,
                downlink_data_report: None,
                usage_reports: vec![],
                error_indication_report: Some(ErrorIndicationReport {
                    remote_fteids: vec![Fteid::Assigned { teid, ipv4, ipv6 }],
                }),
            };
            self.send_report(now, up_seid, body);
        }
    }
}
