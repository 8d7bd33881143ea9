//! Registration end to end against the real AUSF / UDM / UDR.

mod common;

use common::*;
use ferrocore_amf::AmfConfig;
use ferrocore_ngap::Message;

const IMSI: &str = "001010000000001";

#[test]
fn ng_setup_ok_and_unknown_plmn_refused() {
    let mut b = Bench::new(AmfConfig::default());
    b.up(GNB);
    let s = b.ngap(GNB, 0, &ng_setup_request(plmn(), [0, 0, 1]));
    let Message::NgSetupResponse(r) = s.message else {
        panic!("{:?}", s.message)
    };
    assert_eq!(r.guamis[0].region_id, 2);
    assert_eq!(r.plmn_support[0].plmn, plmn());
    assert_eq!(b.amf.connected_gnbs(), 1);
    b.up(2);
    let other = ferrocore_ngap::Plmn::new("208", "93").unwrap();
    let s = b.ngap(2, 0, &ng_setup_request(other, [0, 0, 1]));
    let Message::NgSetupFailure(f) = s.message else {
        panic!("{:?}", s.message)
    };
    assert_eq!(
        f.cause,
        ferrocore_ngap::Cause::misc(ferrocore_ngap::CauseMisc::unknown_PLMN_or_SNPN)
    );
    assert_eq!(b.amf.connected_gnbs(), 1);
    assert_eq!(b.counter("amf_connected_gnbs"), 1);
}

#[test]
fn initial_registration_with_suci() {
    let mut b = Bench::with_gnb(&[IMSI]);
    let mut ue = Ue::new(IMSI, 7);
    let ics = register(&mut b, &mut ue, false);
    assert_eq!(ics.ran_ue_ngap_id, 7);
    assert_eq!(
        ics.allowed_nssai,
        [ferrocore_ngap::Snssai { sst: 1, sd: None }]
    );
    assert!(ics.ue_ambr.is_some());
    // KgNB from the SECURITY MODE COMPLETE's uplink COUNT (0): the UE derives the same.
    let kgnb = ue.sec.as_ref().unwrap().kgnb(nas_count(0));
    assert_eq!(&ics.security_key, kgnb.as_bytes());
    assert!(ue.guti.is_some());
    assert_eq!(b.amf.registered_ues(), 1);
    assert_eq!(b.counter("amf_rm_reg_init_req_total"), 1);
    assert_eq!(b.counter("amf_rm_reg_init_succ_total"), 1);
    assert_eq!(b.counter("amf_amf_auth_req_total"), 1);
    assert_eq!(b.counter("amf_rm_registered_subscribers"), 1);
    let ctx = b.amf.ue_by_supi(&ue.supi()).unwrap();
    assert_eq!(ctx.imeisv.as_deref(), Some("3564121100000018"));
    assert_eq!(
        b.amf.ue_by_tmsi(ue.guti.unwrap().tmsi()).unwrap().key,
        ctx.key
    );
}
