//! The gNB's N3 user plane (TS 29.281 GTP-U, TS 38.415 PDU Session Container): one
//! tunnel per PDU session whose resources are set up, uplink encapsulation in the
//! caller's buffer, downlink TEID lookup, echo and error indication.
//!
//! The per-packet paths allocate nothing: [`Gnb::uplink_packet`] writes the G-PDU header
//! into the headroom in front of the packet and [`Gnb::handle_gtpu`] returns a range.
//! Only packets that wait for an idle UE's service request are copied (bounded by
//! [`IDLE_UPLINK_BUFFER`]).

use std::net::SocketAddr;
use std::time::Instant;

use ferrocore_gtpu::{Message, PduSessionContainer, Qfi, Repr, decap, encap_repr_in_place};
use ferrocore_ngap::GtpTunnel;
use tracing::{debug, warn};

use super::Gnb;
use crate::session::{Downlink, IDLE_UPLINK_BUFFER, UPLINK_HEADROOM, UserPlaneOut};
use crate::{SimEvent, UeId, UeState};

/// One PDU session's N3 tunnel pair.
#[derive(Debug, Clone)]
pub(super) struct Tunnel {
    pub(super) psi: u8,
    /// The UPF's UL endpoint.
    pub(super) upf: SocketAddr,
    pub(super) ul_teid: u32,
    /// The gNB's DL TEID.
    pub(super) dl_teid: u32,
    /// QoS flows the core set up; the first is used when the UE knows no default rule.
    pub(super) qfis: Vec<u8>,
}

impl Gnb {
    /// Sets up (or replaces) the tunnel of `ue`'s session `psi` towards `ul`; returns the
    /// gNB's DL endpoint for the Setup Response Transfer (TS 38.413 §9.3.4.2).
    pub(super) fn setup_tunnel(
        &mut self,
        ue: UeId,
        psi: u8,
        ul: GtpTunnel,
        qfis: Vec<u8>,
    ) -> GtpTunnel {
        self.remove_tunnel(ue, psi);
        let dl_teid = self.allocate_teid();
        self.teids.insert(dl_teid, (ue, psi));
        let upf = SocketAddr::new(ul.addr, self.upf_port);
        if let Some(slot) = self.ues.get_mut(ue) {
            slot.tunnels.push(Tunnel {
                psi,
                upf,
                ul_teid: ul.teid,
                dl_teid,
                qfis,
            });
        }
        debug!(ue, psi, ul_teid = ul.teid, dl_teid, %upf, "N3 tunnel up");
        GtpTunnel {
            addr: self.n3_addr,
            teid: dl_teid,
        }
    }

    /// Adds the flows `add` to the tunnel of `ue`'s session `psi` and drops the flows
    /// `release` (PDU Session Resource Modify Request Transfer, TS 38.413 §9.3.4.3);
    /// false when the session has no tunnel here.
    pub(super) fn modify_tunnel(&mut self, ue: UeId, psi: u8, add: &[u8], release: &[u8]) -> bool {
        let Some(t) = self
            .ues
            .get_mut(ue)
            .and_then(|s| s.tunnels.iter_mut().find(|t| t.psi == psi))
        else {
            return false;
        };
        t.qfis.retain(|q| !release.contains(q));
        for q in add {
            if !t.qfis.contains(q) {
                t.qfis.push(*q);
            }
        }
        debug!(ue, psi, qfis = ?t.qfis, "N3 tunnel flows modified");
        true
    }

    fn allocate_teid(&mut self) -> u32 {
        loop {
            let t = self.next_teid;
            self.next_teid = self.next_teid.wrapping_add(1).max(1);
            if t != 0 && !self.teids.contains_key(&t) {
                return t;
            }
        }
    }

    /// Removes the tunnel of `ue`'s session `psi`, if any.
    pub(super) fn remove_tunnel(&mut self, ue: UeId, psi: u8) {
        let Some(slot) = self.ues.get_mut(ue) else {
            return;
        };
        slot.parked.retain(|t| t.psi != psi);
        if let Some(i) = slot.tunnels.iter().position(|t| t.psi == psi) {
            let t = slot.tunnels.swap_remove(i);
            self.teids.remove(&t.dl_teid);
        }
    }

    /// The UE's user plane goes (AN release, TS 23.502 §4.2.6; de-registration): tunnels
    /// and waiting packets.
    pub(super) fn drop_user_plane(&mut self, ue: UeId) {
        let Some(slot) = self.ues.get_mut(ue) else {
            return;
        };
        slot.parked.clear();
        for t in slot.tunnels.drain(..) {
            self.teids.remove(&t.dl_teid);
            slot.parked.push(t);
        }
        if slot.ue.state() != UeState::Registered {
            slot.parked.clear();
        }
        if !slot.ue.service_pending() {
            slot.pending_ul.clear();
        }
    }

    /// Whether `ue`'s session `psi` has its user plane up.
    pub fn user_plane_up(&self, ue: UeId, psi: u8) -> bool {
        self.ues
            .get(ue)
            .is_some_and(|s| s.tunnels.iter().any(|t| t.psi == psi))
    }

    /// One uplink IP packet of `ue`'s PDU session `psi`, in `buf[UPLINK_HEADROOM..]`.
    /// With the session's user plane up, the G-PDU header (UL PDU Session Container with
    /// the QFI of the UE's QoS rule that matches the packet, else of its default rule,
    /// TS 38.415 §5.5.2.2) is written in front of it
    /// and the datagram `buf[start..]` is for `to`. A UE in CM-IDLE keeps the packet
    /// (up to [`IDLE_UPLINK_BUFFER`]) and starts a service request with its uplink data
    /// status (TS 24.501 §5.6.1.1 b)); the packet comes out of
    /// [`Gnb::poll_user_plane`] once the user plane is back. Otherwise it is dropped.
    pub fn uplink_packet(
        &mut self,
        now: Instant,
        ue: UeId,
        psi: u8,
        buf: &mut [u8],
    ) -> Option<UserPlaneOut> {
        let slot = self.ues.get_mut(ue)?;
        if buf.len() <= UPLINK_HEADROOM {
            return None;
        }
        if let Some(t) = slot.tunnels.iter().find(|t| t.psi == psi) {
            let qfi = uplink_qfi(&slot.ue, psi, t, &buf[UPLINK_HEADROOM..]);
            let repr = Repr::g_pdu(t.ul_teid, Some(PduSessionContainer::uplink(qfi)));
            let start = encap_repr_in_place(buf, UPLINK_HEADROOM, &repr).ok()?;
            return Some(UserPlaneOut { to: t.upf, start });
        }
        let idle = !slot.ue.is_connected();
        let session_up = slot.ue.session(psi).is_some_and(|s| s.state().is_active());
        if slot.ue.state() != UeState::Registered
            || !session_up
            || !idle && !slot.ue.service_pending()
        {
            return None;
        }
        if slot.pending_ul.len() < IDLE_UPLINK_BUFFER {
            slot.pending_ul.push_back((psi, buf.to_vec()));
        }
        if !slot.ue.service_pending() {
            let mut psis: Vec<u8> = slot.pending_ul.iter().map(|(p, _)| *p).collect();
            psis.sort_unstable();
            psis.dedup();
            slot.ue.uplink_data_pending(now, &psis);
            self.drain_ue(now, ue);
        }
        None
    }

    /// Test facility: encapsulates `buf[UPLINK_HEADROOM..]` for the UL tunnel `ue`'s session
    /// `psi` had on its last connection, whatever the UE's state, as
    /// [`Gnb::uplink_packet`] does for a connected UE. An idle UE's packet thus reaches
    /// the data network and the answer makes the UPF buffer and the core page the UE
    /// (TS 23.502 §4.2.3.3). A real UE would send a service request first.
    pub fn inject_uplink(&mut self, ue: UeId, psi: u8, buf: &mut [u8]) -> Option<UserPlaneOut> {
        let slot = self.ues.get(ue)?;
        let t = slot
            .tunnels
            .iter()
            .chain(slot.parked.iter())
            .find(|t| t.psi == psi)?;
        if buf.len() <= UPLINK_HEADROOM {
            return None;
        }
        let qfi = uplink_qfi(&slot.ue, psi, t, &buf[UPLINK_HEADROOM..]);
        let repr = Repr::g_pdu(t.ul_teid, Some(PduSessionContainer::uplink(qfi)));
        let start = encap_repr_in_place(buf, UPLINK_HEADROOM, &repr).ok()?;
        Some(UserPlaneOut { to: t.upf, start })
    }

    /// Packets that waited for `ue`'s user plane go out where their tunnels are up.
    pub(super) fn flush_pending_uplink(&mut self, ue: UeId) {
        let Some(slot) = self.ues.get_mut(ue) else {
            return;
        };
        let waiting: Vec<(u8, Vec<u8>)> = slot.pending_ul.drain(..).collect();
        for (psi, mut buf) in waiting {
            let Some(slot) = self.ues.get(ue) else {
                return;
            };
            let Some(t) = slot.tunnels.iter().find(|t| t.psi == psi) else {
                debug!(
                    ue,
                    psi, "no user plane after the service request: packet dropped"
                );
                continue;
            };
            let qfi = uplink_qfi(&slot.ue, psi, t, &buf[UPLINK_HEADROOM..]);
            let to = t.upf;
            let repr = Repr::g_pdu(t.ul_teid, Some(PduSessionContainer::uplink(qfi)));
            if let Ok(start) = encap_repr_in_place(&mut buf, UPLINK_HEADROOM, &repr) {
                buf.drain(..start);
                self.user_plane.push_back((to, buf));
            }
        }
    }

    /// One GTP-U datagram from `from` on N3 (TS 29.281):
    /// - a G-PDU for a DL TEID of ours: the T-PDU's range and whose it is;
    /// - a G-PDU for a TEID we do not have: ERROR INDICATION back (§7.3.1);
    /// - ECHO REQUEST: ECHO RESPONSE with its sequence number (§7.2.2);
    /// - ERROR INDICATION: [`SimEvent::GtpuErrorIndication`];
    /// - anything else, or what does not decode: dropped.
    ///
    /// What goes back comes out of [`Gnb::poll_user_plane`].
    pub fn handle_gtpu(
        &mut self,
        _now: Instant,
        from: SocketAddr,
        bytes: &[u8],
    ) -> Option<Downlink> {
        let d = match decap(bytes) {
            Ok(d) => d,
            Err(e) => {
                debug!(%from, error = %e, "undecodable GTP-U: dropped");
                return None;
            }
        };
        match d.message_type {
            ferrocore_gtpu::message::G_PDU => {
                if let Some(&(ue, psi)) = self.teids.get(&d.teid) {
                    return Some(Downlink {
                        ue,
                        psi,
                        qfi: d.qfi.map(Qfi::value),
                        payload: d.payload,
                    });
                }
                debug!(teid = d.teid, %from, "G-PDU for an unknown TEID: ERROR INDICATION");
                self.send_gtpu(from, Repr::error_indication(d.teid, self.n3_addr));
            }
            ferrocore_gtpu::message::ECHO_REQUEST => {
                self.send_gtpu(from, Repr::echo_response(d.sequence_number.unwrap_or(0)));
            }
            ferrocore_gtpu::message::ERROR_INDICATION => {
                if let Ok(Repr {
                    message:
                        Message::ErrorIndication {
                            teid_data_i,
                            peer_address,
                        },
                    ..
                }) = Repr::parse_bytes(bytes)
                {
                    warn!(teid = teid_data_i, peer = %peer_address, "GTP-U ERROR INDICATION");
                    self.events.push_back(SimEvent::GtpuErrorIndication {
                        teid: teid_data_i,
                        peer: peer_address,
                    });
                }
            }
            other => debug!(message_type = other, "GTP-U message ignored"),
        }
        None
    }

    fn send_gtpu(&mut self, to: SocketAddr, repr: Repr) {
        let mut buf = vec![0u8; repr.buffer_len(0)];
        match repr.emit(&mut buf) {
            Ok(()) => self.user_plane.push_back((to, buf)),
            Err(e) => warn!(error = %e, "cannot build GTP-U message"),
        }
    }

    /// The next GTP-U datagram the gNB wants sent on N3, with its destination.
    pub fn poll_user_plane(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        self.user_plane.pop_front()
    }

    /// The DL TEID of `ue`'s session `psi`, when its user plane is up.
    pub fn dl_teid(&self, ue: UeId, psi: u8) -> Option<u32> {
        self.ues
            .get(ue)?
            .tunnels
            .iter()
            .find(|t| t.psi == psi)
            .map(|t| t.dl_teid)
    }
}

/// The QFI the uplink IP packet `packet` of session `psi` travels with: that of the UE's
/// first QoS rule (by precedence) whose uplink packet filter matches it (TS 23.501
/// §5.7.1.5), else the default QoS rule's (TS 24.501 §6.2.5.1.1), as long as the core set
/// that flow up at the gNB; else the first flow the core set up, else 1. A QFI above 63
/// cannot come from the decoders; it is masked anyway.
fn uplink_qfi(ue: &crate::Ue, psi: u8, t: &Tunnel, packet: &[u8]) -> Qfi {
    let session = ue.session(psi);
    let set_up = |q: &u8| t.qfis.is_empty() || t.qfis.contains(q);
    let matched = session
        .and_then(|s| s.qos_rules().uplink_qfi(packet))
        .filter(set_up);
    let default = session
        .and_then(|s| s.info())
        .and_then(|i| i.default_qfi)
        .filter(set_up);
    let q = matched
        .or(default)
        .unwrap_or_else(|| t.qfis.first().copied().unwrap_or(1));
    Qfi::new(q & Qfi::MAX).unwrap_or_default()
}
