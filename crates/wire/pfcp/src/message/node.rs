//! Node related messages (TS 29.244 §7.4): heartbeat, association, node report.

use crate::cause::Cause;
use crate::ie::{Features, NodeId, UserPlanePathFailureReport};
use crate::ie_type::IeType;

grouped! {
    /// Heartbeat Request (TS 29.244 §7.4.2.1). Recovery Time Stamp in 3GPP NTP seconds.
    pub struct HeartbeatRequest ("Heartbeat Request") {
        recovery_time_stamp: req u32 = RECOVERY_TIME_STAMP,
    }
}

grouped! {
    /// Heartbeat Response (TS 29.244 §7.4.2.2).
    pub struct HeartbeatResponse ("Heartbeat Response") {
        recovery_time_stamp: req u32 = RECOVERY_TIME_STAMP,
    }
}

grouped! {
    /// PFCP Association Setup Request (TS 29.244 §7.4.4.1).
    pub struct AssociationSetupRequest ("Association Setup Request") {
        node_id: req NodeId = NODE_ID,
        recovery_time_stamp: req u32 = RECOVERY_TIME_STAMP,
        up_function_features: opt Features = UP_FUNCTION_FEATURES,
        cp_function_features: opt Features = CP_FUNCTION_FEATURES,
    }
}

grouped! {
    /// PFCP Association Setup Response (TS 29.244 §7.4.4.2).
    pub struct AssociationSetupResponse ("Association Setup Response") {
        node_id: req NodeId = NODE_ID,
        cause: req Cause = CAUSE,
        recovery_time_stamp: req u32 = RECOVERY_TIME_STAMP,
        up_function_features: opt Features = UP_FUNCTION_FEATURES,
        cp_function_features: opt Features = CP_FUNCTION_FEATURES,
    }
}

grouped! {
    /// PFCP Association Update Request (TS 29.244 §7.4.4.3).
    pub struct AssociationUpdateRequest ("Association Update Request") {
        node_id: req NodeId = NODE_ID,
        up_function_features: opt Features = UP_FUNCTION_FEATURES,
        cp_function_features: opt Features = CP_FUNCTION_FEATURES,
        /// PFCP Association Release Request (TS 29.244 §8.2.72) flags: bit 1 SARR, bit 2 URSS.
        release_request: opt u8 = ASSOCIATION_RELEASE_REQUEST,
        /// Graceful Release Period (TS 29.244 §8.2.78), GPRS timer format.
        graceful_release_period: opt u8 = GRACEFUL_RELEASE_PERIOD,
    }
}

grouped! {
    /// PFCP Association Update Response (TS 29.244 §7.4.4.4).
    pub struct AssociationUpdateResponse ("Association Update Response") {
        node_id: req NodeId = NODE_ID,
        cause: req Cause = CAUSE,
        up_function_features: opt Features = UP_FUNCTION_FEATURES,
        cp_function_features: opt Features = CP_FUNCTION_FEATURES,
    }
}

grouped! {
    /// PFCP Association Release Request (TS 29.244 §7.4.4.5).
    pub struct AssociationReleaseRequest ("Association Release Request") {
        node_id: req NodeId = NODE_ID,
    }
}

grouped! {
    /// PFCP Association Release Response (TS 29.244 §7.4.4.6).
    pub struct AssociationReleaseResponse ("Association Release Response") {
        node_id: req NodeId = NODE_ID,
        cause: req Cause = CAUSE,
    }
}

grouped! {
    /// PFCP Node Report Request (TS 29.244 §7.4.5.1).
    pub struct NodeReportRequest ("Node Report Request") {
        node_id: req NodeId = NODE_ID,
        /// Node Report Type (TS 29.244 §8.2.69) flags: bit 1 UPFR, 2 UPRR, 3 CKDR, 4 GPQR.
        node_report_type: req u8 = NODE_REPORT_TYPE,
        path_failure_report: opt UserPlanePathFailureReport = USER_PLANE_PATH_FAILURE_REPORT,
    }
}

grouped! {
    /// PFCP Node Report Response (TS 29.244 §7.4.5.2).
    pub struct NodeReportResponse ("Node Report Response") {
        node_id: req NodeId = NODE_ID,
        cause: req Cause = CAUSE,
        offending_ie: opt IeType = OFFENDING_IE,
    }
}

grouped! {
    /// PFCP Version Not Supported Response (TS 29.244 §7.4.4.7): header only, no IEs;
    /// the answer to a request of a PFCP version this node does not support (§7.2.2.1).
    pub struct VersionNotSupportedResponse ("Version Not Supported Response") {}
}
