//! Live captures for tests: `dumpcap` on every interface of a network namespace, started
//! and stopped in step with the traffic under test.
//!
//! ```ignore
//! let cap = Capture::any(&core_ns, &dir.join("core.pcap"));   // returns once capturing
//! // ... traffic ...
//! let pcap = cap.stop();            // every packet delivered before this call is in the file
//! Dissection::of_file(&pcap, &[]).assert_clean();
//! ```
//!
//! A plain `tshark -w` child started before the traffic and sent SIGINT after it loses
//! packets at both ends:
//!
//! - **start**: tshark loads all its dissectors before it runs dumpcap, and only dumpcap
//!   opens the interface. On a loaded 2-core machine that takes over a second, so traffic
//!   started after a fixed sleep can begin before the capture does.
//! - **stop**: Linux hands captured packets to dumpcap a ring block at a time
//!   (`TPACKET_V3`): a block goes to user space when it is full or its timer expires. On
//!   SIGINT dumpcap writes what it has been handed and exits, so packets of the last few
//!   tens of milliseconds, still in the open block, never reach the file.
//!
//! Both ends are synchronised with a marker: a UDP datagram with a unique payload that a
//! socket in the namespace sends to itself on the loopback. [`Capture::any`] returns once a
//! marker is in the file; [`Capture::stop`] sends another and signals dumpcap only once
//! that one is in the file. Blocks reach user space in order, so every packet the kernel
//! had captured before the marker (any packet that had already reached its receiving
//! socket) is in the file too.

use std::io::{Read, Seek, SeekFrom};
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long dumpcap may take to start capturing (it is quick, but the machine may be busy).
const START_WITHIN: Duration = Duration::from_secs(30);
/// How long the stop marker may take to reach the file.
const DRAIN_WITHIN: Duration = Duration::from_secs(10);
/// How often the file is read while waiting for a marker (and a marker sent again).
const POLL_EVERY: Duration = Duration::from_millis(20);
const RESEND_EVERY: Duration = Duration::from_millis(200);

/// A running dumpcap on interface `any` of a network namespace.
pub struct Capture {
    child: Option<Child>,
    path: PathBuf,
    /// Bound to 127.0.0.1 inside the namespace; markers are sent to its own address.
    marker: UdpSocket,
    /// Markers sent so far (each payload is unique).
    sent: u32,
    /// How far the file has been searched, for the current marker.
    searched: u64,
}

impl Capture {
    /// Starts `dumpcap -i any` (a 64 MB kernel buffer, so that a busy machine drops
    /// nothing) in network namespace `ns`, writing pcapng to `path`, and returns once the
    /// capture is live. Markers ride the namespace's loopback, so they are in the file
    /// too: UDP from and to one port of 127.0.0.1 with a `ferrocore-capture-marker` payload.
    pub fn any(ns: &str, path: &Path) -> Capture {
        let child = Command::new("ip")
            .args([
                "netns", "exec", ns, "dumpcap", "-q", "-B", "64", "-i", "any",
            ])
            .arg("-w")
            .arg(path)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dumpcap (installed with tshark by .ci/setup)");
        let ns = ns.to_string();
        let marker = std::thread::spawn(move || {
            crate::netns::enter(&ns);
            UdpSocket::bind("127.0.0.1:0").expect("marker socket in the namespace")
        })
        .join()
        .expect("marker socket thread");
        let mut capture = Capture {
            child: Some(child),
            path: path.to_path_buf(),
            marker,
            sent: 0,
            searched: 0,
        };
        capture.mark(START_WITHIN, "start capturing");
        capture
    }

    /// The pcapng file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits until every packet captured so far is in the file, stops dumpcap (SIGINT,
    /// so that it closes the file properly) and returns the file's path.
    pub fn stop(mut self) -> PathBuf {
        self.mark(DRAIN_WITHIN, "write the packets captured so far");
        let mut child = self.child.take().expect("running");
        // SAFETY: kill(2) on the pid of our own child, which has not been waited for.
        let r = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        assert_eq!(
            r,
            0,
            "SIGINT to dumpcap: {}",
            std::io::Error::last_os_error()
        );
        let status = child.wait().expect("waiting for dumpcap");
        assert!(status.success(), "dumpcap ended with {status}");
        self.path.clone()
    }

    /// Sends a new marker (again every `RESEND_EVERY`) until it is in the file; panics
    /// after `within`, or if dumpcap exits, saying that it did not `what`.
    fn mark(&mut self, within: Duration, what: &str) {
        self.sent += 1;
        let payload = format!(
            "ferrocore-capture-marker {} {}",
            std::process::id(),
            self.sent
        );
        let to = self.marker.local_addr().expect("marker address");
        let deadline = Instant::now() + within;
        let mut sent_at: Option<Instant> = None;
        loop {
            if sent_at.is_none_or(|t| t.elapsed() >= RESEND_EVERY) {
                self.marker
                    .send_to(payload.as_bytes(), to)
                    .expect("send a capture marker");
                sent_at = Some(Instant::now());
            }
            std::thread::sleep(POLL_EVERY);
            if self.file_contains(payload.as_bytes()) {
                return;
            }
            let child = self.child.as_mut().expect("running");
            if let Some(status) = child.try_wait().expect("dumpcap status") {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                panic!("dumpcap exited ({status}) before it did {what}: {err}");
            }
            assert!(
                Instant::now() < deadline,
                "dumpcap did not {what} within {within:?} ({} has no marker)",
                self.path.display()
            );
        }
    }

    /// Whether the file holds `needle`, searching only what is new since the last call
    /// (plus an overlap, so that a needle split across two reads is found).
    fn file_contains(&mut self, needle: &[u8]) -> bool {
        let Ok(mut f) = std::fs::File::open(&self.path) else {
            return false;
        };
        let from = self.searched.saturating_sub(needle.len() as u64);
        if f.seek(SeekFrom::Start(from)).is_err() {
            return false;
        }
        let mut tail = Vec::new();
        if f.read_to_end(&mut tail).is_err() {
            return false;
        }
        self.searched = from + tail.len() as u64;
        tail.windows(needle.len()).any(|w| w == needle)
    }
}

/// Unstopped (a test failed): SIGINT without waiting for a marker, so that the file is
/// still a well-formed capture of what dumpcap got.
impl Drop for Capture {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // SAFETY: kill(2) on the pid of our own child, which has not been waited for.
            unsafe { libc::kill(c.id() as libc::pid_t, libc::SIGINT) };
            let _ = c.wait();
        }
    }
}
