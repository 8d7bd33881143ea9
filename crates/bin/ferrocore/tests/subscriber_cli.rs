//! `ferrocore subscriber ...` as a user runs it, against a SQLite file.

use std::path::Path;
use std::process::{Command, Output};

const K: &str = "465b5ce8b199b49faa5f0a2ee238a6bc";
const OPC: &str = "cd63cb71954a9f4e48a5994e37a02baf";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn db(&self) -> String {
        self.dir.path().join("subs.db").display().to_string()
    }

    /// Runs `ferrocore subscriber --db <tmp>/subs.db <args>`.
    fn run(&self, args: &[&str]) -> Output {
        let db = self.db();
        let mut all = vec!["subscriber", "--db", db.as_str()];
        all.extend_from_slice(args);
        Command::new(env!("CARGO_BIN_EXE_ferrocore"))
            .args(&all)
            .output()
            .expect("run ferrocore")
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
        stdout(&o)
    }

    fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            !o.status.success(),
            "{args:?} must fail; printed {}",
            stdout(&o)
        );
        stderr(&o)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write file");
        p.display().to_string()
    }

    fn add(&self, imsi: &str) {
        self.ok(&["add", imsi, "--k", K, "--opc", OPC]);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn add_show_list_update_delete() {
    let e = Env::new();
    let out = e.ok(&[
        "add",
        "001010000000001",
        "--k",
        K,
        "--opc",
        OPC,
        "--msisdn",
        "491701234567",
        "--sst",
        "1",
        "--sd",
        "000001",
        "--dnn",
        "internet",
        "--dnn",
        "ims",
    ]);
    assert!(out.contains("added imsi-001010000000001"), "{out}");
    e.add("imsi-001010000000002");

    let shown = e.ok(&["show", "001010000000001"]);
    assert!(shown.contains("supi: imsi-001010000000001"), "{shown}");
    assert!(
        shown.contains("491701234567") && shown.contains("000001") && shown.contains("ims"),
        "{shown}"
    );
    assert!(
        shown.contains("amf: '8000'") || shown.contains("amf: \"8000\""),
        "{shown}"
    );
    assert!(
        !shown.contains(K) && !shown.contains(OPC),
        "secrets printed without --show-secrets: {shown}"
    );
    let secret = e.ok(&["show", "001010000000001", "--show-secrets"]);
    assert!(secret.contains(K) && secret.contains(OPC), "{secret}");

    let list = e.ok(&["list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert!(
        lines[1].starts_with("imsi-001010000000001")
            && lines[2].starts_with("imsi-001010000000002"),
        "{list}"
    );
    assert!(!list.contains(K) && !list.contains(OPC));
    assert_eq!(e.ok(&["list", "--limit", "1"]).lines().count(), 2);
    assert!(
        e.ok(&["list", "--after", "001010000000001"])
            .contains("imsi-001010000000002")
    );

    e.ok(&[
        "update",
        "001010000000001",
        "--sqn",
        "4096",
        "--no-msisdn",
        "--auth-method",
        "EAP_AKA_PRIME",
        "--sst",
        "2",
    ]);
    let shown = e.ok(&["show", "001010000000001"]);
    assert!(
        shown.contains("sqn: 4096") && shown.contains("EAP_AKA_PRIME") && shown.contains("sst: 2"),
        "{shown}"
    );
    assert!(!shown.contains("msisdn"), "{shown}");

    let out = e.ok(&["delete", "imsi-001010000000001"]);
    assert!(out.contains("deleted imsi-001010000000001"));
    let err = e.fails(&["show", "001010000000001"]);
    assert!(err.contains("no subscriber imsi-001010000000001"), "{err}");
    let err = e.fails(&["delete", "001010000000001"]);
    assert!(err.contains("no subscriber"), "{err}");
}

#[test]
fn bad_input_is_refused_with_a_clear_error() {
    let e = Env::new();
    let err = e.fails(&["add", "00101000000001", "--k", K, "--opc", OPC]);
    assert!(
        err.contains("bad IMSI") && err.contains("15 digits"),
        "{err}"
    );
    let err = e.fails(&["add", "001010000000001", "--k", &K[..30], "--opc", OPC]);
    assert!(
        err.contains("bad K") && err.contains("32 hex digits"),
        "{err}"
    );
    let err = e.fails(&["add", "001010000000001", "--k", K, "--opc", "xyz"]);
    assert!(err.contains("bad OPc"), "{err}");
    let err = e.fails(&[
        "add",
        "001010000000001",
        "--k",
        K,
        "--opc",
        OPC,
        "--op",
        OPC,
    ]);
    assert!(err.contains("exactly one of OPc and OP"), "{err}");
    let err = e.fails(&["add", "001010000000001", "--k", K]);
    assert!(err.contains("exactly one of OPc and OP"), "{err}");
    let err = e.fails(&[
        "add",
        "001010000000001",
        "--k",
        K,
        "--opc",
        OPC,
        "--sst",
        "0",
    ]);
    assert!(err.contains("SST"), "{err}");
    assert!(
        e.ok(&["list"]).lines().count() == 1,
        "nothing may have been written"
    );
}

#[test]
fn a_duplicate_is_refused() {
    let e = Env::new();
    e.add("001010000000001");
    let err = e.fails(&["add", "001010000000001", "--k", K, "--op", OPC]);
    assert!(err.contains("imsi-001010000000001 already exists"), "{err}");
}

#[test]
fn import_csv_and_yaml() {
    let e = Env::new();
    let csv = e.file(
        "subs.csv",
        &format!(
            "imsi,k,opc,op,amf,sqn,msisdn,sst,sd,dnn\n\
             001010000000001,{K},{OPC},,8000,0,1001,1,,internet\n\
             001010000000002,{K},,{OPC},,32,,1,FFFFFF,internet;ims\n"
        ),
    );
    assert!(e.ok(&["import", &csv]).contains("imported 2 subscribers"));
    let yaml = e.file(
        "subs.yaml",
        &format!(
            "subscribers:\n  - supi: imsi-001010000000003\n    k: {K}\n    opc: {OPC}\n    slices:\n      - sst: 1\n        default: true\n        dnns: [{{dnn: internet, five_qi: 8}}]\n"
        ),
    );
    assert!(e.ok(&["import", &yaml]).contains("imported 1 subscribers"));
    assert!(e.ok(&["show", "001010000000003"]).contains("five_qi: 8"));
    assert!(e.ok(&["show", "001010000000002"]).contains("FFFFFF"));
}

#[test]
fn an_import_with_a_bad_line_writes_nothing() {
    let e = Env::new();
    e.add("001010000000009");
    let csv = e.file(
        "bad.csv",
        &format!(
            "imsi,k,opc\n\
             001010000000001,{K},{OPC}\n\
             001010000000002,{K}00,{OPC}\n\
             001010000000003,{K},{OPC}\n"
        ),
    );
    let err = e.fails(&["import", &csv]);
    assert!(err.contains("line 3") && err.contains("bad K"), "{err}");
    // A duplicate of a stored subscriber also rolls back the whole file.
    let dup = e.file(
        "dup.csv",
        &format!("imsi,k,opc\n001010000000001,{K},{OPC}\n001010000000009,{K},{OPC}\n"),
    );
    let err = e.fails(&["import", &dup]);
    assert!(err.contains("imsi-001010000000009 already exists"), "{err}");
    let list = e.ok(&["list"]);
    assert_eq!(list.lines().count(), 2, "only the one added before: {list}");
}

#[test]
fn the_default_database_is_ferrocore_db_in_the_current_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = Command::new(env!("CARGO_BIN_EXE_ferrocore"))
        .args([
            "subscriber",
            "add",
            "001010000000001",
            "--k",
            K,
            "--opc",
            OPC,
        ])
        .current_dir(dir.path())
        .output()
        .expect("run ferrocore");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(Path::new(&dir.path().join("ferrocore.db")).exists());
}
