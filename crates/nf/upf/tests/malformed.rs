//! Malformed PFCP: the right Cause and Offending IE where the header parses (TS 29.244
//! §7.6), otherwise discarded and counted; never a panic.

mod common;

use common::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Cause, IeType, Message, decode, encode};

/// The IEs of an encoded message (after a header of `hdr` octets) as (type, value range).
fn ies(bytes: &[u8], hdr: usize) -> Vec<(u16, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut i = hdr;
    while i + 4 <= bytes.len() {
        let t = u16::from_be_bytes([bytes[i], bytes[i + 1]]);
        let l = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        out.push((t, i + 4..i + 4 + l));
        i += 4 + l;
    }
    out
}

fn fix_length(b: &mut [u8]) {
    let l = (b.len() - 4) as u16;
    b[2..4].copy_from_slice(&l.to_be_bytes());
}

fn without_ie(bytes: &[u8], hdr: usize, ty: u16) -> Vec<u8> {
    let mut out = bytes[..hdr].to_vec();
    for (t, r) in ies(bytes, hdr) {
        if t != ty {
            out.extend_from_slice(&bytes[r.start - 4..r.end]);
        }
    }
    fix_length(&mut out);
    out
}

/// Sends `bytes` with a fresh sequence number (a retransmission would get the cached
/// answer) and returns the one answer, if any.
fn answer(upf: &mut Upf, bytes: &[u8]) -> Option<Message> {
    let mut bytes = bytes.to_vec();
    let seq = upf.next_seq().to_be_bytes();
    let at = if bytes.first().is_some_and(|f| f & 1 == 1) {
        12
    } else {
        4
    };
    if bytes.len() >= at + 3 {
        bytes[at..at + 3].copy_from_slice(&seq[1..]);
    }
    let out = upf.raw(&bytes);
    assert!(out.len() <= 1);
    out.first()
        .map(|t| decode(&t.payload).expect("our answer decodes"))
}

fn establishment_answer(upf: &mut Upf, bytes: &[u8]) -> SessionEstablishmentResponse {
    match answer(upf, bytes).expect("an answer").body {
        Body::SessionEstablishmentResponse(r) => r,
        b => panic!("{b:?}"),
    }
}

#[test]
fn mandatory_ie_missing_is_66_with_the_ie() {
    let mut upf = Upf::new();
    upf.associate();
    let good = encode(&Message::session(0, 9, establishment(1))).unwrap();
    let bad = without_ie(&good, 16, IeType::NODE_ID.0);
    let r = establishment_answer(&mut upf, &bad);
    assert_eq!(r.cause, Cause::MANDATORY_IE_MISSING);
    assert_eq!(r.offending_ie, Some(IeType::NODE_ID));
    let bad = without_ie(&good, 16, IeType::F_SEID.0);
    let r = establishment_answer(&mut upf, &bad);
    assert_eq!(
        (r.cause, r.offending_ie),
        (Cause::MANDATORY_IE_MISSING, Some(IeType::F_SEID))
    );
    assert!(r.up_fseid.is_none());
    let bad = without_ie(&good, 16, IeType::CREATE_PDR.0);
    let r = establishment_answer(&mut upf, &bad);
    assert_eq!(
        (r.cause, r.offending_ie),
        (Cause::MANDATORY_IE_MISSING, Some(IeType::CREATE_PDR))
    );
    // Association Setup without Recovery Time Stamp.
    let a = encode(&Message::node(
        3,
        AssociationSetupRequest {
            node_id: smf_node(),
            recovery_time_stamp: 1,
            up_function_features: None,
            cp_function_features: None,
        },
    ))
    .unwrap();
    let bad = without_ie(&a, 8, IeType::RECOVERY_TIME_STAMP.0);
    match answer(&mut upf, &bad).unwrap().body {
        Body::AssociationSetupResponse(r) => assert_eq!(r.cause, Cause::MANDATORY_IE_MISSING),
        b => panic!("{b:?}"),
    }
    assert_eq!(upf.cp.sessions().count(), 0);
}

#[test]
fn invalid_length_is_68_and_incorrect_value_69() {
    let mut upf = Upf::new();
    upf.associate();
    let good = encode(&Message::session(0, 9, establishment(1))).unwrap();
    // F-SEID cut to 5 octets (the SEID needs 8).
    let (_, r) = ies(&good, 16)
        .into_iter()
        .find(|(t, _)| *t == IeType::F_SEID.0)
        .unwrap();
    let mut bad = good[..r.start - 4].to_vec();
    bad.extend_from_slice(&[0, 57, 0, 5]);
    bad.extend_from_slice(&good[r.start..r.start + 5]);
    bad.extend_from_slice(&good[r.end..]);
    fix_length(&mut bad);
    let resp = establishment_answer(&mut upf, &bad);
    assert_eq!(
        (resp.cause, resp.offending_ie),
        (Cause::INVALID_LENGTH, Some(IeType::F_SEID))
    );
    // An IE whose length runs past the message.
    let mut bad = good.clone();
    let (_, r) = ies(&good, 16).into_iter().next().unwrap();
    bad[r.start - 2..r.start].copy_from_slice(&2000u16.to_be_bytes());
    let resp = establishment_answer(&mut upf, &bad);
    assert_eq!(resp.cause, Cause::INVALID_LENGTH);
    assert_eq!(resp.offending_ie, Some(IeType::NODE_ID));
    // Node ID type 7: mandatory IE incorrect.
    let mut bad = good.clone();
    let (_, r) = ies(&good, 16)
        .into_iter()
        .find(|(t, _)| *t == IeType::NODE_ID.0)
        .unwrap();
    bad[r.start] = 7;
    let resp = establishment_answer(&mut upf, &bad);
    assert_eq!(
        (resp.cause, resp.offending_ie),
        (Cause::MANDATORY_IE_INCORRECT, Some(IeType::NODE_ID))
    );
    // The message length field disagrees with the datagram: 68.
    let mut bad = good.clone();
    bad.push(0);
    let resp = establishment_answer(&mut upf, &bad);
    assert_eq!(resp.cause, Cause::INVALID_LENGTH);
}

#[test]
fn session_requests_for_unknown_seids_are_65() {
    let mut upf = Upf::new();
    upf.associate();
    // Well-formed deletion, unknown SEID.
    let d = encode(&Message::session(0x77, 5, SessionDeletionRequest)).unwrap();
    let m = answer(&mut upf, &d).unwrap();
    assert_eq!(m.header.seid, Some(0));
    assert!(
        matches!(m.body, Body::SessionDeletionResponse(ref r) if r.cause == Cause::SESSION_CONTEXT_NOT_FOUND)
    );
    // Malformed modification with an unknown SEID: still 65.
    let mut b = encode(&Message::session(0x77, 6, SessionDeletionRequest)).unwrap();
    b[1] = 52;
    b.extend_from_slice(&[0, 10, 0, 40, 1]);
    fix_length(&mut b);
    let m = answer(&mut upf, &b).unwrap();
    assert!(
        matches!(m.body, Body::SessionModificationResponse(ref r) if r.cause == Cause::SESSION_CONTEXT_NOT_FOUND)
    );
}

#[test]
fn malformed_modification_of_a_known_session_names_the_ie() {
    let mut upf = Upf::new();
    upf.associate();
    let (_, r) = upf.establish(establishment(0xC0));
    let up_seid = r.up_fseid.unwrap().seid;
    // An Update FAR without its FAR ID.
    let mut b = encode(&Message::session(up_seid, 6, SessionDeletionRequest)).unwrap();
    b[1] = 52;
    b.extend_from_slice(&[0, 10, 0, 6, 0, 44, 0, 2, 0x02, 0]);
    fix_length(&mut b);
    let m = answer(&mut upf, &b).unwrap();
    assert_eq!(m.header.seid, Some(0xC0), "to the SMF's SEID");
    let Body::SessionModificationResponse(r) = m.body else {
        panic!()
    };
    assert_eq!(
        (r.cause, r.offending_ie),
        (Cause::MANDATORY_IE_MISSING, Some(IeType::FAR_ID))
    );
}

#[test]
fn unanswerable_datagrams_are_discarded_and_counted() {
    let mut upf = Upf::new();
    let before = upf.cp.stats().discarded;
    for junk in [
        &[][..],
        &[0x20],
        &[0x20, 1, 0],
        &[0x21, 50, 0, 12, 0, 0, 0, 0],
    ] {
        assert!(upf.raw(junk).is_empty());
    }
    // A malformed response, and an unknown message type.
    assert!(upf.raw(&[0x20, 2, 0, 4, 0, 0, 1, 0]).is_empty());
    assert!(upf.raw(&[0x20, 99, 0, 4, 0, 0, 1, 0]).is_empty());
    assert_eq!(upf.cp.stats().discarded - before, 6);
    // Version 2 request: Version Not Supported Response, header only.
    let out = upf.raw(&[0x40, 1, 0, 12, 0, 0, 5, 0, 0, 96, 0, 4, 0, 0, 0, 0]);
    assert_eq!(out[0].payload, [0x20, 11, 0, 4, 0, 0, 5, 0]);
    // Through the codec, so our own decoder (and the SMF's) reads it.
    let m = decode(&out[0].payload).expect("our answer decodes");
    assert_eq!(m, Message::node(5, VersionNotSupportedResponse {}), "{m:?}");
}

/// Every truncation and single-octet corruption of every request kind: an answer or a
/// discard, never a panic.
#[test]
fn hostile_variants_never_panic() {
    let mut upf = Upf::new();
    upf.associate();
    let (_, r) = upf.establish(establishment(1));
    let seid = r.up_fseid.unwrap().seid;
    let samples = [
        encode(&Message::session(0, 1, establishment(2))).unwrap(),
        encode(&Message::session(seid, 2, SessionDeletionRequest)).unwrap(),
        encode(&Message::node(
            3,
            HeartbeatRequest {
                recovery_time_stamp: SMF_RTS,
            },
        ))
        .unwrap(),
        encode(&Message::node(
            4,
            AssociationReleaseRequest {
                node_id: smf_node(),
            },
        ))
        .unwrap(),
    ];
    let mut rng = Rng(0x1234_5678);
    for s in &samples {
        for n in 0..s.len() {
            upf.cp.handle_input(upf.now, smf(), &s[..n]);
        }
        for i in 0..s.len() {
            for v in [0x00, 0xff, 0x80, (rng.next() & 0xff) as u8] {
                let mut b = s.clone();
                b[i] = v;
                upf.cp.handle_input(upf.now, smf(), &b);
                // New sequence numbers, so that the response cache does not answer.
                upf.now += std::time::Duration::from_secs(10);
                upf.cp.handle_timeout(upf.now);
            }
        }
        let _ = upf.drain();
    }
    for _ in 0..2000 {
        let n = (rng.next() % 64) as usize;
        let b: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        upf.cp.handle_input(upf.now, smf(), &b);
    }
    let _ = upf.drain();
}
