//! What a simulation run does.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use ferrocore_sctp_io::{NGAP_PORT, Transport, UDP_ENCAPSULATION_PORT};
use ferrocore_sim::{FlowFilter, GnbConfig, SessionType, SuciProtection, UeProfile};

/// The PDU session every registered UE establishes (PSI 1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionOptions {
    /// IPv4, IPv6 or IPv4v6.
    pub pdu_session_type: SessionType,
    /// DNN; `None` lets the network choose.
    pub dnn: Option<String>,
    /// S-NSSAI (SST, SD); `None` lets the network choose.
    pub snssai: Option<(u8, Option<u32>)>,
}

/// The UE-requested PDU session modification each UE asks for once its session is up
/// (TS 24.501 §6.4.2): one more QoS flow, one QoS rule with one packet filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModifyOptions {
    /// 5QI of the extra QoS flow (e.g. 9, non-GBR).
    pub five_qi: u8,
    /// Precedence asked for its QoS rule (below the default rule's 255).
    pub precedence: u8,
    /// Its packet filter; `None`: the ping target (the IPv4 `--ping` when the session has
    /// IPv4, else the IPv6 one), so that the pings go on the new flow.
    pub filter: Option<FlowFilter>,
}

impl Default for ModifyOptions {
    fn default() -> Self {
        Self {
            five_qi: 9,
            precedence: 10,
            filter: None,
        }
    }
}

/// What each UE does once registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AfterRegistration {
    /// Stays registered.
    #[default]
    Stay,
    /// Deregisters (normal, not switch-off) and registers again with its 5G-GUTI.
    Reregister,
}

/// One simulation run.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// The AMF's N2 address.
    pub amf: SocketAddr,
    /// SCTP transport towards it.
    pub transport: Transport,
    /// The AMF's UDP port when SCTP runs over UDP encapsulation (RFC 6951: 9899).
    pub amf_udp_port: u16,
    /// Local address of the gNBs.
    pub local_ip: IpAddr,
    /// gNBs, each with its own association; UEs are spread over them round robin.
    pub gnbs: usize,
    /// UEs in all.
    pub ues: usize,
    /// Registrations started per second over the whole run; 0 starts them all at once.
    pub rate: f64,
    /// Mobile country code.
    pub mcc: String,
    /// Mobile network code (2 or 3 digits).
    pub mnc: String,
    /// Tracking area code of every cell.
    pub tac: u32,
    /// Slices the gNBs support (SST, SD).
    pub slices: Vec<(u8, Option<u32>)>,
    /// MSIN of the first UE; the others follow (IMSI = MCC MNC MSIN, 10 digits of MSIN
    /// after a 2-digit MNC, 9 after a 3-digit one).
    pub first_msin: u64,
    /// Subscriber key of every UE.
    pub k: [u8; 16],
    /// OPc of every UE.
    pub opc: [u8; 16],
    /// SUCI protection scheme.
    pub suci: SuciProtection,
    /// The last `wrong_k` UEs hold a K that differs from the provisioned one (their
    /// authentication must fail with cause #20, MAC failure).
    pub wrong_k: usize,
    /// What each UE does once registered.
    pub after: AfterRegistration,
    /// The whole run ends by then at the latest; UEs not done count as failed.
    pub timeout: Duration,
    /// Write every NGAP message sent and received to this pcap file.
    pub pcap: Option<PathBuf>,
    /// Each UE establishes this PDU session once registered.
    pub sessions: Option<SessionOptions>,
    /// Ping this address from every established session (ICMP built by the simulator,
    /// sent on N3; no TUN needed). Needs `sessions`. An IPv6 address here counts as
    /// [`SimOptions::ping6`].
    pub ping: Option<IpAddr>,
    /// Ping this IPv6 address from every IPv6 / IPv4v6 session (after the IPv4 ping, if
    /// any): the UE first sends a Router Solicitation from fe80::IID, forms its address
    /// from the Router Advertisement's /64 and its interface identifier, then pings with
    /// ICMPv6 (see `ferrocore_sim::ipv6`).
    pub ping6: Option<Ipv6Addr>,
    /// Once its session is up, each UE asks for one more QoS flow (PDU SESSION
    /// MODIFICATION REQUEST), before the pings.
    pub modify: Option<ModifyOptions>,
    /// Once the sessions are up (and pinged), release each UE to CM-IDLE, then send a
    /// ping whose answer the UPF must buffer, so that the core pages the UE.
    pub idle: bool,
    /// After the pings (and the idle round), keep every session up this long, e.g. for
    /// traffic through `tun`.
    pub hold: Duration,
    /// At the end, release every PDU session (UE-requested PDU SESSION RELEASE REQUEST,
    /// TS 24.501 §6.4.3.2: release command, release complete).
    pub release: bool,
    /// N3 (GTP-U) address of the first gNB; gNB `g` uses this address plus `g` (each
    /// gNB needs an address of its own: the F-TEID has no port). 127.0.0.1 makes
    /// 127.0.0.1, 127.0.0.2, ... which Linux serves on loopback without configuration.
    pub gnb_n3_ip: IpAddr,
    /// Local UDP port of every gNB's N3 socket (2152, TS 29.281 §4.4.2; another for
    /// tests).
    pub n3_port: u16,
    /// UDP port of the UPFs' N3 endpoints (2152 unless a test UPF listens elsewhere).
    pub upf_port: u16,
    /// Create one TUN device with this name for all UEs (IPv4): the session addresses are
    /// put on it, with a source-address routing rule each, so that e.g. `curl --interface
    /// <UE address>` or `iperf3 -B <UE address>` goes through the UE. Linux, root or
    /// CAP_NET_ADMIN.
    pub tun: Option<String>,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            amf: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), NGAP_PORT),
            transport: Transport::Auto,
            amf_udp_port: UDP_ENCAPSULATION_PORT,
            local_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            gnbs: 1,
            ues: 1,
            rate: 100.0,
            mcc: "001".into(),
            mnc: "01".into(),
            tac: 1,
            slices: vec![(1, None)],
            first_msin: 1,
            k: TEST_K,
            opc: TEST_OPC,
            suci: SuciProtection::Null,
            wrong_k: 0,
            after: AfterRegistration::Stay,
            timeout: Duration::from_secs(120),
            pcap: None,
            sessions: None,
            ping: None,
            ping6: None,
            modify: None,
            idle: false,
            hold: Duration::ZERO,
            release: false,
            gnb_n3_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            n3_port: 2152,
            upf_port: 2152,
            tun: None,
        }
    }
}

/// K of the simulator's test subscribers (TS 35.208 test set 1).
pub const TEST_K: [u8; 16] = [
    0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4, 0x9f, 0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc,
];
/// OPc of the simulator's test subscribers (TS 35.208 test set 1).
pub const TEST_OPC: [u8; 16] = [
    0xcd, 0x63, 0xcb, 0x71, 0x95, 0x4a, 0x9f, 0x4e, 0x48, 0xa5, 0x99, 0x4e, 0x37, 0xa0, 0x2b, 0xaf,
];

impl SimOptions {
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.gnbs == 0 {
            return Err("at least one gNB".into());
        }
        if !(self.mnc.len() == 2 || self.mnc.len() == 3) || self.mcc.len() != 3 {
            return Err(format!("bad PLMN {}/{}", self.mcc, self.mnc));
        }
        if self.wrong_k > self.ues {
            return Err("--wrong-k exceeds --ues".into());
        }
        if !(self.rate >= 0.0 && self.rate.is_finite()) {
            return Err("the rate must be a finite number >= 0".into());
        }
        if self.sessions.is_none()
            && (self.ping.is_some()
                || self.ping6.is_some()
                || self.idle
                || self.tun.is_some()
                || self.release
                || !self.hold.is_zero())
        {
            return Err(
                "--ping, --ping6, --idle, --tun, --hold and --release need --session".into(),
            );
        }
        if self.sessions.is_none() && self.modify.is_some() {
            return Err("--modify needs --session".into());
        }
        if self.modify.is_some_and(|m| m.filter.is_none())
            && self.ping.is_none()
            && self.ping6.is_none()
        {
            return Err(
                "--modify needs --ping or --ping6 (the new QoS rule's filter is the ping target)"
                    .into(),
            );
        }
        if self.idle && self.ping.is_none() && self.ping6.is_none() {
            return Err("--idle needs --ping (its answer is what pages the UE)".into());
        }
        if let Some(s) = &self.sessions
            && self.ping6.is_some()
            && !s.pdu_session_type.has_v6()
        {
            return Err("--ping6 needs an IPv6 or IPv4v6 session".into());
        }
        if let Some(s) = &self.sessions
            && let Some(IpAddr::V6(_)) = self.ping
            && !s.pdu_session_type.has_v6()
        {
            return Err("an IPv6 --ping needs an IPv6 or IPv4v6 session".into());
        }
        if let Some(s) = &self.sessions
            && let Some(IpAddr::V4(_)) = self.ping
            && !s.pdu_session_type.has_v4()
        {
            return Err("an IPv4 --ping needs an IPv4 or IPv4v6 session".into());
        }
        let digits = 15 - 3 - self.mnc.len();
        if (self.first_msin + self.ues as u64).to_string().len() > digits {
            return Err(format!("MSINs beyond {digits} digits"));
        }
        Ok(())
    }

    /// The IMSI of UE number `index` (0-based).
    pub fn imsi(&self, index: usize) -> String {
        let digits = 15 - 3 - self.mnc.len();
        format!(
            "{}{}{:0digits$}",
            self.mcc,
            self.mnc,
            self.first_msin + index as u64
        )
    }

    /// The USIM of UE number `index`.
    pub fn ue_profile(&self, index: usize) -> UeProfile {
        let mut k = self.k;
        if index >= self.ues - self.wrong_k {
            k[15] ^= 0x01;
        }
        UeProfile {
            imsi: self.imsi(index),
            mnc_digits: self.mnc.len() as u8,
            k,
            opc: self.opc,
            sqn: 0,
            suci: self.suci.clone(),
            routing_indicator: "0000".into(),
            requested_nssai: Vec::new(),
            integrity: vec![0, 1, 2, 3],
            ciphering: vec![0, 1, 2, 3],
            imeisv: format!("35{:014}", index),
        }
    }

    /// The IPv4 ping target, if any.
    pub(crate) fn ping4(&self) -> Option<Ipv4Addr> {
        match self.ping {
            Some(IpAddr::V4(a)) => Some(a),
            _ => None,
        }
    }

    /// The IPv6 ping target: `ping6`, or an IPv6 `ping`.
    pub(crate) fn ping6(&self) -> Option<Ipv6Addr> {
        match self.ping {
            Some(IpAddr::V6(a)) => self.ping6.or(Some(a)),
            _ => self.ping6,
        }
    }

    /// The N3 address of gNB number `index`: `gnb_n3_ip` plus `index`.
    pub fn n3_ip(&self, index: usize) -> IpAddr {
        match self.gnb_n3_ip {
            IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a).wrapping_add(index as u32))),
            IpAddr::V6(a) => IpAddr::V6(std::net::Ipv6Addr::from(
                u128::from(a).wrapping_add(index as u128),
            )),
        }
    }

    /// The configuration of gNB number `index` (0-based).
    pub fn gnb_config(&self, index: usize) -> GnbConfig {
        GnbConfig {
            gnb_id: 1 + index as u32,
            gnb_id_bits: 22,
            name: format!("ferrocore-sim-gnb-{}", index + 1),
            mcc: self.mcc.clone(),
            mnc: self.mnc.clone(),
            tac: self.tac,
            slices: self.slices.clone(),
            nr_cell_id: ((1 + index as u64) << 14) | 1,
        }
    }
}
