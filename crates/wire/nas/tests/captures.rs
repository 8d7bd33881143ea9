//! Messages taken from public captures and logs (bytes only), decoded field by field,
//! re-encoded byte-identically and dissected by Wireshark.

use ferrocore_nas::identity::{MobileIdentity, SchemeOutput};
use ferrocore_nas::ies::{Sd, UeSecurityCapability, nssai};
use ferrocore_nas::types::Nas5gmmMessage;
use ferrocore_nas::{decode, encode};
use ferrocore_testkit::hex;
use ferrocore_testkit::pcap::Framing;
use ferrocore_testkit::tshark::Dissection;

/// REGISTRATION REQUEST of a UE with IMEISV TAC 35641211 (a commercial device) to
/// Open5GS, NGAP Initial UE message NAS-PDU, from the log in open5gs/open5gs issue #2747.
const DEVICE_REGISTRATION: &str = "7E004179000D0199F907F0FF000000005043112E02F070";

/// REGISTRATION REQUEST of UERANSIM (SUCI, requested NSSAI SST 1 SD 010203, 5GS update
/// type), from the log in aligungr/UERANSIM issue #159.
const UERANSIM_REGISTRATION: &str =
    "7e004171000d0102f8390000000000000000301001002e04f0f0f0f02f050401010203530101";

fn registration(hexstr: &str) -> Box<ferrocore_nas::types::NasRegistrationRequest> {
    let bytes = hex(hexstr);
    let msg = decode(&bytes).unwrap();
    assert_eq!(encode(&msg).unwrap(), bytes, "re-encoding differs");
    match msg {
        ferrocore_nas::NasMessage::Mm(Nas5gmmMessage::RegistrationRequest(r)) => r,
        other => panic!("{other:?}"),
    }
}

#[test]
fn device_registration_request() {
    let r = registration(DEVICE_REGISTRATION);
    let MobileIdentity::Suci(s) = MobileIdentity::parse(&r.fgs_mobile_identity).unwrap() else {
        panic!()
    };
    assert_eq!((s.mcc.as_str(), s.mnc.as_str()), ("999", "70"));
    assert_eq!(s.routing_indicator, "0");
    assert_eq!(s.output, SchemeOutput::Msin("0000053411".into()));
    assert_eq!(s.imsi().as_deref(), Some("999700000053411"));
    let cap = UeSecurityCapability::parse(r.ue_security_capability.as_ref().unwrap());
    assert_eq!((cap.ea, cap.ia), (0xf0, 0x70));
    assert!(cap.supports_ea(0) && cap.supports_ia(2) && !cap.supports_ia(0));
}

#[test]
fn ueransim_registration_request() {
    let r = registration(UERANSIM_REGISTRATION);
    let MobileIdentity::Suci(s) = MobileIdentity::parse(&r.fgs_mobile_identity).unwrap() else {
        panic!()
    };
    assert_eq!(s.imsi().as_deref(), Some("208930000000003"));
    let slices = nssai(r.requested_nssai.as_ref().unwrap()).unwrap();
    assert_eq!(slices.len(), 1);
    assert_eq!((slices[0].sst, slices[0].sd), (1, Sd::Present(0x010203)));
    let cap = UeSecurityCapability::parse(r.ue_security_capability.as_ref().unwrap());
    assert_eq!(cap.eea, Some(0xf0));
}

#[test]
fn wireshark_agrees_on_the_captures() {
    let d = Dissection::of(
        &Framing::Exported("nas-5gs"),
        &[hex(DEVICE_REGISTRATION), hex(UERANSIM_REGISTRATION)],
        &[],
    );
    d.assert_clean();
    assert_eq!(d.field(0, "nas_5gs.mm.suci.msin"), ["0000053411"]);
    assert_eq!(d.field(1, "nas_5gs.mm.suci.msin"), ["0000000003"]);
    assert_eq!(d.field(1, "nas_5gs.mm.mm_sd"), ["66051"]);
}
