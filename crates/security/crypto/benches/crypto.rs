//! Criterion benchmarks: one full 5G HE AV generation (MILENAGE, XRES*, HXRES*, KAUSF, plus
//! the serving network's KSEAF / KAMF / KNASint / KNASenc / KgNB), SUCI de-concealment, and
//! NAS-MAC / ciphering of a 100-octet message with each algorithm.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ferrocore_crypto::auth;
use ferrocore_crypto::kdf::{self, AccessType};
use ferrocore_crypto::milenage::{K, Milenage, Opc};
use ferrocore_crypto::nas::{NasCipheringAlgorithm, NasIntegrityAlgorithm};
use ferrocore_crypto::secret::{EphemeralKey, HnPrivateKey, Key128};
use ferrocore_crypto::suci::{self, HomeNetworkKeys, HomeNetworkPrivateKey, ProtectionScheme};

fn authentication(c: &mut Criterion) {
    let k = K::new([0x46; 16]);
    let opc = Opc::new([0xCD; 16]);
    let snn = kdf::serving_network_name("001", "01").unwrap();
    let rand = [0x23; 16];
    let sqn = [0, 0, 0, 0, 0, 0x21];
    c.bench_function("auth/he_av_milenage_xres_hxres_kausf", |b| {
        b.iter(|| {
            let m = Milenage::new(black_box(&k), black_box(&opc));
            black_box(auth::generate_he_av(
                &m,
                black_box(&rand),
                &sqn,
                &[0x80, 0],
                &snn,
            ))
        })
    });
    c.bench_function("auth/full_chain_to_kgnb", |b| {
        b.iter(|| {
            let m = Milenage::new(black_box(&k), black_box(&opc));
            let av = auth::generate_he_av(&m, black_box(&rand), &sqn, &[0x80, 0], &snn);
            let kseaf = kdf::kseaf(&av.kausf, &snn);
            let kamf = kdf::kamf(&kseaf, "001010123456789", &[0, 0]);
            let int = kdf::knas_int(&kamf, 2);
            let enc = kdf::knas_enc(&kamf, 2);
            let kgnb = kdf::kgnb(&kamf, 0, AccessType::ThreeGpp);
            black_box((int, enc, kgnb))
        })
    });
}

fn suci_deconceal(c: &mut Criterion) {
    for (name, scheme, private) in [
        (
            "suci/deconceal_profile_a",
            ProtectionScheme::ProfileA,
            HomeNetworkPrivateKey::ProfileA(HnPrivateKey::new([0x11; 32])),
        ),
        (
            "suci/deconceal_profile_b",
            ProtectionScheme::ProfileB,
            HomeNetworkPrivateKey::ProfileB(HnPrivateKey::new([0x11; 32])),
        ),
    ] {
        let output = suci::conceal_msin(
            "0123456789",
            &private.public_key().unwrap(),
            &EphemeralKey::new([0x22; 32]),
        )
        .unwrap();
        let mut keys = HomeNetworkKeys::new();
        keys.insert(1, private);
        c.bench_function(name, |b| {
            b.iter(|| {
                black_box(suci::deconceal_msin(scheme, 1, black_box(&output), &keys).unwrap())
            })
        });
    }
}

fn nas(c: &mut Criterion) {
    let key = Key128::new([0x5A; 16]);
    let msg = [0xA5u8; 100];
    let mut g = c.benchmark_group("nas_100B");
    g.throughput(Throughput::Bytes(msg.len() as u64));
    for (name, alg) in [
        ("mac_nia1", NasIntegrityAlgorithm::Nia1),
        ("mac_nia2", NasIntegrityAlgorithm::Nia2),
        ("mac_nia3", NasIntegrityAlgorithm::Nia3),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| black_box(alg.mac(&key, black_box(7), 1, 0, black_box(&msg))))
        });
    }
    for (name, alg) in [
        ("cipher_nea1", NasCipheringAlgorithm::Nea1),
        ("cipher_nea2", NasCipheringAlgorithm::Nea2),
        ("cipher_nea3", NasCipheringAlgorithm::Nea3),
    ] {
        let mut buf = msg;
        g.bench_function(name, |b| {
            b.iter(|| alg.apply(&key, black_box(7), 1, 0, black_box(&mut buf)))
        });
    }
    g.finish();
}

criterion_group!(benches, authentication, suci_deconceal, nas);
criterion_main!(benches);
