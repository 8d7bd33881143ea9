//! Runs a Python helper (e.g. a pycrate cross-check) with JSON on stdin and JSON on stdout.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The interpreter: `$FERROCORE_PYTHON`, else `python3`.
fn interpreter() -> String {
    std::env::var("FERROCORE_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Runs `script` with `input` as JSON on stdin and parses its stdout as JSON.
/// Panics with the script's stderr when it fails.
pub fn run_json(script: &Path, input: &serde_json::Value) -> serde_json::Value {
    let mut child = Command::new(interpreter())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); install it with `bash .ci/setup`"));
    let body = serde_json::to_vec(input).expect("serialize input");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&body)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait for python");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} failed (is pycrate installed? `bash .ci/setup`):\n{stderr}",
        script.display()
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{} printed no JSON ({e}): {stderr}", script.display()))
}
