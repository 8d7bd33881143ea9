//! Property tests: whatever subscriber the model accepts survives CSV, YAML and JSON.

use ferrocore_udr::model::{
    Amf, AuthMethod, Dnn, DnnConfiguration, Key128, Msisdn, OperatorKey, SQN_LIMIT, Sd, Snssai,
    Sst, SubscribedSlice, Subscriber, Supi,
};
use ferrocore_udr::provision::{parse_csv, parse_yaml, write_csv, write_yaml};
use proptest::prelude::*;

fn arb_subscriber() -> impl Strategy<Value = Subscriber> {
    (
        "[0-9]{15}",
        any::<[u8; 16]>(),
        any::<[u8; 16]>(),
        any::<bool>(),
        any::<u16>(),
        0..SQN_LIMIT,
        proptest::option::of("[0-9]{1,15}"),
        any::<bool>(),
        1u32..=255,
        proptest::option::of(0u32..=0xFF_FFFF),
        proptest::collection::hash_set("[a-z][a-z0-9]{0,8}", 1..4),
    )
        .prop_map(
            |(imsi, k, opk, use_op, amf, sqn, msisdn, eap, sst, sd, dnns)| {
                let op = if use_op {
                    OperatorKey::Op(Key128::new(opk))
                } else {
                    OperatorKey::Opc(Key128::new(opk))
                };
                let mut s = Subscriber::new(Supi::parse(&imsi).unwrap(), Key128::new(k), op);
                s.amf = Amf(amf);
                s.sqn = sqn;
                s.msisdn = msisdn.map(|m| Msisdn::parse(&m).unwrap());
                s.auth_method = if eap {
                    AuthMethod::EapAkaPrime
                } else {
                    AuthMethod::FiveGAka
                };
                let mut dnns: Vec<_> = dnns.into_iter().collect();
                dnns.sort();
                s.slices = vec![SubscribedSlice {
                    snssai: Snssai {
                        sst: Sst::new(sst).unwrap(),
                        sd: sd.map(|v| Sd::new(v).unwrap()),
                    },
                    default: true,
                    dnns: dnns
                        .iter()
                        .map(|d| DnnConfiguration::with_defaults(Dnn::parse(d).unwrap()))
                        .collect(),
                }];
                s
            },
        )
}

proptest! {
    #[test]
    fn csv_round_trip(subs in proptest::collection::vec(arb_subscriber(), 1..8)) {
        prop_assert_eq!(parse_csv(&write_csv(&subs)).unwrap(), subs);
    }

    #[test]
    fn yaml_and_json_round_trip(subs in proptest::collection::vec(arb_subscriber(), 1..4)) {
        prop_assert_eq!(&parse_yaml(&write_yaml(&subs)).unwrap(), &subs);
        let json = serde_json::to_string(&subs).unwrap();
        prop_assert_eq!(serde_json::from_str::<Vec<Subscriber>>(&json).unwrap(), subs);
    }

    #[test]
    fn csv_parsing_never_panics(text in "[a-z0-9,;#\n\"-]{0,200}") {
        let _ = parse_csv(&format!("imsi,k,opc,sst,sd,dnn\n{text}"));
    }
}
