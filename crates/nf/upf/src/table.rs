//! The forwarding table the data plane reads and the control part writes.
//!
//! ## Sharing without blocking the packet path
//!
//! [`ForwardingTable`] is an immutable snapshot: three maps (local TEID, UE IPv4, UE IPv6
//! /64 prefix) from a key to an `Arc<SessionRules>`, the compiled rules of one session.
//! The runtime keeps the current snapshot in an `arc_swap::ArcSwap<ForwardingTable>`
//! (or any RCU-like cell): packet workers `load()` it once per batch and never wait;
//! after each batch of N4 messages the runtime stores what
//! [`crate::control::UpfControl::publish`] returns.
//!
//! Publishing must not copy 100k sessions, so each map is split into [`SHARDS`]
//! copy-on-write shards (`Arc<HashMap>`). The control part's working copy shares every
//! shard with the last snapshot; the first write to a shard after a publish clones that
//! one shard (`Arc::make_mut`), later writes mutate the clone in place. A publish costs
//! one `Arc` clone per shard (3 x 256) plus the dirty shards' copies, amortised over the
//! batch. Session rules themselves are never mutated: a modification compiles a new
//! `SessionRules` and re-points its keys.
//!
//! What the data plane does mutate (MBR buckets, URR counters, the downlink buffer and
//! its report flag) lives behind `Arc`s that a recompiled session carries over, and is
//! atomic ([`TokenBucket`], [`UrrCounters`]) or, for the buffer of an idle UE (off the
//! forwarding path), behind a mutex held only to push or drain a queue.

use std::collections::{HashMap, VecDeque};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ferrocore_gtpu::Qfi;
use ferrocore_pfcp::IeType;
use ferrocore_pfcp::ie::ApplyAction;
use foldhash::fast::RandomState;

use crate::bucket::TokenBucket;
use crate::flat::{FlatTable, Keyed};
use crate::sdf::{Direction, SdfRule};
use crate::state::{Iface, OuterHeader, SessionState, VolumeLimit};
pub use crate::urr::{UrrCounters, Usage};

/// Shards per map (a power of two).
pub const SHARDS: usize = 256;

type Map<K> = HashMap<K, Arc<SessionRules>, RandomState>;

/// One map split into copy-on-write shards.
#[derive(Clone)]
struct Sharded<K> {
    shards: Box<[Arc<Map<K>>]>,
}

/// Spreads a key over the shards independently of the maps' own hasher (whose top
/// bits hashbrown uses as tags): a Fibonacci multiplication.
#[inline(always)]
fn shard_of(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize & (SHARDS - 1)
}

impl<K: std::hash::Hash + Eq + Copy + Into<u64>> Sharded<K> {
    fn new(seed: &RandomState) -> Self {
        Sharded {
            shards: (0..SHARDS)
                .map(|_| Arc::new(HashMap::with_hasher(seed.clone())))
                .collect(),
        }
    }

    #[inline(always)]
    fn get(&self, k: K) -> Option<&Arc<SessionRules>> {
        self.shards[shard_of(k.into())].get(&k)
    }

    fn insert(&mut self, k: K, v: Arc<SessionRules>) {
        Arc::make_mut(&mut self.shards[shard_of(k.into())]).insert(k, v);
    }

    fn remove(&mut self, k: K) {
        let s = &mut self.shards[shard_of(k.into())];
        if s.contains_key(&k) {
            Arc::make_mut(s).remove(&k);
        }
    }

    fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len()).sum()
    }
}

/// A snapshot of every session's rules, keyed for O(1) lookup on both paths.
///
/// Local TEIDs and UE IPv4 addresses index flat tables of [`Hot`] records (one cache
/// line each: what the packet path needs of the session, see [`crate::flat`]); UE IPv6
/// /64 prefixes a sharded map.
#[derive(Clone)]
pub struct ForwardingTable {
    teid: FlatTable<Hot>,
    ue4: FlatTable<Hot>,
    ue6: Sharded<u64>,
    epoch: Instant,
    generation: u64,
}

impl std::fmt::Debug for ForwardingTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForwardingTable")
            .field("teids", &self.teid.len())
            .field("ue_ipv4", &self.ue4.len())
            .field("ue_ipv6", &self.ue6.len())
            .field("generation", &self.generation)
            .finish()
    }
}

impl ForwardingTable {
    /// An empty table; `epoch` is the origin of the MBR buckets' clock.
    pub fn new(epoch: Instant) -> Self {
        let seed = RandomState::default();
        ForwardingTable {
            teid: FlatTable::default(),
            ue4: FlatTable::default(),
            ue6: Sharded::new(&seed),
            epoch,
            generation: 0,
        }
    }

    /// The session owning local TEID `teid` (uplink, N3/N9).
    #[inline(always)]
    pub fn by_teid(&self, teid: u32) -> Option<&Arc<SessionRules>> {
        self.teid.get(teid).map(|h| &h.rules)
    }

    /// The hot record of local TEID `teid`.
    #[inline(always)]
    pub(crate) fn hot_teid(&self, teid: u32) -> Option<&Hot> {
        self.teid.get(teid)
    }

    /// The hot record of UE IPv4 address `a`.
    #[inline(always)]
    pub(crate) fn hot_ue4(&self, a: u32) -> Option<&Hot> {
        self.ue4.get(a)
    }

    /// Reads the home slot of TEID `teid` / UE address `a` (see [`FlatTable::touch`]).
    #[inline(always)]
    pub(crate) fn touch_teid(&self, teid: u32) -> u32 {
        self.teid.touch(teid)
    }

    #[inline(always)]
    pub(crate) fn touch_ue4(&self, a: u32) -> u32 {
        self.ue4.touch(a)
    }

    /// Slots of the TEID and UE IPv4 tables (for tests and metrics).
    pub fn slots(&self) -> (usize, usize) {
        (self.teid.slots(), self.ue4.slots())
    }

    /// The session owning UE IPv4 address `a` (downlink, N6).
    #[inline(always)]
    pub fn by_ue_ipv4(&self, a: u32) -> Option<&Arc<SessionRules>> {
        self.ue4.get(a).map(|h| &h.rules)
    }

    /// The session owning the /64 prefix of UE IPv6 address `a` (TS 23.501 §5.8.2.2:
    /// one /64 per PDU session).
    #[inline(always)]
    pub fn by_ue_ipv6(&self, a: u128) -> Option<&Arc<SessionRules>> {
        self.ue6.get((a >> 64) as u64)
    }

    /// Number of local TEIDs / UE IPv4 / UE IPv6 prefixes installed.
    pub fn len(&self) -> (usize, usize, usize) {
        (self.teid.len(), self.ue4.len(), self.ue6.len())
    }

    /// Whether no TEID is installed.
    pub fn is_empty(&self) -> bool {
        self.teid.len() == 0 && self.ue4.len() == 0 && self.ue6.len() == 0
    }

    /// Increments with every publish.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Nanoseconds since the table's epoch (the MBR buckets' clock).
    #[inline(always)]
    pub fn clock(&self, now: Instant) -> u64 {
        now.saturating_duration_since(self.epoch).as_nanos() as u64
    }
}

/// The control part's working copy of the table.
pub(crate) struct TableWriter {
    table: ForwardingTable,
    dirty: bool,
}

impl TableWriter {
    pub(crate) fn new(epoch: Instant) -> Self {
        TableWriter {
            table: ForwardingTable::new(epoch),
            dirty: true,
        }
    }

    /// Points every key of `rules` at it.
    pub(crate) fn install(&mut self, rules: &Arc<SessionRules>) {
        for &t in rules.teids.iter() {
            self.table.teid.insert(Hot::uplink(rules, t));
        }
        if let Some(a) = rules.ue_ipv4 {
            self.table.ue4.insert(Hot::downlink(rules, a.to_bits()));
        }
        if let Some(a) = rules.ue_ipv6 {
            self.table
                .ue6
                .insert((a.to_bits() >> 64) as u64, rules.clone());
        }
        self.dirty = true;
    }

    /// Removes the keys of `rules` (only those still pointing at its session).
    pub(crate) fn uninstall(&mut self, rules: &SessionRules) {
        let mine = |r: Option<&Arc<SessionRules>>| r.is_some_and(|r| r.up_seid == rules.up_seid);
        for &t in rules.teids.iter() {
            self.table
                .teid
                .remove_if(t, |h| h.rules.up_seid == rules.up_seid);
        }
        if let Some(a) = rules.ue_ipv4 {
            self.table
                .ue4
                .remove_if(a.to_bits(), |h| h.rules.up_seid == rules.up_seid);
        }
        if let Some(a) = rules.ue_ipv6 {
            let k = (a.to_bits() >> 64) as u64;
            if mine(self.table.ue6.get(k)) {
                self.table.ue6.remove(k);
            }
        }
        self.dirty = true;
    }

    /// A new snapshot if anything changed since the last one.
    pub(crate) fn publish(&mut self) -> Option<Arc<ForwardingTable>> {
        if !self.dirty {
            return None;
        }
        self.dirty = false;
        self.table.generation += 1;
        Some(Arc::new(self.table.clone()))
    }

    pub(crate) fn table(&self) -> &ForwardingTable {
        &self.table
    }
}

/// The hot record of one local TEID (uplink) or UE IPv4 address (downlink): everything
/// the packet path needs of the session's first candidate PDR, in one 64-octet line
/// stored inline in the flat table, so that a packet costs one dependent miss for the
/// session (and one for its URR counters) instead of a hash bucket, the rules, the PDR
/// list and each `Arc` behind them.
///
/// Only when [`Hot::FAST`] is set does the record decide alone; otherwise (SDF filters,
/// several URRs or MBR buckets in one direction, a QFI set, an IPv6 N9 peer, or a QFI
/// other than the record's on the packet) the packet takes the full match over
/// `rules` (the cold data), as before.
#[derive(Clone, Debug)]
#[repr(align(64))]
pub(crate) struct Hot {
    /// The TEID or address, whole: the generation check.
    pub key: u32,
    pub flags: u8,
    /// The first candidate PDR's FAR action; `None`: no FAR.
    pub action: Option<FarAction>,
    /// QFI the PDR requires ([`Hot::ANY_QFI`]: none).
    pub qfi_req: u8,
    /// QFI for an outgoing PDU Session Container.
    pub qfi: Option<Qfi>,
    /// Index of the PDR in `rules.uplink` / `rules.downlink`.
    pub pdr: u16,
    pub out_port: u16,
    pub out_teid: u32,
    pub out_ipv4: u32,
    /// The first URR's volume threshold in this direction and in total (`u64::MAX`:
    /// none), as [`UrrCounters::account`] takes them.
    pub dir_limit: u64,
    pub total_limit: u64,
    pub urr: Option<Arc<UrrCounters>>,
    /// The one QER with an MBR bucket in this direction.
    pub bucket: Option<Arc<QerRuntime>>,
    pub rules: Arc<SessionRules>,
}

// One cache line per slot, empty slots included (the `Arc` niche holds `None`).
const _: () = assert!(std::mem::size_of::<Option<Hot>>() == 64);

impl Keyed for Hot {
    #[inline(always)]
    fn key(&self) -> u32 {
        self.key
    }
}

impl Hot {
    pub const FAST: u8 = 1;
    pub const GATE_OPEN: u8 = 2;
    pub const OUTER: u8 = 4;
    /// The URR's state is looked at per packet (quota, first packet; see [`Urr::watch`]).
    pub const WATCH: u8 = 16;
    pub const ANY_QFI: u8 = 0xff;

    /// The record of local TEID `teid`: the session's first Access PDR on that TEID.
    pub(crate) fn uplink(rules: &Arc<SessionRules>, teid: u32) -> Hot {
        let pick = rules.uplink.iter().position(|p| p.teid == Some(teid));
        Self::build(rules, teid, &rules.uplink, pick, Direction::Uplink)
    }

    /// The record of UE IPv4 address `a`: the first downlink PDR without a QFI (a
    /// downlink packet carries none).
    pub(crate) fn downlink(rules: &Arc<SessionRules>, a: u32) -> Hot {
        let pick = rules.downlink.iter().position(|p| p.qfi_mask == 0);
        Self::build(rules, a, &rules.downlink, pick, Direction::Downlink)
    }

    fn build(
        rules: &Arc<SessionRules>,
        key: u32,
        pdrs: &[Pdr],
        pick: Option<usize>,
        dir: Direction,
    ) -> Hot {
        let mut h = Hot {
            key,
            flags: 0,
            action: None,
            qfi_req: Self::ANY_QFI,
            qfi: None,
            pdr: 0,
            out_port: 0,
            out_teid: 0,
            out_ipv4: 0,
            dir_limit: u64::MAX,
            total_limit: u64::MAX,
            urr: None,
            bucket: None,
            rules: rules.clone(),
        };
        let Some(i) = pick.filter(|&i| i <= usize::from(u16::MAX)) else {
            return h;
        };
        let p = &pdrs[i];
        let mut fast = p.filters.is_empty() && p.urr_rest.is_empty();
        h.pdr = i as u16;
        h.qfi_req = match p.qfi_mask.count_ones() {
            0 => Self::ANY_QFI,
            1 => p.qfi_mask.trailing_zeros() as u8,
            _ => {
                fast = false;
                Self::ANY_QFI
            }
        };
        let mut buckets = p.buckets.iter().filter(|q| match dir {
            Direction::Uplink => q.ul.is_some(),
            Direction::Downlink => q.dl.is_some(),
        });
        h.bucket = buckets.next().cloned();
        if buckets.next().is_some() {
            fast = false;
        }
        h.action = p.action;
        let open = match dir {
            Direction::Uplink => p.gate_ul,
            Direction::Downlink => p.gate_dl,
        };
        if open {
            h.flags |= Self::GATE_OPEN;
        }
        match p.outer {
            None => {}
            Some(OuterHeader {
                teid,
                peer: std::net::SocketAddr::V4(a),
            }) => {
                h.flags |= Self::OUTER;
                h.out_teid = teid;
                h.out_ipv4 = a.ip().to_bits();
                h.out_port = a.port();
            }
            Some(_) => fast = false,
        }
        h.qfi = p.qfi;
        if let Some(u) = &p.urr0 {
            h.urr = Some(u.counters.clone());
            (h.dir_limit, h.total_limit) = u.limits(dir);
            if u.watch {
                h.flags |= Self::WATCH;
            }
        }
        if fast {
            h.flags |= Self::FAST;
        }
        h
    }

    #[inline(always)]
    pub(crate) fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// The N3 / N9 peer of the FAR's Outer Header Creation (with [`Hot::OUTER`]).
    #[inline(always)]
    pub(crate) fn out_peer(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from((std::net::Ipv4Addr::from_bits(self.out_ipv4), self.out_port))
    }
}

/// What a FAR does with a packet (TS 29.244 §8.2.26).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FarAction {
    Forward,
    Drop,
    Buffer,
}

/// A compiled PDR.
#[derive(Debug)]
pub(crate) struct Pdr {
    pub id: u16,
    pub teid: Option<u32>,
    /// Bit q set: QFI q accepted; 0 = any (TS 29.244 §5.2.1: QFI in PDI).
    pub qfi_mask: u64,
    /// Empty = any packet.
    pub filters: Box<[SdfRule]>,
    // Everything the packet path needs from the PDR's FAR, QERs and URRs, resolved at
    // compile time and kept inline, so that a packet touches few cache lines.
    /// The FAR's action; `None`: the PDR has no FAR.
    pub action: Option<FarAction>,
    pub notify_cp: bool,
    pub outer: Option<OuterHeader>,
    /// All the PDR's QER gates, ANDed.
    pub gate_ul: bool,
    pub gate_dl: bool,
    /// QFI of the first QER that has one (for the DL PDU Session Container).
    pub qfi: Option<Qfi>,
    /// The PDR's QERs that police an MBR, in order.
    pub buckets: Box<[Arc<QerRuntime>]>,
    /// The first URR inline, the others behind.
    pub urr0: Option<Urr>,
    pub urr_rest: Box<[Urr]>,
}

impl Pdr {
    /// The PDR's URRs.
    #[inline(always)]
    pub fn urrs(&self) -> impl Iterator<Item = &Urr> {
        self.urr0.iter().chain(self.urr_rest.iter())
    }
}

/// A compiled FAR.
#[derive(Debug)]
pub(crate) struct Far {
    pub action: FarAction,
    /// NOCP: notify the CP function of the first buffered downlink packet.
    pub notify_cp: bool,
    pub outer: Option<OuterHeader>,
}

/// A compiled QER.
#[derive(Debug)]
pub(crate) struct Qer {
    pub gate_ul: bool,
    pub gate_dl: bool,
    pub qfi: Option<Qfi>,
    pub rt: Arc<QerRuntime>,
}

/// The MBR buckets of a QER, shared by every snapshot of its session.
#[derive(Debug)]
pub struct QerRuntime {
    pub(crate) mbr: (Option<u64>, Option<u64>),
    pub(crate) ul: Option<TokenBucket>,
    pub(crate) dl: Option<TokenBucket>,
}

impl QerRuntime {
    pub(crate) fn new(mbr_ul: Option<u64>, mbr_dl: Option<u64>) -> Self {
        let b = |k: Option<u64>| k.map(|k| TokenBucket::new(k, TokenBucket::default_burst(k)));
        QerRuntime {
            mbr: (mbr_ul, mbr_dl),
            ul: b(mbr_ul),
            dl: b(mbr_dl),
        }
    }
}

/// A compiled URR.
#[derive(Debug, Clone)]
pub(crate) struct Urr {
    pub id: u32,
    pub threshold: VolumeLimit,
    /// The packet path looks at the counters' state ([`crate::state::UrrState::watched`]).
    pub watch: bool,
    pub counters: Arc<UrrCounters>,
}

impl Urr {
    /// The volume threshold in direction `dir` and in total (`u64::MAX`: none), as
    /// [`UrrCounters::account`] takes them.
    #[inline(always)]
    pub fn limits(&self, dir: Direction) -> (u64, u64) {
        let t = self.threshold;
        let d = match dir {
            Direction::Uplink => t.uplink,
            Direction::Downlink => t.downlink,
        };
        (d.unwrap_or(u64::MAX), t.total.unwrap_or(u64::MAX))
    }
}

/// Downlink packets held for an idle UE (TS 29.244 §5.2.4), each with `ENCAP_HEADROOM`
/// free octets in front, and the PDR that matched it.
#[derive(Debug, Default)]
pub struct DlBuffer {
    pub(crate) packets: VecDeque<(u16, Vec<u8>)>,
    pub(crate) octets: usize,
}

/// Session state the data plane writes, kept across recompilations.
#[derive(Debug, Default)]
pub struct SessionShared {
    pub(crate) buffer: Mutex<DlBuffer>,
    /// A downlink data report was sent for the current buffering period.
    pub(crate) dl_reported: AtomicBool,
    /// Packets dropped because the buffer was full.
    pub(crate) buffer_dropped: AtomicU64,
}

impl SessionShared {
    /// Takes every buffered packet out.
    pub(crate) fn drain(&self) -> VecDeque<(u16, Vec<u8>)> {
        let mut b = self.buffer.lock().unwrap_or_else(|e| e.into_inner());
        b.octets = 0;
        std::mem::take(&mut b.packets)
    }

    /// Packets currently buffered.
    pub fn buffered(&self) -> usize {
        self.buffer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .packets
            .len()
    }
}

/// One session's rules compiled for the packet path.
#[derive(Debug)]
pub struct SessionRules {
    pub up_seid: u64,
    pub(crate) teids: Box<[u32]>,
    pub(crate) ue_ipv4: Option<Ipv4Addr>,
    pub(crate) ue_ipv6: Option<Ipv6Addr>,
    /// Source interface Access, by precedence.
    pub(crate) uplink: Box<[Pdr]>,
    /// Source interface Core / N6-LAN, by precedence.
    pub(crate) downlink: Box<[Pdr]>,
    pub(crate) fars: Box<[Far]>,
    pub(crate) shared: Arc<SessionShared>,
    /// Downlink buffer bound: packets, octets.
    pub(crate) buffer_limit: (usize, usize),
}

impl SessionRules {
    /// State the data plane writes (buffer, report flag).
    pub fn shared(&self) -> &Arc<SessionShared> {
        &self.shared
    }
}

/// Why the rules of a session could not be installed: the Cause and Offending IE to
/// answer with (TS 29.244 §7.5.3.1).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what}")]
pub struct RuleError {
    pub cause: ferrocore_pfcp::Cause,
    pub offending_ie: Option<IeType>,
    pub what: String,
}

impl RuleError {
    pub(crate) fn new(cause: ferrocore_pfcp::Cause, ie: IeType, what: impl Into<String>) -> Self {
        RuleError {
            cause,
            offending_ie: Some(ie),
            what: what.into(),
        }
    }
}

/// The `Arc`ed runtime parts of a session, by rule ID, carried across recompilations
/// (a clone shares them).
#[derive(Clone, Debug, Default)]
pub(crate) struct RuleRuntime {
    pub shared: Arc<SessionShared>,
    pub qers: HashMap<u32, Arc<QerRuntime>>,
    pub urrs: HashMap<u32, Arc<UrrCounters>>,
}

/// Compiles `s` for the packet path. Rule references are checked here: a PDR naming a
/// FAR, QER or URR the session lacks is a rule creation failure (Cause 73).
pub(crate) fn compile(
    s: &SessionState,
    rt: &mut RuleRuntime,
    buffer_limit: (usize, usize),
) -> Result<SessionRules, RuleError> {
    use ferrocore_pfcp::Cause;
    let fail =
        |ie, what: String| RuleError::new(Cause::RULE_CREATION_MODIFICATION_FAILURE, ie, what);

    // Runtime parts: keep the existing ones whose configuration is unchanged.
    rt.qers.retain(|id, q| {
        s.qers
            .iter()
            .any(|x| x.id == *id && q.mbr == (x.mbr_ul, x.mbr_dl))
    });
    rt.urrs.retain(|id, _| s.urrs.iter().any(|x| x.id == *id));
    let qers: Box<[Qer]> = s
        .qers
        .iter()
        .map(|q| Qer {
            gate_ul: q.gate_ul_open,
            gate_dl: q.gate_dl_open,
            qfi: q.qfi.and_then(|v| Qfi::new(v).ok()),
            rt: rt
                .qers
                .entry(q.id)
                .or_insert_with(|| Arc::new(QerRuntime::new(q.mbr_ul, q.mbr_dl)))
                .clone(),
        })
        .collect();
    let urrs: Box<[Urr]> = s
        .urrs
        .iter()
        .map(|u| Urr {
            id: u.id,
            threshold: if u.reporting_triggers & ferrocore_pfcp::ie::ReportingTriggers::VOLTH != 0 {
                u.volume_threshold.unwrap_or_default()
            } else {
                VolumeLimit::default()
            },
            watch: u.watched(),
            counters: rt.urrs.entry(u.id).or_default().clone(),
        })
        .collect();
    let fars: Box<[Far]> = s
        .fars
        .iter()
        .map(|f| {
            let a = ApplyAction(f.apply_action);
            Far {
                action: if a.contains(ApplyAction::DROP) {
                    FarAction::Drop
                } else if a.contains(ApplyAction::BUFF) {
                    FarAction::Buffer
                } else if a.contains(ApplyAction::FORW) {
                    FarAction::Forward
                } else {
                    FarAction::Drop
                },
                notify_cp: a.contains(ApplyAction::NOCP),
                outer: f.outer_header,
            }
        })
        .collect();

    let session_ue = s
        .pdrs
        .iter()
        .filter_map(|p| p.ue_ip)
        .fold((None, None), |acc, u| (acc.0.or(u.ipv4), acc.1.or(u.ipv6)));
    let mut order: Vec<&crate::state::PdrState> = s.pdrs.iter().collect();
    order.sort_by_key(|p| (p.precedence, p.id));
    let mut uplink = Vec::new();
    let mut downlink = Vec::new();
    for p in order {
        let far = match p.far_id {
            Some(id) => Some(s.fars.iter().position(|f| f.id == id).ok_or_else(|| {
                fail(
                    IeType::FAR_ID,
                    format!("PDR {} names FAR {id}, not in the session", p.id),
                )
            })? as u16),
            None => None,
        };
        let index = |ids: &[u32], all: &[u32], ie, kind: &str| -> Result<Box<[u16]>, RuleError> {
            ids.iter()
                .map(|id| {
                    all.iter()
                        .position(|x| x == id)
                        .map(|i| i as u16)
                        .ok_or_else(|| {
                            fail(
                                ie,
                                format!("PDR {} names {kind} {id}, not in the session", p.id),
                            )
                        })
                })
                .collect()
        };
        let qer_ids: Vec<u32> = s.qers.iter().map(|q| q.id).collect();
        let urr_ids: Vec<u32> = s.urrs.iter().map(|u| u.id).collect();
        let ue4 = p.ue_ip.and_then(|u| u.ipv4).or(session_ue.0);
        let ue6 = p.ue_ip.and_then(|u| u.ipv6).or(session_ue.1);
        let filters = p
            .sdf_filters
            .iter()
            .map(|f| {
                SdfRule::parse(f, ue4, ue6).map_err(|e| fail(IeType::SDF_FILTER, e.to_string()))
            })
            .collect::<Result<Box<[SdfRule]>, _>>()?;
        let mut qfi_mask = 0u64;
        for &q in &p.qfis {
            qfi_mask |= 1u64 << (q & 0x3f);
        }
        let qer_idx = index(&p.qer_ids, &qer_ids, IeType::QER_ID, "QER")?;
        let urr_idx = index(&p.urr_ids, &urr_ids, IeType::URR_ID, "URR")?;
        let far_ref = far.map(|f| &fars[usize::from(f)]);
        let pqers: Vec<&Qer> = qer_idx.iter().map(|&i| &qers[usize::from(i)]).collect();
        let mut purrs = urr_idx.iter().map(|&i| urrs[usize::from(i)].clone());
        let pdr = Pdr {
            id: p.id,
            teid: p.local_teid,
            qfi_mask,
            filters,
            action: far_ref.map(|f| f.action),
            notify_cp: far_ref.is_some_and(|f| f.notify_cp),
            outer: far_ref.and_then(|f| f.outer),
            gate_ul: pqers.iter().all(|q| q.gate_ul),
            gate_dl: pqers.iter().all(|q| q.gate_dl),
            qfi: pqers.iter().find_map(|q| q.qfi),
            buckets: pqers
                .iter()
                .filter(|q| q.rt.ul.is_some() || q.rt.dl.is_some())
                .map(|q| q.rt.clone())
                .collect(),
            urr0: purrs.next(),
            urr_rest: purrs.collect(),
        };
        match p.source {
            Iface::Access => uplink.push(pdr),
            Iface::Core | Iface::SgiLanN6Lan => downlink.push(pdr),
            // CP-function and 5G VN internal PDRs are not matched by this data plane.
            _ => {}
        }
    }
    let limit = match s.bar.and_then(|b| b.suggested_buffering_packets) {
        Some(n) if n > 0 => (usize::from(n).min(buffer_limit.0), buffer_limit.1),
        _ => buffer_limit,
    };
    Ok(SessionRules {
        up_seid: s.up_seid,
        teids: s.teids().into(),
        ue_ipv4: session_ue.0,
        ue_ipv6: session_ue.1,
        uplink: uplink.into(),
        downlink: downlink.into(),
        fars,
        shared: rt.shared.clone(),
        buffer_limit: limit,
    })
}
