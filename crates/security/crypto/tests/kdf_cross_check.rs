//! Cross-checks the TS 33.501 Annex A key hierarchy against an independent Python
//! implementation (`kdf_reference.py`, standard library only) on 50 pseudo-random cases.

use ferrocore_crypto::kdf::{self, AccessType};
use ferrocore_crypto::secret::{Ck, Ik};
use serde_json::{Value, json};

/// xorshift64*: deterministic, so a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        core::array::from_fn(|_| self.next() as u8)
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

#[test]
fn key_hierarchy_matches_python_reference() {
    let mut rng = Rng(0x5EED_F00D_1234_5678);
    let mut cases = Vec::new();
    for i in 0..50 {
        let mcc = rng.digits(3);
        let mnc = rng.digits(if i % 2 == 0 { 2 } else { 3 });
        let snn = kdf::serving_network_name(&mcc, &mnc).unwrap();
        // IMSI-type SUPIs and, every fifth case, a NAI.
        let supi = if i % 5 == 4 {
            format!("user{}@example.org", rng.digits(6))
        } else {
            format!("{mcc}{mnc}{}", rng.digits(10 - (i % 2)))
        };
        let abba_len = 2 + (rng.next() % 3) as usize;
        let abba: Vec<u8> = (0..abba_len).map(|_| rng.next() as u8).collect();
        cases.push(json!({
            "ck": hex::encode(rng.bytes::<16>()),
            "ik": hex::encode(rng.bytes::<16>()),
            "rand": hex::encode(rng.bytes::<16>()),
            "res": hex::encode(rng.bytes::<8>()),
            "sqn_xor_ak": hex::encode(rng.bytes::<6>()),
            "snn": snn,
            "supi": supi,
            "abba": hex::encode(abba),
            "int_alg": rng.next() % 4,
            "enc_alg": rng.next() % 4,
            "ul_count": rng.next() as u32,
            "access": 1 + rng.next() % 2,
        }));
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kdf_reference.py");
    let reference = ferrocore_testkit::python::run_json(&script, &Value::Array(cases.clone()));
    let reference = reference.as_array().expect("a JSON list");
    assert_eq!(reference.len(), cases.len());

    for (i, (c, want)) in cases.iter().zip(reference).enumerate() {
        let h = |k: &str| hex::decode(c[k].as_str().unwrap()).unwrap();
        let ck = Ck::from_slice(&h("ck")).unwrap();
        let ik = Ik::from_slice(&h("ik")).unwrap();
        let rand: [u8; 16] = h("rand").try_into().unwrap();
        let sqn_xor_ak: [u8; 6] = h("sqn_xor_ak").try_into().unwrap();
        let snn = c["snn"].as_str().unwrap();
        let res_star = kdf::res_star(&ck, &ik, snn, &rand, &h("res"));
        let hxres_star = kdf::hres_star(&rand, &res_star);
        let kausf = kdf::kausf(&ck, &ik, snn, &sqn_xor_ak);
        let kseaf = kdf::kseaf(&kausf, snn);
        let kamf = kdf::kamf(&kseaf, c["supi"].as_str().unwrap(), &h("abba"));
        let knas_int = kdf::knas_int(&kamf, c["int_alg"].as_u64().unwrap() as u8);
        let knas_enc = kdf::knas_enc(&kamf, c["enc_alg"].as_u64().unwrap() as u8);
        let access = if c["access"] == 1 {
            AccessType::ThreeGpp
        } else {
            AccessType::Non3Gpp
        };
        let kgnb = kdf::kgnb(&kamf, c["ul_count"].as_u64().unwrap() as u32, access);
        let nh1 = kdf::nh(&kamf, kgnb.as_bytes());
        let nh2 = kdf::nh(&kamf, nh1.as_bytes());
        let got = json!({
            "res_star": hex::encode(res_star),
            "hxres_star": hex::encode(hxres_star),
            "kausf": hex::encode(kausf.as_bytes()),
            "kseaf": hex::encode(kseaf.as_bytes()),
            "kamf": hex::encode(kamf.as_bytes()),
            "knas_int": hex::encode(knas_int.as_bytes()),
            "knas_enc": hex::encode(knas_enc.as_bytes()),
            "kgnb": hex::encode(kgnb.as_bytes()),
            "nh1": hex::encode(nh1.as_bytes()),
            "nh2": hex::encode(nh2.as_bytes()),
        });
        assert_eq!(&got, want, "case {i}: {c}");
    }
}
