//! One N2 association: NGAP messages in to the engine task, the engine's messages out.

use ferrocore_amf::{AssocId, Event};
use ferrocore_sctp_io::{AssocEvent, NGAP_PPID, SctpAssociation};
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

/// What the engine task sends to an association task.
pub(crate) type Outbound = (u16, Vec<u8>);

/// Runs until the association closes, then tells the engine (`AssociationDown`).
pub(crate) async fn run(
    mut assoc: SctpAssociation,
    id: AssocId,
    events: mpsc::Sender<Event>,
    mut outbound: mpsc::UnboundedReceiver<Outbound>,
) {
    let peer = assoc.peer();
    loop {
        tokio::select! {
            event = assoc.next_event() => match event {
                Some(AssocEvent::Message(m)) => {
                    if m.ppid != NGAP_PPID {
                        // TS 38.412 §7: NGAP is PPID 60; a gNB using 0 (unspecified) is
                        // common enough to accept, anything else is logged.
                        debug!(assoc = id, ppid = m.ppid, "N2 message with a PPID other than 60");
                    }
                    let event = Event::Ngap { assoc: id, stream: m.stream, bytes: m.data };
                    if events.send(event).await.is_err() {
                        break;
                    }
                }
                Some(AssocEvent::Restarted { outbound_streams, .. }) => {
                    // The gNB restarted (RFC 9260 §5.2.2): its UE bindings are gone.
                    info!(assoc = id, ?peer, "gNB association restarted");
                    let _ = events.send(Event::AssociationDown { assoc: id }).await;
                    let _ = events.send(Event::AssociationUp { assoc: id, outbound_streams }).await;
                }
                Some(AssocEvent::PeerError(e)) => warn!(assoc = id, ?peer, "SCTP peer error: {e}"),
                Some(AssocEvent::Closed(reason)) => {
                    info!(assoc = id, ?peer, ?reason, "gNB association closed");
                    break;
                }
                None => break,
            },
            Some((stream, bytes)) = outbound.recv() => {
                if let Err(e) = assoc.send(stream, NGAP_PPID, bytes).await {
                    warn!(assoc = id, stream, "NGAP send failed: {e}");
                }
            }
        }
    }
    let _ = events.send(Event::AssociationDown { assoc: id }).await;
}
