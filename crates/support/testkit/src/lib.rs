//! Test-only helpers shared by ferrocore's crates.
//!
//! - [`pcap`]: write packets into a classic pcap file, framed so that Wireshark picks
//!   the right dissector (exported-PDU link type for NGAP / NAS, IPv4+UDP for PFCP / GTP-U).
//! - [`tshark`]: run tshark over such a file and read back fields, expert errors, malformed marks.
//! - [`python`]: run a Python helper (pycrate cross-checks) with JSON in and out.
//! - [`alloc`]: a counting global allocator, to bound what a decoder allocates.
//! - [`netns`]: network namespaces and veth pairs for tests that need root.
//! - [`capture`]: a live dumpcap capture in a namespace, in step with the traffic.
//!
//! The external tools are installed by `.ci/setup`; a test that needs one fails with a
//! message naming that script rather than silently passing.

pub mod alloc;
pub mod capture;
pub mod netns;
pub use ferrocore_pcap as pcap;
pub mod python;
pub mod tshark;

/// Decodes a hex string (whitespace ignored), panicking on malformed fixtures.
pub fn hex(s: &str) -> Vec<u8> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(clean.len().is_multiple_of(2), "odd-length hex fixture");
    (0..clean.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&clean[i..i + 2], 16).expect("hex fixture"))
        .collect()
}

/// Encodes bytes as lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh, unique path under the system temp dir (the file is not created).
pub fn temp_path(stem: &str, ext: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("ferrocore-{stem}-{}-{n}.{ext}", std::process::id()))
}
