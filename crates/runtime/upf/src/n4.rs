//! The N4 task: owns [`UpfControl`], serves PFCP on a tokio UDP socket, takes the
//! workers' notifications, runs the engine's timers, and after each batch publishes the
//! forwarding table before sending the answers (so a session's packets that follow an
//! Establishment Response find it in place).

use std::net::UdpSocket as StdUdpSocket;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use ferrocore_upf::{Channel, Event, ForwardingTable, Notification, UpfControl};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};

use crate::metrics::Metrics;

/// Datagrams handled before the table is published and answers go out.
const N4_BATCH: usize = 64;
/// How often the sessions gauge is refreshed.
const GAUGE_EVERY: Duration = Duration::from_millis(500);

pub(crate) struct N4Parts {
    pub cp: UpfControl,
    pub sock: UdpSocket,
    /// A clone of a worker's N3 socket, for released buffered packets and End Markers.
    pub n3: StdUdpSocket,
    pub table: Arc<ArcSwap<ForwardingTable>>,
    pub notifications: mpsc::Receiver<Notification>,
    pub shutdown: watch::Receiver<bool>,
    pub metrics: Metrics,
}

pub(crate) async fn run(p: N4Parts) {
    let N4Parts {
        mut cp,
        sock,
        n3,
        table,
        mut notifications,
        mut shutdown,
        metrics,
    } = p;
    let mut buf = vec![0u8; 65_536];
    let mut released = 0u64;
    // The gauges are recounted when sessions or associations changed, at most every
    // GAUGE_EVERY (counting walks every session).
    let start = Instant::now();
    let mut gauge_at = start.checked_sub(GAUGE_EVERY).unwrap_or(start);
    let mut gauge_dirty = true;
    loop {
        let mut deadline = cp
            .poll_timeout()
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        if gauge_dirty {
            deadline = deadline.min(gauge_at + GAUGE_EVERY);
        }
        tokio::select! {
            biased;
            _ = shutdown.changed() => break,
            r = sock.recv_from(&mut buf) => {
                match r {
                    Ok((n, peer)) => {
                        metrics.pfcp_rx_messages.inc();
                        cp.handle_input(Instant::now(), peer, &buf[..n]);
                        for _ in 1..N4_BATCH {
                            match sock.try_recv_from(&mut buf) {
                                Ok((n, peer)) => {
                                    metrics.pfcp_rx_messages.inc();
                                    cp.handle_input(Instant::now(), peer, &buf[..n]);
                                }
                                Err(_) => break,
                            }
                        }
                    }
                    // E.g. an ICMP error for an earlier send: nothing to do.
                    Err(e) => tracing::debug!(error = %e, "N4 receive"),
                }
            }
            Some(n) = notifications.recv() => {
                let now = Instant::now();
                cp.handle_notification(now, n);
                while let Ok(n) = notifications.try_recv() {
                    cp.handle_notification(now, n);
                }
            }
            _ = tokio::time::sleep_until(deadline.into()) => {}
        }
        let now = Instant::now();
        if cp.poll_timeout().is_some_and(|t| t <= now) {
            cp.handle_timeout(now);
        }
        if let Some(t) = cp.publish() {
            table.store(t);
            metrics.table_publishes.inc();
        }
        while let Some(t) = cp.poll_transmit() {
            match t.channel {
                Channel::N4 => match sock.send_to(&t.payload, t.dst).await {
                    Ok(_) => {
                        metrics.pfcp_tx_messages.inc();
                    }
                    Err(e) => tracing::warn!(dst = %t.dst, error = %e, "N4 send"),
                },
                Channel::N3 => match n3.send_to(&t.payload, t.dst) {
                    Ok(n) => {
                        metrics.n3_tx_packets.inc();
                        metrics.n3_tx_bytes.inc_by(n as u64);
                    }
                    Err(e) => {
                        tracing::debug!(dst = %t.dst, error = %e, "N3 send from N4 task");
                        metrics
                            .drop_counter(crate::metrics::IoDrop::N3Send.name())
                            .inc();
                    }
                },
            }
        }
        while let Some(e) = cp.poll_event() {
            gauge_dirty |= !matches!(
                e,
                Event::SessionModified { .. } | Event::ReportFailed { .. }
            );
            log_event(&e);
        }
        let r = cp.stats().released;
        if r > released {
            metrics.released_packets.inc_by(r - released);
            released = r;
        }
        if gauge_dirty && now.duration_since(gauge_at) >= GAUGE_EVERY {
            gauge_at = now;
            gauge_dirty = false;
            metrics.sessions.set(cp.sessions().count() as i64);
            metrics
                .pfcp_associations
                .set(cp.associations().count() as i64);
        }
    }
    tracing::debug!("N4 task stopped");
}

fn log_event(e: &Event) {
    match e {
        Event::AssociationSetUp { node, peer } => {
            tracing::info!(%node, %peer, "PFCP association set up")
        }
        Event::PeerUnreachable { node } => tracing::warn!(%node, "PFCP peer unreachable"),
        Event::PeerRestarted {
            node,
            sessions_deleted,
            ..
        } => tracing::warn!(%node, sessions_deleted, "PFCP peer restarted"),
        Event::ReportFailed { up_seid, cause } => {
            tracing::warn!(up_seid, ?cause, "session report failed")
        }
        e => tracing::debug!(event = ?e, "N4"),
    }
}
