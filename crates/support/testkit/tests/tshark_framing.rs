//! The pcap framings hand each payload to the intended Wireshark dissector.

use ferrocore_testkit::pcap::Framing;
use ferrocore_testkit::tshark::Dissection;

#[test]
fn exported_pdu_reaches_the_ngap_dissector() {
    // UEContextReleaseRequest, AMF-UE-NGAP-ID 42, RAN-UE-NGAP-ID 7 (TS 38.413 §9.2.2.4).
    let pdu = ferrocore_testkit::hex("002a4015000003000a0002002a005500020007000f40020500");
    let d = Dissection::of(&Framing::Exported("ngap"), &[pdu], &[]);
    d.assert_clean();
    assert_eq!(d.field(0, "ngap.AMF_UE_NGAP_ID"), ["42"]);
    assert_eq!(d.field(0, "ngap.RAN_UE_NGAP_ID"), ["7"]);
}

#[test]
fn udp_framing_reaches_the_gtpu_dissector() {
    // GTP-U Echo Request, sequence number 0x1234 (TS 29.281 §7.2.1).
    let echo = ferrocore_testkit::hex("32010004 00000000 1234 0000");
    let d = Dissection::of(&Framing::gtpu(), &[echo], &[]);
    d.assert_clean();
    assert_eq!(d.field(0, "gtp.message"), ["0x01"]);
    assert_eq!(d.field(0, "gtp.seq_number"), ["0x1234"]);
}

#[test]
fn a_truncated_pdu_is_reported() {
    let pdu = ferrocore_testkit::hex("002a4015000003000a0002");
    let d = Dissection::of(&Framing::Exported("ngap"), &[pdu], &[]);
    assert!(!d.problems().is_empty());
}
