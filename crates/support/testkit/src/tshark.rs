//! Cross-checks with Wireshark's dissectors, through `tshark`.
//!
//! ```ignore
//! let d = Dissection::of(&Framing::Exported("ngap"), &[bytes], &[]);
//! d.assert_clean();                                  // nothing malformed, no expert error
//! assert_eq!(d.field(0, "ngap.RAN_UE_NGAP_ID"), ["7"]);
//! ```

use crate::pcap::{self, Framing};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

/// The display filter that must match nothing in a clean dissection.
pub const PROBLEM_FILTER: &str = "_ws.malformed || _ws.expert.severity == error";

const AGGREGATOR: char = '\u{1e}';

/// Packets written to a pcap file, ready to be dissected by tshark.
pub struct Dissection {
    path: PathBuf,
    prefs: Vec<String>,
    count: usize,
}

impl Dissection {
    /// Writes `payloads` with `framing` to a temporary pcap. `prefs` are tshark `-o`
    /// preferences such as `"nas-5gs.null_decipher:TRUE"`.
    pub fn of(framing: &Framing, payloads: &[Vec<u8>], prefs: &[&str]) -> Self {
        let path = crate::temp_path("tshark", "pcap");
        pcap::write(&path, framing, payloads).expect("write pcap");
        Dissection {
            path,
            prefs: prefs.iter().map(|s| s.to_string()).collect(),
            count: payloads.len(),
        }
    }

    /// Dissects a pcap file written elsewhere (a simulator's `--pcap`, say) through a
    /// copy of it, removed as `of`'s own file is: the original stays untouched. `prefs` as
    /// for `of`; the frame count is tshark's.
    pub fn of_file(path: &std::path::Path, prefs: &[&str]) -> Self {
        let copy = crate::temp_path("tshark", "pcap");
        std::fs::copy(path, &copy).unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        let mut d = Dissection {
            path: copy,
            prefs: prefs.iter().map(|s| s.to_string()).collect(),
            count: 0,
        };
        d.count = d
            .tshark(&["-T", "fields", "-e", "frame.number"])
            .lines()
            .count();
        d
    }

    /// How many frames the pcap holds.
    pub fn frames(&self) -> usize {
        self.count
    }

    fn tshark(&self, extra: &[&str]) -> String {
        let mut cmd = Command::new("tshark");
        cmd.arg("-n").arg("-r").arg(&self.path);
        for p in &self.prefs {
            cmd.arg("-o").arg(p);
        }
        cmd.args(extra);
        let out = cmd.output().unwrap_or_else(|e| {
            panic!("cannot run tshark ({e}); install it with `bash .ci/setup`")
        });
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "tshark failed: {stderr}");
        assert!(
            !stderr.contains("Dissector bug"),
            "tshark reported a dissector bug: {stderr}"
        );
        String::from_utf8(out.stdout).expect("tshark output is UTF-8")
    }

    /// Frames (1-based numbers) with a malformed mark or an expert error, with their messages.
    pub fn problems(&self) -> Vec<String> {
        self.tshark(&[
            "-Y",
            PROBLEM_FILTER,
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "_ws.expert.message",
            "-e",
            "_ws.col.Info",
        ])
        .lines()
        .map(str::to_owned)
        .collect()
    }

    /// Panics with tshark's own words when any frame is malformed or carries an expert error.
    pub fn assert_clean(&self) {
        let problems = self.problems();
        assert!(
            problems.is_empty(),
            "tshark found problems in {} ({} frames):\n{}",
            self.path.display(),
            self.count,
            problems.join("\n")
        );
    }

    /// Every occurrence of each named field, per packet (index 0 = first payload).
    pub fn fields(&self, names: &[&str]) -> Vec<HashMap<String, Vec<String>>> {
        let mut args = vec!["-T", "fields", "-E", "occurrence=a", "-E", "separator=/t"];
        let agg = format!("aggregator={AGGREGATOR}");
        args.push("-E");
        args.push(&agg);
        for n in names {
            args.push("-e");
            args.push(n);
        }
        let text = self.tshark(&args);
        let rows: Vec<HashMap<String, Vec<String>>> = text
            .lines()
            .map(|line| {
                names
                    .iter()
                    .zip(line.split('\t'))
                    .map(|(name, cell)| {
                        let values = if cell.is_empty() {
                            Vec::new()
                        } else {
                            cell.split(AGGREGATOR).map(str::to_owned).collect()
                        };
                        (name.to_string(), values)
                    })
                    .collect()
            })
            .collect();
        assert_eq!(
            rows.len(),
            self.count,
            "tshark saw a different number of frames"
        );
        rows
    }

    /// Every occurrence of one field in one packet.
    pub fn field(&self, packet: usize, name: &str) -> Vec<String> {
        self.fields(&[name])
            .swap_remove(packet)
            .remove(name)
            .unwrap_or_default()
    }

    /// The `-T json` dissection of every packet (duplicate keys keep their last value).
    pub fn json(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.tshark(&["-T", "json"])).expect("tshark JSON")
    }

    /// The one-line summary (Info column) of each packet.
    pub fn info(&self) -> Vec<String> {
        self.fields(&["_ws.col.Info"])
            .into_iter()
            .map(|mut r| r.remove("_ws.col.Info").unwrap_or_default().join(" "))
            .collect()
    }
}

impl Drop for Dissection {
    fn drop(&mut self) {
        if std::env::var_os("FERROCORE_KEEP_PCAP").is_none() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
