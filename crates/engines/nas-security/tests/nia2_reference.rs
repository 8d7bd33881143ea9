//! Cross-check outside Rust: `nia2_reference.py` derives KNASint / KNASenc from KAMF,
//! recomputes the 128-NIA2 (AES-CMAC, Python `cryptography`) MAC of messages protected here
//! from the key, COUNT, BEARER and DIRECTION, and deciphers 128-NEA2 (AES-CTR).

mod common;

use common::{DOWNLINK, HEADER_TYPES, KAMF, UPLINK, pair};
use ferrocore_nas_security::{BEARER_3GPP, SecurityContext};
use serde_json::json;
use std::path::Path;

struct Sent {
    bytes: Vec<u8>,
    plain: Vec<u8>,
    count: u32,
    direction: u8,
}

fn send(from: &mut SecurityContext, plain: &[u8], i: usize, out: &mut Vec<Sent>) {
    let direction = from.side().sending();
    let count = from.count(direction).value();
    let bytes = from.protect(plain, HEADER_TYPES[i % 4]).unwrap();
    out.push(Sent {
        bytes,
        plain: plain.to_vec(),
        count,
        direction: direction.bit(),
    });
}

#[test]
fn python_recomputes_nia2_macs_and_nea2_plaintexts() {
    for nea in [0u8, 2] {
        let (mut amf, mut ue) = pair(2, nea);
        let mut sent = Vec::new();
        // 300 each way, so that the overflow counter is part of some COUNTs; a longer
        // message too (several AES blocks, a partial last block)
        let long: Vec<u8> = [0x7e, 0x00, 0x67].into_iter().chain(0..=200u8).collect();
        for i in 0..300 {
            let dl: &[u8] = if i % 50 == 7 {
                &long
            } else {
                DOWNLINK[i % DOWNLINK.len()]
            };
            send(&mut amf, dl, i, &mut sent);
            send(&mut ue, UPLINK[i % UPLINK.len()], i, &mut sent);
        }
        let cases: Vec<_> = sent
            .iter()
            .map(|s| {
                json!({
                    "bytes": hex::encode(&s.bytes),
                    "count": s.count,
                    "bearer": BEARER_3GPP,
                    "direction": s.direction,
                })
            })
            .collect();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nia2_reference.py");
        let out = ferrocore_testkit::python::run_json(
            &script,
            &json!({ "kamf": hex::encode(KAMF), "nia": 2, "nea": nea, "cases": cases }),
        );
        let results = out["results"].as_array().unwrap();
        assert_eq!(results.len(), sent.len());
        for (s, r) in sent.iter().zip(results) {
            assert_eq!(
                r["mac"].as_str().unwrap(),
                hex::encode(&s.bytes[2..6]),
                "NEA{nea} COUNT {} direction {}",
                s.count,
                s.direction
            );
            assert_eq!(r["plain"].as_str().unwrap(), hex::encode(&s.plain));
            assert_eq!(r["sn_ok"], true);
        }
    }
}
