//! Typed IEs (TS 29.244 §8.2) and grouped IEs (§7.5), each with its decoder and encoder.

mod address;
mod flags;
mod forwarding;
mod measurement;
mod qos;
mod report;
mod rules;

pub use address::{
    Fseid, Fteid, Interface, NetworkInstance, NodeId, RemoteGtpuPeer, UeAddr, UeIpAddress,
};
pub use forwarding::{
    ApplyAction, FlowDescription, OuterHeaderCreation, OuterHeaderRemoval, SdfFilter,
};
pub use measurement::{
    MeasurementMethod, ReportingTriggers, UsageReportTrigger, Volume, VolumeMeasurement,
};
pub use qos::{Bitrate, Gate, GateStatus, MAX_BITRATE};
pub use report::{
    CreatedPdr, DownlinkDataReport, ErrorIndicationReport, Features, UsageReport,
    UserPlanePathFailureReport,
};
pub use rules::{
    Bar, CreateFar, CreatePdr, CreateQer, CreateUrr, ForwardingParameters, Pdi, QueryUrr,
    RemoveBar, RemoveFar, RemovePdr, RemoveQer, RemoveUrr, UpdateFar, UpdateForwardingParameters,
    UpdatePdr, UpdateQer, UpdateUrr,
};
