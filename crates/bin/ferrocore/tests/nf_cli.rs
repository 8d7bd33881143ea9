//! `ferrocore nf udr|udm|ausf` as three processes on loopback: a subscriber provisioned
//! with `ferrocore subscriber`, then a full 5G AKA through the AUSF's HTTP/2 API.

#[path = "../../../nf/ausf/tests/common/usim.rs"]
mod usim;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ferrocore_crypto::kdf::{kseaf, serving_network_name};
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::nausf_ueau::{
    AuthData5g, AuthResult, AuthenticationInfo, ConfirmationData, UeAuthenticationService,
};
use ferrocore_sbi_http::HttpClient;
use ferrocore_sbi_http::nausf_ueau::UeAuthenticationClient;

const K: &str = "465b5ce8b199b49faa5f0a2ee238a6bc";
const OPC: &str = "cd63cb71954a9f4e48a5994e37a02baf";

/// Child processes killed (by their handle) when the test ends, however it ends.
struct Nfs(Vec<Child>);

impl Drop for Nfs {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ferrocore"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run ferrocore")
}

fn wait_listening(addr: SocketAddr) {
    let start = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{addr} never listened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn hex16(s: &str) -> [u8; 16] {
    hex::decode(s).unwrap().try_into().unwrap()
}

#[test]
fn udr_udm_ausf_processes_authenticate_a_subscriber() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("nf.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_ferrocore"))
        .args([
            "subscriber",
            "--db",
            &db,
            "add",
            "001010000000001",
            "--k",
            K,
            "--opc",
            OPC,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (udr, udm, ausf) = (free_addr(), free_addr(), free_addr());
    let (udr_s, udm_s, ausf_s) = (udr.to_string(), udm.to_string(), ausf.to_string());
    let (udr_url, udm_url) = (format!("http://{udr}"), format!("http://{udm}"));
    let _nfs = Nfs(vec![
        spawn(&["nf", "udr", "--db", &db, "--listen", &udr_s]),
        spawn(&["nf", "udm", "--listen", &udm_s, "--udr", &udr_url]),
        spawn(&[
            "nf", "ausf", "--listen", &ausf_s, "--udm", &udm_url, "--plmn", "00101",
        ]),
    ]);
    for a in [udr, udm, ausf] {
        wait_listening(a);
    }

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = UeAuthenticationClient(HttpClient::new(format!("http://{ausf}")).unwrap());
        let snn = serving_network_name("001", "01").unwrap();
        let created = client
            .authenticate(AuthenticationInfo {
                supi_or_suci: "suci-0-001-01-0000-0-0-0000000001".into(),
                serving_network_name: snn.clone(),
                resynchronization_info: None,
                pei: None,
                routing_indicator: None,
                supported_features: None,
            })
            .await
            .expect("201 from the AUSF process");
        assert!(
            created
                .location
                .starts_with(&format!("http://{ausf}/nausf-auth/v1/"))
        );
        let AuthData5g::Av5gAka(av) = &created.body.auth_data else {
            panic!("5G AKA")
        };
        let mut sim = usim::Usim::new(hex16(K), hex16(OPC), 0);
        let res = sim
            .authenticate(&av.rand.0, &av.autn.0, &snn)
            .expect("UE accepts");
        let answer = client
            .confirm_5g_aka(
                created.resource_id(),
                ConfirmationData {
                    res_star: Some(Hex(res.res_star)),
                    supported_features: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(answer.auth_result, AuthResult::AuthenticationSuccess);
        assert_eq!(answer.supi.as_deref(), Some("imsi-001010000000001"));
        assert_eq!(answer.kseaf.unwrap().0, *kseaf(&res.kausf, &snn).as_bytes());
    });
}

#[test]
fn the_udr_process_serves_the_provisioning_api() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("rest.db").display());
    let udr = free_addr();
    let _nfs = Nfs(vec![spawn(&[
        "nf",
        "udr",
        "--db",
        &db,
        "--listen",
        &udr.to_string(),
    ])]);
    wait_listening(udr);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let base = format!("http://{udr}/api/v1/subscribers");
        let csv = format!("imsi,k,opc\n001010000000007,{K},{OPC}\n");
        let r = http
            .post(format!("{base}/import"))
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let shown: serde_json::Value = http
            .get(format!("{base}/001010000000007"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(shown["supi"], "imsi-001010000000007", "{shown}");
        assert!(
            !shown.to_string().contains(K),
            "secrets must not be served: {shown}"
        );
        let bad = http
            .post(format!("{base}/import"))
            .header("content-type", "text/csv")
            .body("imsi,k,opc\n12,00,00\n")
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        assert_eq!(bad.headers()["content-type"], "application/problem+json");
    });
}

#[test]
fn a_bad_plmn_or_key_file_is_refused() {
    let o = Command::new(env!("CARGO_BIN_EXE_ferrocore"))
        .args(["nf", "ausf", "--plmn", "1", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad PLMN"));
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::write(&keys, "1 C 00\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_ferrocore"))
        .args([
            "nf",
            "udm",
            "--listen",
            "127.0.0.1:0",
            "--hn-keys",
            keys.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 1"), "{err}");
}

/// The NFs deployed apart: UDR, UDM, AUSF and AMF as four processes, the AMF calling the
/// AUSF and UDM over HTTP/2; the simulator provisions its UEs at the UDR and registers
/// them through the AMF.
#[test]
fn four_nf_processes_register_simulated_ues() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("nf.db").display());
    let (udr, udm, ausf, metrics) = (free_addr(), free_addr(), free_addr(), free_addr());
    let n2_udp = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.path().join("amf.toml");
    std::fs::write(
        &config,
        format!(
            "[n2]\ntransport = \"udp\"\nport = 38412\nudp_port = {n2_udp}\n[metrics]\nlisten = \"{metrics}\"\n"
        ),
    )
    .unwrap();
    let (udr_url, udm_url, ausf_url) = (
        format!("http://{udr}"),
        format!("http://{udm}"),
        format!("http://{ausf}"),
    );
    let config = config.to_str().unwrap();
    let _nfs = Nfs(vec![
        spawn(&["nf", "udr", "--db", &db, "--listen", &udr.to_string()]),
        spawn(&["nf", "udm", "--listen", &udm.to_string(), "--udr", &udr_url]),
        spawn(&[
            "nf",
            "ausf",
            "--listen",
            &ausf.to_string(),
            "--udm",
            &udm_url,
        ]),
        spawn(&[
            "nf", "amf", "--config", config, "--ausf", &ausf_url, "--udm", &udm_url,
        ]),
    ]);
    for a in [udr, udm, ausf, metrics] {
        wait_listening(a);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_ferrocore"))
        .args([
            "sim",
            "--transport",
            "udp",
            "--json",
            "--ues",
            "20",
            "--rate",
            "0",
        ])
        .args([
            "--amf",
            "127.0.0.1:38412",
            "--amf-udp-port",
            &n2_udp.to_string(),
        ])
        .args(["--provision", &udr_url, "--reregister", "--timeout", "60"])
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON summary ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(summary["registered"], 20, "{summary}");
    assert_eq!(summary["reregistered"], 20, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
}
