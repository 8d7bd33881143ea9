//! 5G AKA end to end: UE model -> AUSF -> UDM -> UDR -> SQLite, the same test bodies
//! in-process and over HTTP/2.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use common::usim::{Refusal, Usim, sqn_of};
use common::{Core, IMSI, K, OPC, SUPI, Wiring, confirmation, core, info, provisioned_store, snn};
use ferrocore_crypto::kdf::{hres_star, kseaf};
use ferrocore_crypto::secret::{EphemeralKey, HnPrivateKey};
use ferrocore_crypto::suci::{HomeNetworkKeys, HomeNetworkPrivateKey, conceal_msin};
use ferrocore_sbi::cause;
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::nausf_ueau::{
    AuthData5g, AuthResult, AuthenticationInfo, Av5gAka, UeAuthenticationService,
};
use ferrocore_sbi::nudm_ueau::ResynchronizationInfo;
use ferrocore_udm::UdmConfig;

const WIRINGS: [Wiring; 2] = [Wiring::InProcess, Wiring::Http];

fn null_suci(imsi: &str) -> String {
    format!(
        "suci-0-{}-{}-0000-0-0-{}",
        &imsi[..3],
        &imsi[3..5],
        &imsi[5..]
    )
}

async fn challenge(
    ausf: &dyn UeAuthenticationService,
    info: AuthenticationInfo,
) -> (String, Av5gAka) {
    let created = ausf.authenticate(info).await.expect("201");
    let id = created.resource_id().to_owned();
    assert!(created.body.links.contains_key("5g-aka"));
    match created.body.auth_data {
        AuthData5g::Av5gAka(av) => (id, av),
        other => panic!("not 5G AKA: {other:?}"),
    }
}

/// The whole of TS 33.501 §6.1.3.2 for one UE; returns the SQN it accepted.
async fn full_aka(ausf: &dyn UeAuthenticationService, usim: &mut Usim, ue: &str) -> u64 {
    let snn = snn();
    let (id, av) = challenge(ausf, info(ue, &snn)).await;
    let res = usim
        .authenticate(&av.rand.0, &av.autn.0, &snn)
        .expect("the UE accepts the AUTN");
    assert_eq!(
        hres_star(&av.rand.0, &res.res_star),
        av.hxres_star.0,
        "HRES* = HXRES*"
    );
    let answer = ausf
        .confirm_5g_aka(&id, confirmation(Some(res.res_star)))
        .await
        .expect("200");
    assert_eq!(answer.auth_result, AuthResult::AuthenticationSuccess);
    assert_eq!(answer.supi.as_deref(), Some(SUPI));
    assert_eq!(answer.kseaf.unwrap().0, *kseaf(&res.kausf, &snn).as_bytes());
    sqn_of(&res.sqn)
}

/// The default UDM, taking SQN blocks of `n`.
fn sqn_block(n: u64) -> UdmConfig {
    UdmConfig {
        sqn_block: n,
        ..UdmConfig::default()
    }
}

async fn home(wiring: Wiring, config: UdmConfig) -> (tempfile::TempDir, Core) {
    let dir = tempfile::tempdir().unwrap();
    let core = core(wiring, provisioned_store(&dir).await, config).await;
    (dir, core)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_5g_aka_with_supi_and_null_scheme_suci() {
    for wiring in WIRINGS {
        let (_dir, core) = home(wiring, UdmConfig::default()).await;
        let mut usim = Usim::new(K, OPC, 0);
        let first = full_aka(&*core.ausf, &mut usim, SUPI).await;
        let second = full_aka(&*core.ausf, &mut usim, &null_suci(IMSI)).await;
        assert!(second > first, "{wiring:?}");
        let status = core
            .nudr
            .authentication_status(&ferrocore_udr::Supi::parse(IMSI).unwrap())
            .expect("the UDM stored the result in the UDR");
        assert!(status.success, "{wiring:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suci_profiles_a_and_b_with_configured_keys() {
    let a = HnPrivateKey::new([0x2a; 32]);
    let b = HnPrivateKey::new([0x11; 32]);
    let mut keys = HomeNetworkKeys::new();
    keys.insert(1, HomeNetworkPrivateKey::ProfileA(a.clone()));
    keys.insert(2, HomeNetworkPrivateKey::ProfileB(b.clone()));
    let config = UdmConfig {
        home_network_keys: keys,
        ..UdmConfig::default()
    };
    for wiring in WIRINGS {
        let (_dir, core) = home(wiring, config.clone()).await;
        let mut usim = Usim::new(K, OPC, 0);
        for (scheme, key_id, key) in [
            (1, 1, HomeNetworkPrivateKey::ProfileA(a.clone())),
            (2, 2, HomeNetworkPrivateKey::ProfileB(b.clone())),
        ] {
            let public = key.public_key().unwrap();
            let output = conceal_msin(&IMSI[5..], &public, &EphemeralKey::new([0x33; 32])).unwrap();
            let suci = format!(
                "suci-0-001-01-0000-{scheme}-{key_id}-{}",
                hex_string(&output)
            );
            full_aka(&*core.ausf, &mut usim, &suci).await;
        }
        // A SUCI under a key identifier the home network does not have.
        let e = core
            .ausf
            .authenticate(info("suci-0-001-01-0000-1-9-00112233445566778899", &snn()))
            .await
            .unwrap_err();
        assert_eq!(e.status, 403, "{wiring:?}: {e}");
    }
}

fn hex_string(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_res_star_unknown_supi_unauthorised_network() {
    for wiring in WIRINGS {
        let (_dir, core) = home(wiring, UdmConfig::default()).await;
        let snn = snn();
        let (id, _av) = challenge(&*core.ausf, info(SUPI, &snn)).await;
        let answer = core
            .ausf
            .confirm_5g_aka(&id, confirmation(Some([0x55; 16])))
            .await
            .unwrap();
        assert_eq!(answer.auth_result, AuthResult::AuthenticationFailure);
        assert!(answer.kseaf.is_none() && answer.supi.is_none());
        // The context is consumed: a second try finds nothing.
        let again = core
            .ausf
            .confirm_5g_aka(&id, confirmation(None))
            .await
            .unwrap_err();
        assert_eq!(again.status, 404);
        assert_eq!(again.cause(), Some(cause::CONTEXT_NOT_FOUND));

        let e = core
            .ausf
            .authenticate(info("imsi-001019999999999", &snn))
            .await
            .unwrap_err();
        assert_eq!(
            (e.status, e.cause()),
            (404, Some(cause::USER_NOT_FOUND)),
            "{wiring:?}"
        );

        let e = core
            .ausf
            .authenticate(info(SUPI, "5G:mnc099.mcc208.3gppnetwork.org"))
            .await
            .unwrap_err();
        assert_eq!(
            (e.status, e.cause()),
            (403, Some(cause::SERVING_NETWORK_NOT_AUTHORIZED)),
            "{wiring:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqn_resynchronisation_through_the_services() {
    for wiring in WIRINGS {
        let (_dir, core) = home(wiring, UdmConfig::default()).await;
        let snn = snn();
        // The UE has seen SQNs far beyond the network's (a restored USIM, a lost DB).
        let ue_sqn = 5_000_000_000;
        let mut usim = Usim::new(K, OPC, ue_sqn);
        let (_id, av) = challenge(&*core.ausf, info(SUPI, &snn)).await;
        let Err(Refusal::SyncFailure { auts }) = usim.authenticate(&av.rand.0, &av.autn.0, &snn)
        else {
            panic!("the UE must report a synchronisation failure");
        };
        let mut retry = info(SUPI, &snn);
        retry.resynchronization_info = Some(ResynchronizationInfo {
            rand: av.rand,
            auts: Hex(auts),
        });
        let (id, av) = challenge(&*core.ausf, retry).await;
        let res = usim
            .authenticate(&av.rand.0, &av.autn.0, &snn)
            .expect("fresh after re-synchronisation");
        assert!(sqn_of(&res.sqn) > ue_sqn);
        let answer = core
            .ausf
            .confirm_5g_aka(&id, confirmation(Some(res.res_star)))
            .await
            .unwrap();
        assert_eq!(answer.auth_result, AuthResult::AuthenticationSuccess);
        // And the next ordinary authentication is fresh too.
        full_aka(&*core.ausf, &mut usim, SUPI).await;
        // A corrupted AUTS does not move the SQN (TS 33.102 §6.3.5 step iv: new vector, no reset).
        let mut bad = info(SUPI, &snn);
        let mut auts = auts;
        auts[13] ^= 1;
        bad.resynchronization_info = Some(ResynchronizationInfo {
            rand: av.rand,
            auts: Hex(auts),
        });
        let (_id, av) = challenge(&*core.ausf, bad).await;
        usim.authenticate(&av.rand.0, &av.autn.0, &snn)
            .expect("no reset, still above the UE's SQN");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_authentications_never_reuse_an_sqn() {
    for wiring in WIRINGS {
        let (_dir, core) = home(wiring, sqn_block(8)).await;
        let ausf = core.ausf.clone();
        let usim = Arc::new(Usim::new(K, OPC, 0));
        let snn = snn();
        let mut tasks = Vec::new();
        for t in 0..32 {
            let (ausf, usim, snn) = (ausf.clone(), usim.clone(), snn.clone());
            tasks.push(tokio::spawn(async move {
                let mut sqns = Vec::new();
                for _ in 0..6 {
                    let ue = if t % 2 == 0 {
                        SUPI.to_owned()
                    } else {
                        null_suci(IMSI)
                    };
                    let (id, av) = challenge(&*ausf, info(&ue, &snn)).await;
                    let res = usim.verify_only(&av.rand.0, &av.autn.0, &snn);
                    let answer = ausf
                        .confirm_5g_aka(&id, confirmation(Some(res.res_star)))
                        .await
                        .unwrap();
                    assert_eq!(answer.auth_result, AuthResult::AuthenticationSuccess);
                    sqns.push(sqn_of(&res.sqn));
                }
                sqns
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let unique: HashSet<u64> = all.iter().copied().collect();
        assert_eq!(
            unique.len(),
            all.len(),
            "{wiring:?}: an SQN was handed out twice"
        );
        assert_eq!(all.len(), 32 * 6);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_udm_never_reuses_an_sqn() {
    for wiring in WIRINGS {
        let dir = tempfile::tempdir().unwrap();
        let store = provisioned_store(&dir).await;
        let mut usim = Usim::new(K, OPC, 0);
        let mut seen = HashSet::new();
        for _restart in 0..3 {
            // A new UDM (and AUSF) instance on the same store: blocks held in memory by the
            // previous one are lost, never handed out again.
            let core = core(wiring, store.clone(), UdmConfig::default()).await;
            for _ in 0..5 {
                let sqn = full_aka(&*core.ausf, &mut usim, SUPI).await;
                assert!(seen.insert(sqn), "{wiring:?}: SQN {sqn} reused");
            }
            drop(core);
        }
        // And after reopening the database file itself ("crash" of the UDR process).
        drop(store);
        let store = common::store(&dir).await;
        let core = core(wiring, store, UdmConfig::default()).await;
        let sqn = full_aka(&*core.ausf, &mut usim, SUPI).await;
        assert!(seen.insert(sqn));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_udm_instances_on_one_udr_share_the_sqn_space() {
    // Two UDMs reserving blocks from one UDR at the same time: the JSON Patch test fails
    // for one of them now and then (409), it re-reads and retries.
    let dir = tempfile::tempdir().unwrap();
    let store = provisioned_store(&dir).await;
    let a = core(Wiring::InProcess, store.clone(), sqn_block(2)).await;
    let b = core(Wiring::InProcess, store.clone(), sqn_block(3)).await;
    let usim = Arc::new(Usim::new(K, OPC, 0));
    let mut tasks = Vec::new();
    for (i, ausf) in [a.ausf.clone(), b.ausf.clone()]
        .into_iter()
        .cycle()
        .take(16)
        .enumerate()
    {
        let usim = usim.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for _ in 0..8 {
                let (_, av) = challenge(&*ausf, info(SUPI, &snn())).await;
                out.push(sqn_of(
                    &usim.verify_only(&av.rand.0, &av.autn.0, &snn()).sqn,
                ));
            }
            (i, out)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap().1);
    }
    let unique: HashSet<u64> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len());
}
