//! A second independent implementation, the `rs-pfcp` crate (dev-dependency only),
//! parses every message ferrocore encodes; for the Session Establishment Request its
//! Create PDRs are decoded down to the PDI and F-TEID.

mod common;

use ferrocore_pfcp::encode;
use rs_pfcp::message::Message as _;

#[test]
fn rs_pfcp_parses_every_message_type() {
    for m in common::all_messages() {
        let bytes = encode(&m).unwrap();
        let parsed = rs_pfcp::message::parse(&bytes)
            .unwrap_or_else(|e| panic!("rs-pfcp rejects our {}: {e:?}", m.body.name()));
        assert_eq!(parsed.msg_type_code(), m.body.message_type());
        assert_eq!(parsed.sequence().0, m.header.sequence);
        assert_eq!(parsed.seid().map(|s| s.0), m.header.seid);
    }
}

#[test]
fn rs_pfcp_decodes_our_create_pdrs() {
    let m = ferrocore_pfcp::Message::session(1, 1, common::establishment());
    let bytes = encode(&m).unwrap();
    let ser =
        rs_pfcp::message::session_establishment_request::SessionEstablishmentRequest::unmarshal(
            &bytes,
        )
        .expect("rs-pfcp parses the request");
    let pdrs: Vec<_> = ser
        .create_pdrs
        .iter()
        .map(|ie| rs_pfcp::ie::create_pdr::CreatePdr::unmarshal(&ie.payload).expect("Create PDR"))
        .collect();
    assert_eq!(
        pdrs.iter().map(|p| p.pdr_id.value).collect::<Vec<_>>(),
        [1, 2]
    );
    let fteid = pdrs[0].pdi.f_teid.as_ref().expect("F-TEID");
    assert!(fteid.ch && fteid.chid && fteid.v4);
    assert_eq!(fteid.choose_id, 5);
    assert_eq!(pdrs[1].pdi.sdf_filters.len(), 1);
    assert_eq!(pdrs[1].pdi.ue_ip_addresses.len(), 1);
}
