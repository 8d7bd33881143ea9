//! IEs the UPF reports back: Created PDR, Usage Report, Downlink Data Report, Error
//! Indication Report, User Plane Path Failure Report, and the plain values Cause, Offending IE and the
//! function feature bitmaps.

use super::{Fteid, RemoteGtpuPeer, UeIpAddress, UsageReportTrigger, VolumeMeasurement};
use crate::cause::Cause;
use crate::error::Error;
use crate::ie_type::IeType;
use crate::tlv::{Value, Writer};

grouped! {
    /// Created PDR (TS 29.244 §7.5.3.2): the F-TEID / UE address the UPF chose.
    pub struct CreatedPdr ("Created PDR") {
        pdr_id: req u16 = PDR_ID,
        local_fteid: opt Fteid = F_TEID,
        ue_ip_address: opt UeIpAddress = UE_IP_ADDRESS,
    }
}

grouped! {
    /// Usage Report (TS 29.244 §7.5.8.3 in Session Report Request, §7.5.5.2 in Session
    /// Modification Response, §7.5.7.2 in Session Deletion Response). Times are 3GPP NTP
    /// seconds (§8.2.75), durations in seconds.
    pub struct UsageReport ("Usage Report") {
        urr_id: req u32 = URR_ID,
        ur_seqn: req u32 = UR_SEQN,
        trigger: req UsageReportTrigger = USAGE_REPORT_TRIGGER,
        start_time: opt u32 = START_TIME,
        end_time: opt u32 = END_TIME,
        volume_measurement: opt VolumeMeasurement = VOLUME_MEASUREMENT,
        duration_measurement: opt u32 = DURATION_MEASUREMENT,
        time_of_first_packet: opt u32 = TIME_OF_FIRST_PACKET,
        time_of_last_packet: opt u32 = TIME_OF_LAST_PACKET,
    }
}

grouped! {
    /// Downlink Data Report (TS 29.244 §7.5.8.2).
    pub struct DownlinkDataReport ("Downlink Data Report") {
        pdr_ids: ids u16 = PDR_ID,
    }
}

grouped! {
    /// Error Indication Report (TS 29.244 §7.5.8.4, Table 7.5.8.4-1): the remote
    /// F-TEID(s) of the GTP-U tunnels for which the UP function received a GTP-U Error
    /// Indication (TS 29.281 §7.3.1), each a TEID with the peer's address.
    pub struct ErrorIndicationReport ("Error Indication Report") {
        remote_fteids: some Fteid = F_TEID,
    }
}

grouped! {
    /// User Plane Path Failure Report (TS 29.244 §7.4.5.1.2).
    pub struct UserPlanePathFailureReport ("User Plane Path Failure Report") {
        remote_peers: some RemoteGtpuPeer = REMOTE_GTPU_PEER,
    }
}

impl Value for Cause {
    const MIN: usize = 1;
    #[inline]
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
        u8::decode(ie, v).map(Cause)
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.u8(self.0);
    }
}

/// Offending IE (TS 29.244 §8.2.22): the type of the IE at fault.
impl Value for IeType {
    #[inline]
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
        u16::decode(ie, v).map(IeType)
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.bytes(&self.0.to_be_bytes());
    }
}

/// UP Function Features (TS 29.244 §8.2.25) or CP Function Features (§8.2.58): a
/// bitmap whose length grows with releases, kept as the octets received.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Features(pub Vec<u8>);

impl Value for Features {
    #[inline]
    fn decode(_ie: IeType, v: &[u8]) -> Result<Self, Error> {
        Ok(Features(v.to_vec()))
    }
    #[inline]
    fn encode(&self, w: &mut Writer) {
        w.bytes(&self.0);
    }
}
