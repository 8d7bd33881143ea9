//! Session related messages (TS 29.244 §7.5): establishment, modification, deletion, report.

use crate::cause::Cause;
use crate::error::Error;
use crate::ie::{
    Bar, CreateFar, CreatePdr, CreateQer, CreateUrr, CreatedPdr, DownlinkDataReport,
    ErrorIndicationReport, Fseid, NodeId, QueryUrr, RemoveBar, RemoveFar, RemovePdr, RemoveQer,
    RemoveUrr, UpdateFar, UpdatePdr, UpdateQer, UpdateUrr, UsageReport,
};
use crate::ie_type::IeType;
use crate::tlv::{Ies, Value, Writer};

grouped! {
    /// PFCP Session Establishment Request (TS 29.244 §7.5.2, Table 7.5.2.1-1).
    pub struct SessionEstablishmentRequest ("Session Establishment Request") {
        node_id: req NodeId = NODE_ID,
        cp_fseid: req Fseid = F_SEID,
        create_pdrs: some CreatePdr = CREATE_PDR,
        create_fars: some CreateFar = CREATE_FAR,
        create_urrs: list CreateUrr = CREATE_URR,
        create_qers: list CreateQer = CREATE_QER,
        create_bar: opt Bar = CREATE_BAR,
        /// PDN Type (TS 29.244 §8.2.79): 1 IPv4, 2 IPv6, 3 IPv4v6, 4 Non-IP, 5 Ethernet.
        pdn_type: opt u8 = PDN_TYPE,
    }
}

grouped! {
    /// PFCP Session Establishment Response (TS 29.244 §7.5.3, Table 7.5.3.1-1).
    pub struct SessionEstablishmentResponse ("Session Establishment Response") {
        node_id: req NodeId = NODE_ID,
        cause: req Cause = CAUSE,
        offending_ie: opt IeType = OFFENDING_IE,
        up_fseid: opt Fseid = F_SEID,
        created_pdrs: list CreatedPdr = CREATED_PDR,
    }
}

grouped! {
    /// PFCP Session Modification Request (TS 29.244 §7.5.4, Table 7.5.4.1-1).
    pub struct SessionModificationRequest ("Session Modification Request") {
        cp_fseid: opt Fseid = F_SEID,
        remove_pdrs: list RemovePdr = REMOVE_PDR,
        remove_fars: list RemoveFar = REMOVE_FAR,
        remove_urrs: list RemoveUrr = REMOVE_URR,
        remove_qers: list RemoveQer = REMOVE_QER,
        remove_bar: opt RemoveBar = REMOVE_BAR,
        create_pdrs: list CreatePdr = CREATE_PDR,
        create_fars: list CreateFar = CREATE_FAR,
        create_urrs: list CreateUrr = CREATE_URR,
        create_qers: list CreateQer = CREATE_QER,
        create_bar: opt Bar = CREATE_BAR,
        update_pdrs: list UpdatePdr = UPDATE_PDR,
        update_fars: list UpdateFar = UPDATE_FAR,
        update_urrs: list UpdateUrr = UPDATE_URR,
        update_qers: list UpdateQer = UPDATE_QER,
        update_bar: opt Bar = UPDATE_BAR,
        /// PFCPSMReq-Flags (TS 29.244 §8.2.58): bit 1 DROBU, 2 SNDEM, 3 QAURR.
        smreq_flags: opt u8 = PFCPSMREQ_FLAGS,
        query_urrs: list QueryUrr = QUERY_URR,
    }
}

grouped! {
    /// PFCP Session Modification Response (TS 29.244 §7.5.5, Table 7.5.5.1-1).
    pub struct SessionModificationResponse ("Session Modification Response") {
        cause: req Cause = CAUSE,
        offending_ie: opt IeType = OFFENDING_IE,
        created_pdrs: list CreatedPdr = CREATED_PDR,
        usage_reports: list UsageReport = USAGE_REPORT_MODIFICATION,
    }
}

/// PFCP Session Deletion Request (TS 29.244 §7.5.6): no IEs ferrocore uses; the SEID in
/// the header names the session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionDeletionRequest;

impl Value for SessionDeletionRequest {
    fn decode(_ie: IeType, body: &[u8]) -> Result<Self, Error> {
        // Still walk the IEs so that a lying length is reported (TS 29.244 §8.1.1).
        for ie in Ies::new(body) {
            ie?;
        }
        Ok(SessionDeletionRequest)
    }
    fn encode(&self, _w: &mut Writer) {}
}

grouped! {
    /// PFCP Session Deletion Response (TS 29.244 §7.5.7, Table 7.5.7.1-1).
    pub struct SessionDeletionResponse ("Session Deletion Response") {
        cause: req Cause = CAUSE,
        offending_ie: opt IeType = OFFENDING_IE,
        usage_reports: list UsageReport = USAGE_REPORT_DELETION,
    }
}

grouped! {
    /// PFCP Session Report Request (TS 29.244 §7.5.8, Table 7.5.8.1-1).
    pub struct SessionReportRequest ("Session Report Request") {
        /// Report Type (TS 29.244 §8.2.21) flags: bit 1 DLDR, 2 USAR, 3 ERIR, 4 UPIR.
        report_type: req u8 = REPORT_TYPE,
        downlink_data_report: opt DownlinkDataReport = DOWNLINK_DATA_REPORT,
        usage_reports: list UsageReport = USAGE_REPORT_REPORT,
        /// With ERIR (TS 29.244 §7.5.8.4).
        error_indication_report: opt ErrorIndicationReport = ERROR_INDICATION_REPORT,
    }
}

impl SessionReportRequest {
    /// Report Type (TS 29.244 §8.2.21) DLDR: Downlink Data Report.
    pub const DLDR: u8 = 0x01;
    /// USAR: Usage Report.
    pub const USAR: u8 = 0x02;
    /// ERIR: Error Indication Report.
    pub const ERIR: u8 = 0x04;
    /// UPIR: User Plane Inactivity Report.
    pub const UPIR: u8 = 0x08;
}

grouped! {
    /// PFCP Session Report Response (TS 29.244 §7.5.9, Table 7.5.9.1-1).
    pub struct SessionReportResponse ("Session Report Response") {
        cause: req Cause = CAUSE,
        offending_ie: opt IeType = OFFENDING_IE,
        update_bar: opt Bar = UPDATE_BAR_REPORT_RESPONSE,
        /// PFCPSRRsp-Flags (TS 29.244 §8.2.59): bit 1 DROBU.
        srrsp_flags: opt u8 = PFCPSRRSP_FLAGS,
    }
}
