//! IE type numbers (TS 29.244 §8.1.2, Table 8.1.2-1) and their names.

use std::fmt;

/// An IE type as carried in the first two octets of every IE (TS 29.244 §8.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IeType(pub u16);

macro_rules! ie_types {
    ($($name:ident = $num:literal, $text:literal;)*) => {
        impl IeType {
            $(#[doc = $text] pub const $name: IeType = IeType($num);)*

            /// The spec's name of this IE type, when ferrocore knows it.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($num => Some($text),)*
                    _ => None,
                }
            }
        }
    };
}

ie_types! {
    CREATE_PDR = 1, "Create PDR";
    PDI = 2, "PDI";
    CREATE_FAR = 3, "Create FAR";
    FORWARDING_PARAMETERS = 4, "Forwarding Parameters";
    CREATE_URR = 6, "Create URR";
    CREATE_QER = 7, "Create QER";
    CREATED_PDR = 8, "Created PDR";
    UPDATE_PDR = 9, "Update PDR";
    UPDATE_FAR = 10, "Update FAR";
    UPDATE_FORWARDING_PARAMETERS = 11, "Update Forwarding Parameters";
    UPDATE_BAR_REPORT_RESPONSE = 12, "Update BAR (Session Report Response)";
    UPDATE_URR = 13, "Update URR";
    UPDATE_QER = 14, "Update QER";
    REMOVE_PDR = 15, "Remove PDR";
    REMOVE_FAR = 16, "Remove FAR";
    REMOVE_URR = 17, "Remove URR";
    REMOVE_QER = 18, "Remove QER";
    CAUSE = 19, "Cause";
    SOURCE_INTERFACE = 20, "Source Interface";
    F_TEID = 21, "F-TEID";
    NETWORK_INSTANCE = 22, "Network Instance";
    SDF_FILTER = 23, "SDF Filter";
    GATE_STATUS = 25, "Gate Status";
    MBR = 26, "MBR";
    GBR = 27, "GBR";
    QER_CORRELATION_ID = 28, "QER Correlation ID";
    PRECEDENCE = 29, "Precedence";
    TRANSPORT_LEVEL_MARKING = 30, "Transport Level Marking";
    VOLUME_THRESHOLD = 31, "Volume Threshold";
    TIME_THRESHOLD = 32, "Time Threshold";
    INACTIVITY_DETECTION_TIME = 36, "Inactivity Detection Time";
    REPORTING_TRIGGERS = 37, "Reporting Triggers";
    REPORT_TYPE = 39, "Report Type";
    OFFENDING_IE = 40, "Offending IE";
    DESTINATION_INTERFACE = 42, "Destination Interface";
    UP_FUNCTION_FEATURES = 43, "UP Function Features";
    APPLY_ACTION = 44, "Apply Action";
    DL_DATA_NOTIFICATION_DELAY = 46, "Downlink Data Notification Delay";
    PFCPSMREQ_FLAGS = 49, "PFCPSMReq-Flags";
    PFCPSRRSP_FLAGS = 50, "PFCPSRRsp-Flags";
    PDR_ID = 56, "PDR ID";
    F_SEID = 57, "F-SEID";
    NODE_ID = 60, "Node ID";
    MEASUREMENT_METHOD = 62, "Measurement Method";
    USAGE_REPORT_TRIGGER = 63, "Usage Report Trigger";
    MEASUREMENT_PERIOD = 64, "Measurement Period";
    VOLUME_MEASUREMENT = 66, "Volume Measurement";
    DURATION_MEASUREMENT = 67, "Duration Measurement";
    TIME_OF_FIRST_PACKET = 69, "Time of First Packet";
    TIME_OF_LAST_PACKET = 70, "Time of Last Packet";
    QUOTA_HOLDING_TIME = 71, "Quota Holding Time";
    VOLUME_QUOTA = 73, "Volume Quota";
    TIME_QUOTA = 74, "Time Quota";
    START_TIME = 75, "Start Time";
    END_TIME = 76, "End Time";
    QUERY_URR = 77, "Query URR";
    USAGE_REPORT_MODIFICATION = 78, "Usage Report (Session Modification Response)";
    USAGE_REPORT_DELETION = 79, "Usage Report (Session Deletion Response)";
    USAGE_REPORT_REPORT = 80, "Usage Report (Session Report Request)";
    URR_ID = 81, "URR ID";
    DOWNLINK_DATA_REPORT = 83, "Downlink Data Report";
    OUTER_HEADER_CREATION = 84, "Outer Header Creation";
    CREATE_BAR = 85, "Create BAR";
    UPDATE_BAR = 86, "Update BAR (Session Modification Request)";
    REMOVE_BAR = 87, "Remove BAR";
    BAR_ID = 88, "BAR ID";
    CP_FUNCTION_FEATURES = 89, "CP Function Features";
    UE_IP_ADDRESS = 93, "UE IP Address";
    ERROR_INDICATION_REPORT = 99, "Error Indication Report";
    OUTER_HEADER_REMOVAL = 95, "Outer Header Removal";
    RECOVERY_TIME_STAMP = 96, "Recovery Time Stamp";
    MEASUREMENT_INFORMATION = 100, "Measurement Information";
    NODE_REPORT_TYPE = 101, "Node Report Type";
    USER_PLANE_PATH_FAILURE_REPORT = 102, "User Plane Path Failure Report";
    REMOTE_GTPU_PEER = 103, "Remote GTP-U Peer";
    UR_SEQN = 104, "UR-SEQN";
    FAR_ID = 108, "FAR ID";
    QER_ID = 109, "QER ID";
    ASSOCIATION_RELEASE_REQUEST = 111, "PFCP Association Release Request";
    GRACEFUL_RELEASE_PERIOD = 112, "Graceful Release Period";
    PDN_TYPE = 113, "PDN Type";
    QFI = 124, "QFI";
    SUGGESTED_BUFFERING_PACKETS_COUNT = 140, "Suggested Buffering Packets Count";
}

impl fmt::Display for IeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} ({})", self.0),
            None => write!(f, "IE type {}", self.0),
        }
    }
}
