//! The resident size of a registered UE, and re-synchronisation (#21).

mod common;

use std::mem::size_of;

use common::*;
use ferrocore_amf::Slice;
use ferrocore_amf::context::{Procedure, UeContext};
use ferrocore_nas::types::*;
use ferrocore_ngap::msg::UeRadioCapabilityInfoIndication;

const A: &str = "001010000000001";

/// Target: at most 4 KB per registered UE at 100k UEs. The context itself (inline
/// fields, the NAS security context with KAMF / KNASint / KNASenc, and its own heap:
/// SUPI, IMEISV, allowed NSSAI) must stay under 1 KB; per UE the engine adds index
/// entries (AMF-UE-NGAP-ID, RAN pair, SUPI, 5G-TMSI: four hash map slots of at most
/// 24 + 16 octets plus a control octet, at a load factor of 7/8: under 256 octets), a
/// running timer (a B-tree slot and a hash map slot: under 128 octets), and a share of
/// its radio capability, which is interned (one copy per distinct capability, so
/// 100k phones of one model cost one copy). 1 KB + 256 + 128 leaves the 4 KB target
/// with room to spare.
#[test]
fn a_registered_ue_stays_small() {
    let mut b = Bench::with_gnb(&[A]);
    let mut ue = Ue::new(A, 1);
    register(&mut b, &mut ue, false);
    b.send(
        GNB,
        1,
        &UeRadioCapabilityInfoIndication {
            amf_ue_ngap_id: ue.amf_ue_id.unwrap(),
            ran_ue_ngap_id: ue.ran_ue_id,
            radio_capability: vec![0x11; 2000],
        },
    );
    let ctx: &UeContext = b.amf.ue_by_supi(&ue.supi()).unwrap();
    assert!(ctx.procedure.is_none(), "no procedure left over");
    let heap = ctx.supi.as_ref().map_or(0, |s| s.len())
        + ctx.imeisv.as_ref().map_or(0, |s| s.len())
        + ctx.allowed_nssai.capacity() * size_of::<Slice>()
        + ctx.procedure.as_ref().map_or(0, |_| size_of::<Procedure>());
    let total = size_of::<UeContext>() + heap;
    assert!(
        total <= 1024,
        "a registered UE context takes {total} octets"
    );
    assert!(total + 256 + 128 <= 4096);
}

#[test]
fn synch_failure_gets_one_resynchronisation() {
    let mut b = Bench::with_gnb(&[A]);
    let mut ue = Ue::new(A, 1);
    // The USIM has seen SQNs far ahead of the home network's.
    ue.usim.sqn_ms = 1 << 20;
    let nas = ue.registration_request(RegistrationType::InitialRegistration, false);
    let s = b.ngap(GNB, 0, &ue.initial_ue_message(nas));
    let nas = dl_nas(&s, &mut ue);
    let Nas5gmmMessage::AuthenticationRequest(req) = ue.open(&nas) else {
        panic!("expected AUTHENTICATION REQUEST");
    };
    let Err(Refusal::SyncFailure { auts }) = ue.answer_authentication(&req) else {
        panic!("expected a synch failure");
    };
    let f = NasAuthenticationFailure::new(NasFGmmCause::new(21))
        .with_authentication_failure_parameter(NasAuthenticationFailureParameter::new(
            auts.to_vec(),
        ));
    let nas = ue.mm(f);
    let s = b.ngap(GNB, 1, &ue.uplink(nas));
    let nas = dl_nas(&s, &mut ue);
    let Nas5gmmMessage::AuthenticationRequest(req) = ue.open(&nas) else {
        panic!("expected a second AUTHENTICATION REQUEST");
    };
    let resp = ue
        .answer_authentication(&req)
        .expect("fresh SQN after re-synchronisation");
    let s = b.ngap(GNB, 1, &ue.uplink(resp));
    let nas = dl_nas(&s, &mut ue);
    let (_smc, _complete) = ue.answer_security_mode(&nas);
    assert_eq!(b.counter("amf_amf_auth_req_total"), 2);
    assert_eq!(
        b.counter("amf_amf_auth_fail_total{cause=\"synch_failure\"}"),
        1
    );
}
