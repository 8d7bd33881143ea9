//! The `ferrocore` binary as a user runs it.

use std::process::{Command, Output};

fn ferrocore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferrocore"))
        .args(args)
        .output()
        .expect("run ferrocore")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn version_names_the_package_version() {
    let o = ferrocore(&["--version"]);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o).trim(),
        format!("ferrocore {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn roles_not_built_yet_fail_with_a_clear_message() {
    // `nf udr`, `nf udm` and `nf ausf` exist (tests/nf_cli.rs); the SMF and UPF do not yet.
    for role in [&["nf", "smf"][..], &["nf", "upf"]] {
        let o = ferrocore(role);
        assert!(!o.status.success(), "{role:?} must not pretend to work");
        assert!(
            stderr(&o).contains("not in this build yet"),
            "{role:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn decode_ngap_shows_the_message_and_its_ids() {
    // UEContextReleaseRequest, AMF-UE-NGAP-ID 42, RAN-UE-NGAP-ID 7.
    let o = ferrocore(&[
        "decode",
        "ngap",
        "002a4015000003000a0002002a005500020007000f40020500",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("UEContextReleaseRequest"), "{out}");
    assert!(out.contains("42") && out.contains('7'), "{out}");
}

#[test]
fn decode_nas_shows_the_registration_request() {
    let o = ferrocore(&[
        "decode",
        "nas",
        "7e004179000d0102f8390000000000000010022e08a020000000000000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("RegistrationRequest"), "{}", stdout(&o));
}

#[test]
fn decode_gtpu_shows_the_echo_request() {
    let o = ferrocore(&["decode", "gtpu", "32 01 00 04 00 00 00 00 12 34 00 00"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).to_lowercase().contains("echo"), "{}", stdout(&o));
}

#[test]
fn decode_pfcp_shows_the_heartbeat() {
    // Heartbeat Request, sequence 1, Recovery Time Stamp IE (TS 29.244 §7.4.2.1).
    let o = ferrocore(&["decode", "pfcp", "2001000c000001000060000400000000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).to_lowercase().contains("heartbeat"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn decode_rejects_bad_hex_and_truncated_messages() {
    let o = ferrocore(&["decode", "ngap", "zz"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not valid hex"), "{}", stderr(&o));
    let o = ferrocore(&["decode", "ngap", "002a4015000003"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("not a valid NGAP PDU"),
        "{}",
        stderr(&o)
    );
}
