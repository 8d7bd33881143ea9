//! The typed IE builders of `ferrocore_nas::ies` (GPRS timer 3, TAI list, network name,
//! time zones), in the messages that carry them, as Wireshark's `nas-5gs` dissector
//! reads them.

use ferrocore_nas::ies::{GprsTimer3, NetworkName, TaiList, TimeZone, TimeZoneAndTime};
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, encode};
use ferrocore_testkit::pcap::Framing;
use ferrocore_testkit::tshark::Dissection;

fn messages() -> Vec<NasMessage> {
    let plmn = Plmn::new("208", "93").unwrap();
    let (t3512, exact) = GprsTimer3::from_secs(3240);
    assert!(!exact);
    let accept = NasRegistrationAccept::new(NasFGsRegistrationResult::from_result(
        RegistrationResult::ThreeGppAccess,
    ))
    .with_tai_list(TaiList::new(plmn, &[1, 0xabcdef]).to_ie().unwrap())
    .with_t3512_value(t3512.to_t3512_ie());
    let time = TimeZoneAndTime {
        year: 24,
        month: 3,
        day: 15,
        hour: 13,
        minute: 5,
        second: 59,
        time_zone: TimeZone::from_quarter_hours(-22),
    };
    let update = NasConfigurationUpdateCommand::new()
        .with_full_name_for_network(NetworkName::new("Ferrocore Network").to_ie())
        .with_short_name_for_network(NetworkName::new("Ferro").to_ie())
        .with_local_time_zone(TimeZone::from_quarter_hours(4).to_ie())
        .with_universal_time_and_local_time_zone(time.to_ie().unwrap());
    vec![NasMessage::mm(accept), NasMessage::mm(update)]
}

#[test]
fn wireshark_reads_the_builders_values() {
    let payloads: Vec<Vec<u8>> = messages().iter().map(|m| encode(m).unwrap()).collect();
    let d = Dissection::of(&Framing::Exported("nas-5gs"), &payloads, &[]);
    d.assert_clean();
    // REGISTRATION ACCEPT: the TAI list of 208/93 with TACs 1 and ABCDEF; T3512 of
    // 3240 s rounded up to 6 x 10 min (unit 000).
    assert_eq!(d.field(0, "e212.5gstai.mcc"), ["208"]);
    assert_eq!(d.field(0, "e212.5gstai.mnc"), ["93"]);
    assert_eq!(d.field(0, "nas_5gs.tac"), ["1", "11259375"]);
    assert_eq!(d.field(0, "gsm_a.gm.gmm.gprs_timer3_unit"), ["0"]);
    assert_eq!(d.field(0, "gsm_a.gm.gmm.gprs_timer3_value"), ["6"]);
    // CONFIGURATION UPDATE COMMAND: both names in UCS2; the time zones' field value is
    // the number of quarter hours (the sign is in its text only: the unit tests check
    // it against TS 23.040 §9.2.3.11).
    assert_eq!(
        d.field(1, "gsm_a.dtap.text_string"),
        ["Ferrocore Network", "Ferro"]
    );
    assert_eq!(d.field(1, "gsm_a.dtap.timezone"), ["0x04", "0x16"]);
    assert_eq!(
        d.field(1, "gsm_a.dtap.time_zone_time"),
        ["Mar 15, 2024 13:05:59.000000000 UTC"]
    );
}
