//! The home network for tests: AUSF -> UDM -> UDR -> SQLite, wired in-process or over
//! HTTP/2 (h2c) on 127.0.0.1 ephemeral ports, plus subscribers and a capture of every
//! HTTP exchange (for the contract check).

#![allow(dead_code)]

pub mod usim;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use ferrocore_ausf::{Ausf, AusfConfig};
use ferrocore_crypto::kdf::serving_network_name;
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::nausf_ueau::{AuthenticationInfo, ConfirmationData, UeAuthenticationService};
use ferrocore_sbi::nudm_ueau::UeauService;
use ferrocore_sbi::nudr_dr::DataRepositoryService;
use ferrocore_sbi_http::{HttpClient, RunningServer};
use ferrocore_udm::{Udm, UdmConfig};
use ferrocore_udr::SubscriberStore;
use ferrocore_udr::model::{Key128, OperatorKey, Subscriber, Supi};
use ferrocore_udr::nudr::Nudr;

pub const K: [u8; 16] = [
    0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4, 0x9f, 0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc,
];
pub const OPC: [u8; 16] = [
    0xcd, 0x63, 0xcb, 0x71, 0x95, 0x4a, 0x9f, 0x4e, 0x48, 0xa5, 0x99, 0x4e, 0x37, 0xa0, 0x2b, 0xaf,
];
pub const IMSI: &str = "001010000000001";
pub const SUPI: &str = "imsi-001010000000001";

pub fn snn() -> String {
    serving_network_name("001", "01").unwrap()
}

/// Which way the NFs talk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wiring {
    InProcess,
    Http,
}

/// One captured HTTP exchange.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    pub query: String,
    pub request_type: Option<String>,
    pub request_body: Vec<u8>,
    pub status: u16,
    pub response_type: Option<String>,
    pub location: Option<String>,
    pub response_body: Vec<u8>,
}

pub type Capture = Arc<Mutex<Vec<Exchange>>>;

async fn capture(State(cap): State<Capture>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let header = |h: &axum::http::HeaderMap, name: &str| {
        h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    };
    let mut ex = Exchange {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        request_type: header(&parts.headers, "content-type"),
        request_body: bytes.to_vec(),
        status: 0,
        response_type: None,
        location: None,
        response_body: Vec::new(),
    };
    let resp = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (parts, body) = resp.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
    ex.status = parts.status.as_u16();
    ex.response_type = header(&parts.headers, "content-type");
    ex.location = header(&parts.headers, "location");
    ex.response_body = bytes.to_vec();
    cap.lock().unwrap().push(ex);
    Response::from_parts(parts, Body::from(bytes))
}

/// A free port on 127.0.0.1 (so that a producer knows its own apiRoot before serving).
fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

async fn serve(addr: SocketAddr, router: axum::Router, cap: &Capture) -> RunningServer {
    let router = router.layer(middleware::from_fn_with_state(cap.clone(), capture));
    ferrocore_sbi_http::spawn(addr, router).await.unwrap()
}

/// The home network.
pub struct Core {
    /// What the AMF would hold.
    pub ausf: Arc<dyn UeAuthenticationService>,
    pub udm: Arc<Udm>,
    pub nudr: Arc<Nudr>,
    pub store: Arc<dyn SubscriberStore>,
    pub capture: Capture,
    pub servers: Vec<RunningServer>,
}

pub async fn store(dir: &tempfile::TempDir) -> Arc<dyn SubscriberStore> {
    let path = dir.path().join("ferrocore.db");
    ferrocore_udr::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
}

/// A store in `dir` holding the test subscriber [`IMSI`] at SQN 0.
pub async fn provisioned_store(dir: &tempfile::TempDir) -> Arc<dyn SubscriberStore> {
    let store = store(dir).await;
    store.create(&subscriber(IMSI, 0)).await.unwrap();
    store
}

/// An authentication request for `ue` (SUPI or SUCI) from serving network `snn`.
pub fn info(ue: &str, snn: &str) -> AuthenticationInfo {
    AuthenticationInfo {
        supi_or_suci: ue.to_owned(),
        serving_network_name: snn.to_owned(),
        resynchronization_info: None,
        pei: None,
        routing_indicator: None,
        supported_features: None,
    }
}

/// The UE's answer to a 5G AKA challenge.
pub fn confirmation(res_star: Option<[u8; 16]>) -> ConfirmationData {
    ConfirmationData {
        res_star: res_star.map(Hex),
        supported_features: None,
    }
}

pub fn subscriber(imsi: &str, sqn: u64) -> Subscriber {
    let mut s = Subscriber::new(
        Supi::parse(imsi).unwrap(),
        Key128::new(K),
        OperatorKey::Opc(Key128::new(OPC)),
    );
    s.sqn = sqn;
    s
}

pub async fn core(wiring: Wiring, store: Arc<dyn SubscriberStore>, udm_config: UdmConfig) -> Core {
    let nudr = Arc::new(Nudr::new(store.clone()));
    let capture: Capture = Arc::default();
    match wiring {
        Wiring::InProcess => {
            let udm = Arc::new(Udm::new(udm_config, nudr.clone()));
            let ausf = Arc::new(Ausf::new(AusfConfig::default(), udm.clone()));
            Core {
                ausf,
                udm,
                nudr,
                store,
                capture,
                servers: Vec::new(),
            }
        }
        Wiring::Http => {
            use ferrocore_sbi_http::{nausf_ueau, nudm_sdm, nudm_ueau, nudm_uecm, nudr_dr};
            let udr_srv = serve(free_addr(), nudr_dr::router(nudr.clone()), &capture).await;
            let dr: Arc<dyn DataRepositoryService> = Arc::new(nudr_dr::DataRepositoryClient(
                HttpClient::new(udr_srv.api_root()).unwrap(),
            ));
            let udm_addr = free_addr();
            let udm = Arc::new(Udm::new(
                UdmConfig {
                    api_root: format!("http://{udm_addr}"),
                    ..udm_config
                },
                dr,
            ));
            let udm_router = nudm_ueau::router(udm.clone())
                .merge(nudm_sdm::router(udm.clone()))
                .merge(nudm_uecm::router(udm.clone()));
            let udm_srv = serve(udm_addr, udm_router, &capture).await;
            let ueau: Arc<dyn UeauService> = Arc::new(nudm_ueau::UeauClient(
                HttpClient::new(udm_srv.api_root()).unwrap(),
            ));
            let ausf_addr = free_addr();
            let ausf = Arc::new(Ausf::new(
                AusfConfig {
                    api_root: format!("http://{ausf_addr}"),
                    ..AusfConfig::default()
                },
                ueau,
            ));
            let ausf_srv = serve(ausf_addr, nausf_ueau::router(ausf), &capture).await;
            let client =
                nausf_ueau::UeAuthenticationClient(HttpClient::new(ausf_srv.api_root()).unwrap());
            Core {
                ausf: Arc::new(client),
                udm,
                nudr,
                store,
                capture,
                servers: vec![udr_srv, udm_srv, ausf_srv],
            }
        }
    }
}
