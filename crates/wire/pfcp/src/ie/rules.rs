//! The rules the SMF installs in the UPF: PDR, FAR, QER, URR, BAR, each in its Create,
//! Update and Remove form (TS 29.244 §7.5.2 and §7.5.4).

use super::{
    ApplyAction, Bitrate, Fteid, GateStatus, Interface, MeasurementMethod, NetworkInstance,
    OuterHeaderCreation, OuterHeaderRemoval, ReportingTriggers, SdfFilter, UeIpAddress, Volume,
};

grouped! {
    /// PDI: Packet Detection Information (TS 29.244 §7.5.2.2, Table 7.5.2.2-2).
    pub struct Pdi ("PDI") {
        source_interface: req Interface = SOURCE_INTERFACE,
        local_fteid: opt Fteid = F_TEID,
        network_instance: opt NetworkInstance = NETWORK_INSTANCE,
        ue_ip_address: opt UeIpAddress = UE_IP_ADDRESS,
        sdf_filters: list1 SdfFilter = SDF_FILTER,
        /// QFI (TS 29.244 §8.2.89), 6 bits.
        qfis: ids u8 = QFI,
    }
}

grouped! {
    /// Create PDR (TS 29.244 §7.5.2.2, Table 7.5.2.2-1).
    pub struct CreatePdr ("Create PDR") {
        pdr_id: req u16 = PDR_ID,
        precedence: req u32 = PRECEDENCE,
        pdi: req Pdi = PDI,
        outer_header_removal: opt OuterHeaderRemoval = OUTER_HEADER_REMOVAL,
        far_id: opt u32 = FAR_ID,
        urr_ids: ids u32 = URR_ID,
        qer_ids: ids u32 = QER_ID,
    }
}

grouped! {
    /// Update PDR (TS 29.244 §7.5.4.2).
    pub struct UpdatePdr ("Update PDR") {
        pdr_id: req u16 = PDR_ID,
        outer_header_removal: opt OuterHeaderRemoval = OUTER_HEADER_REMOVAL,
        precedence: opt u32 = PRECEDENCE,
        pdi: boxed Pdi = PDI,
        far_id: opt u32 = FAR_ID,
        urr_ids: ids u32 = URR_ID,
        qer_ids: ids u32 = QER_ID,
    }
}

grouped! {
    /// Remove PDR (TS 29.244 §7.5.4.6).
    pub struct RemovePdr ("Remove PDR") {
        pdr_id: req u16 = PDR_ID,
    }
}

grouped! {
    /// Forwarding Parameters (TS 29.244 §7.5.2.3, Table 7.5.2.3-2).
    pub struct ForwardingParameters ("Forwarding Parameters") {
        destination_interface: req Interface = DESTINATION_INTERFACE,
        network_instance: opt NetworkInstance = NETWORK_INSTANCE,
        outer_header_creation: opt OuterHeaderCreation = OUTER_HEADER_CREATION,
        /// Transport Level Marking (TS 29.244 §8.2.12): ToS/Traffic Class and mask.
        transport_level_marking: opt u16 = TRANSPORT_LEVEL_MARKING,
    }
}

grouped! {
    /// Update Forwarding Parameters (TS 29.244 §7.5.4.3, Table 7.5.4.3-2).
    pub struct UpdateForwardingParameters ("Update Forwarding Parameters") {
        destination_interface: opt Interface = DESTINATION_INTERFACE,
        network_instance: opt NetworkInstance = NETWORK_INSTANCE,
        outer_header_creation: opt OuterHeaderCreation = OUTER_HEADER_CREATION,
        transport_level_marking: opt u16 = TRANSPORT_LEVEL_MARKING,
        /// PFCPSMReq-Flags (TS 29.244 §8.2.58): bit 1 DROBU, 2 SNDEM, 3 QAURR.
        smreq_flags: opt u8 = PFCPSMREQ_FLAGS,
    }
}

grouped! {
    /// Create FAR (TS 29.244 §7.5.2.3, Table 7.5.2.3-1).
    pub struct CreateFar ("Create FAR") {
        far_id: req u32 = FAR_ID,
        apply_action: req ApplyAction = APPLY_ACTION,
        forwarding_parameters: opt ForwardingParameters = FORWARDING_PARAMETERS,
        bar_id: opt u8 = BAR_ID,
    }
}

grouped! {
    /// Update FAR (TS 29.244 §7.5.4.3, Table 7.5.4.3-1).
    pub struct UpdateFar ("Update FAR") {
        far_id: req u32 = FAR_ID,
        apply_action: opt ApplyAction = APPLY_ACTION,
        update_forwarding_parameters: boxed UpdateForwardingParameters = UPDATE_FORWARDING_PARAMETERS,
        bar_id: opt u8 = BAR_ID,
    }
}

grouped! {
    /// Remove FAR (TS 29.244 §7.5.4.7).
    pub struct RemoveFar ("Remove FAR") {
        far_id: req u32 = FAR_ID,
    }
}

grouped! {
    /// Create QER (TS 29.244 §7.5.2.5, Table 7.5.2.5-1).
    pub struct CreateQer ("Create QER") {
        qer_id: req u32 = QER_ID,
        qer_correlation_id: opt u32 = QER_CORRELATION_ID,
        gate_status: req GateStatus = GATE_STATUS,
        mbr: opt Bitrate = MBR,
        gbr: opt Bitrate = GBR,
        /// QFI (TS 29.244 §8.2.89), 6 bits.
        qfi: opt u8 = QFI,
    }
}

grouped! {
    /// Update QER (TS 29.244 §7.5.4.5, Table 7.5.4.5-1).
    pub struct UpdateQer ("Update QER") {
        qer_id: req u32 = QER_ID,
        qer_correlation_id: opt u32 = QER_CORRELATION_ID,
        gate_status: opt GateStatus = GATE_STATUS,
        mbr: opt Bitrate = MBR,
        gbr: opt Bitrate = GBR,
        qfi: opt u8 = QFI,
    }
}

grouped! {
    /// Remove QER (TS 29.244 §7.5.4.9).
    pub struct RemoveQer ("Remove QER") {
        qer_id: req u32 = QER_ID,
    }
}

grouped! {
    /// Create URR (TS 29.244 §7.5.2.4, Table 7.5.2.4-1). Times in seconds.
    pub struct CreateUrr ("Create URR") {
        urr_id: req u32 = URR_ID,
        measurement_method: req MeasurementMethod = MEASUREMENT_METHOD,
        reporting_triggers: req ReportingTriggers = REPORTING_TRIGGERS,
        measurement_period: opt u32 = MEASUREMENT_PERIOD,
        volume_threshold: opt Volume = VOLUME_THRESHOLD,
        volume_quota: opt Volume = VOLUME_QUOTA,
        time_threshold: opt u32 = TIME_THRESHOLD,
        time_quota: opt u32 = TIME_QUOTA,
        quota_holding_time: opt u32 = QUOTA_HOLDING_TIME,
        /// Measurement Information (TS 29.244 §8.2.68) flags: MBQE, INAM, RADI, ISTM, MNOP.
        measurement_information: opt u8 = MEASUREMENT_INFORMATION,
    }
}

grouped! {
    /// Update URR (TS 29.244 §7.5.4.4, Table 7.5.4.4-1).
    pub struct UpdateUrr ("Update URR") {
        urr_id: req u32 = URR_ID,
        measurement_method: opt MeasurementMethod = MEASUREMENT_METHOD,
        reporting_triggers: opt ReportingTriggers = REPORTING_TRIGGERS,
        measurement_period: opt u32 = MEASUREMENT_PERIOD,
        volume_threshold: opt Volume = VOLUME_THRESHOLD,
        volume_quota: opt Volume = VOLUME_QUOTA,
        time_threshold: opt u32 = TIME_THRESHOLD,
        time_quota: opt u32 = TIME_QUOTA,
        quota_holding_time: opt u32 = QUOTA_HOLDING_TIME,
        measurement_information: opt u8 = MEASUREMENT_INFORMATION,
    }
}

grouped! {
    /// Remove URR (TS 29.244 §7.5.4.8).
    pub struct RemoveUrr ("Remove URR") {
        urr_id: req u32 = URR_ID,
    }
}

grouped! {
    /// Create BAR (TS 29.244 §7.5.2.6), Update BAR in a Session Modification Request
    /// (§7.5.4.11) or in a Session Report Response (§7.5.9.2): the same fields.
    pub struct Bar ("BAR") {
        bar_id: req u8 = BAR_ID,
        /// Downlink Data Notification Delay (TS 29.244 §8.2.28), in 50 ms units.
        dl_data_notification_delay: opt u8 = DL_DATA_NOTIFICATION_DELAY,
        /// Suggested Buffering Packets Count (TS 29.244 §8.2.112).
        suggested_buffering_packets_count: opt u8 = SUGGESTED_BUFFERING_PACKETS_COUNT,
    }
}

grouped! {
    /// Remove BAR (TS 29.244 §7.5.4.12).
    pub struct RemoveBar ("Remove BAR") {
        bar_id: req u8 = BAR_ID,
    }
}

grouped! {
    /// Query URR (TS 29.244 §7.5.4.10).
    pub struct QueryUrr ("Query URR") {
        urr_id: req u32 = URR_ID,
    }
}
