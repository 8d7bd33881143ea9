//! SNOW 3G known answers: f8/UEA2 and f9/UIA2 (TS 35.217), 128-EIA1 (TS 33.401 Annex C.4).
//! 128-EEA1 / 128-NEA1 is UEA2 with a one-to-one input mapping (TS 33.401 Annex B.1.2,
//! TS 33.501 Annex D.4.2), so the UEA2 sets are its test data.

use super::*;
use crate::NasCipheringAlgorithm;
use crate::NasIntegrityAlgorithm;
use crate::nas::known_answers::{V, assert_bits_eq, bytes, key};
use crate::secret::Key128;

const UEA2: &[V] = &[
    // TS 35.217 (UEA2 & UIA2 Document 3), f8 / UEA2 test set 1.
    V {
        set: 1,
        key: "2bd6459f82c5b300952c49104881ff48",
        count: 0x72a4f20f,
        bearer: 0xc,
        direction: 1,
        bits: 798,
        data: "7ec61272743bf1614726446a6c38ced166f6ca76eb5430044286346cef130f92922b03450d3a9975e5bd2ea0eb55ad8e1b199e3ec4316020e9a1b285e762795359b7bdfd39bef4b2484583d5afe082aee638bf5fd5a606193901a08f4ab41aab9b134880",
        out: "8ceba62943dced3a0990b06ea1b0a2c4fb3cedc71b369f42ba64c1eb6665e72aa1c9bb0deaa20fe86058b8baee2c2e7f0becce48b52932a53c9d5f931a3a7c532259af4325e2a65e3084ad5f6a513b7bddc1b65f0aa0d97a053db55a88c4c4f9605e4140",
    },
    // TS 35.217 (UEA2 & UIA2 Document 3), f8 / UEA2 test set 2.
    V {
        set: 2,
        key: "efa8b2229e720c2a7c36ea55e9605695",
        count: 0xe28bcf7b,
        bearer: 0x18,
        direction: 0,
        bits: 510,
        data: "10111231e060253a43fd3f57e37607ab2827b599b6b1bbda37a8abcc5a8c550d1bfb2f494624fb50367fa36ce3bc68f11cf93b1510376b02130f812a9fa169d8",
        out: "e0da15ca8e2554f5e56c9468dc6c7c129c568aa5032317e04e0729646cabefa689864c410f24f919e61e3dfdfad77e560db0a9cd36c34ae4181490b29f5fa2fc",
    },
    // TS 35.217 (UEA2 & UIA2 Document 3), f8 / UEA2 test set 3.
    V {
        set: 3,
        key: "5acb1d644c0d51204ea5f1451010d852",
        count: 0xfa556b26,
        bearer: 0x3,
        direction: 1,
        bits: 120,
        data: "ad9c441f890b38c457a49d421407e8",
        out: "ba0f31300334c56b52a7497cbac046",
    },
    // TS 35.217 (UEA2 & UIA2 Document 3), f8 / UEA2 test set 4.
    V {
        set: 4,
        key: "d3c5d592327fb11c4035c6680af8c6d1",
        count: 0x398a59b4,
        bearer: 0x5,
        direction: 1,
        bits: 253,
        data: "981ba6824c1bfb1ab485472029b71d808ce33e2cc3c0b5fc1f3de8a6dc66b1f0",
        out: "989b719cdc33ceb7cf276a52827cef94a56c40c0ab9d81f7a2a9bac60e11c4b0",
    },
    // TS 35.217 (UEA2 & UIA2 Document 3), f8 / UEA2 test set 5.
    V {
        set: 5,
        key: "6090eae04c83706eecbf652be8e36566",
        count: 0x72a4f20f,
        bearer: 0x9,
        direction: 0,
        bits: 837,
        data: "40981ba6824c1bfb4286b299783daf442c099f7ab0f58d5c8e46b104f08f01b41ab485472029b71d36bd1a3d90dc3a41b46d51672ac4c9663a2be063da4bc8d2808ce33e2cccbfc634e1b259060876a0fbb5a437ebcc8d31c19e4454318745e3987645987a986f2cb0",
        out: "5892bba88bbbcaaeae769aa06b683d3a17cc04a369881697435e44fed5ff9af57b9e890d4d5c64709885d48ae40690ec043baae9705796e4a9ff5a4b8d8b36d7f3fe57cc6cfd6cd005cd3852a85e94ce6bcd90d0d07839ce09733544ca8e350843248550922ac12818",
    },
];
const UIA2: &[V] = &[
    // TS 35.217 (UEA2 & UIA2 Document 3), f9 / UIA2 (bearer field holds FRESH) test set 1.
    V {
        set: 1,
        key: "2bd6459f82c5b300952c49104881ff48",
        count: 0x38a6f056,
        bearer: 0x5d2ec49,
        direction: 0,
        bits: 189,
        data: "6b227737296f393c8079353edc87e2e805d2ec49a4f2d8e0",
        out: "2bce1820",
    },
    // TS 35.217 (UEA2 & UIA2 Document 3), f9 / UIA2 (bearer field holds FRESH) test set 2.
    V {
        set: 2,
        key: "d42f682428201cafcd9f97945e6de7b7",
        count: 0x3edc87e2,
        bearer: 0xa4f2d8e2,
        direction: 1,
        bits: 254,
        data: "b5924384328a4ae00b737109f8b6c8dd2b4db63dd533981ceb19aad52a5b2bc0",
        out: "fc7b18bd",
    },
    // TS 35.217 (UEA2 & UIA2 Document 3), f9 / UIA2 (bearer field holds FRESH) test set 3.
    V {
        set: 3,
        key: "fdb9cfdf28936cc483a31869d81b8fab",
        count: 0x36af6144,
        bearer: 0x9838f03a,
        direction: 1,
        bits: 319,
        data: "5932bc0ace2b0aba33d8ac188ac54f346fad10bf9dee2920b43bd0c53a915cb7df6caa72053abff2",
        out: "02f1faaf",
    },
    // TS 35.217 (UEA2 & UIA2 Document 3), f9 / UIA2 (bearer field holds FRESH) test set 4.
    V {
        set: 4,
        key: "c736c6aab22bfff91e2698d2e22ad57e",
        count: 0x14793e41,
        bearer: 0x397e8fd,
        direction: 1,
        bits: 384,
        data: "d0a7d463df9fb2b278833fa02e235aa172bd970c1473e12907fb648b6599aaa0b24a038665422b20a499276a50427009",
        out: "38b554c0",
    },
    // TS 35.217 (UEA2 & UIA2 Document 3), f9 / UIA2 (bearer field holds FRESH) test set 5.
    V {
        set: 5,
        key: "f4ebec69e73eaf2eb2cf6af4b3120ffd",
        count: 0x296f393c,
        bearer: 0x6b227737,
        direction: 1,
        bits: 1000,
        data: "10bfff839e0c71658dbb2d1707e145724f41c16f48bf403c3b18e38fd5d1663b6f6d900193e3cea8bb4f1b4f5be822032232a78d7d75238d5e6daecd3b4322cf59bc7ea84ab18811b5bfb7bc553f4fe44478ce287a14879990d18d12ca79d2c855149021cd5ce8ca0371ca04fcce143e3d7cfee94585b5885cac46068b",
        out: "061745ae",
    },
];
const EIA1: &[V] = &[
    // TS 33.401 Annex C.4, 128-EIA1 test set 1.
    V {
        set: 1,
        key: "2bd6459f82c5b300952c49104881ff48",
        count: 0x38a6f056,
        bearer: 0x1f,
        direction: 0,
        bits: 88,
        data: "3332346263393861373479",
        out: "731f1165",
    },
    // TS 33.401 Annex C.4, 128-EIA1 test set 2.
    V {
        set: 2,
        key: "7e5e94431e11d73828d739cc6ced4573",
        count: 0x36af6144,
        bearer: 0x18,
        direction: 1,
        bits: 254,
        data: "b3d3c9170a4e1632f60f861013d22d84b726b6a278d802d1eeaf1321ba5929dc",
        out: "e3259f6f",
    },
    // TS 33.401 Annex C.4, 128-EIA1 test set 3.
    V {
        set: 3,
        key: "d3419be821087acd02123a9248033359",
        count: 0xc7590ea9,
        bearer: 0x17,
        direction: 0,
        bits: 511,
        data: "bbb057038809496bcff86d6fbc8ce5b135a06b166054f2d565be8ace75dc851e0bcdd8f07141c495872fb5d8c0c66a8b6da556663e4e461205d84580bee5bc7e",
        out: "9a16c77d",
    },
    // TS 33.401 Annex C.4, 128-EIA1 test set 4.
    V {
        set: 4,
        key: "83fd23a244a74cf358da3019f1722635",
        count: 0x36af6144,
        bearer: 0xf,
        direction: 1,
        bits: 768,
        data: "35c68716633c66fb750c266865d53c11ea05b1e9fa49c8398d48e1efa5909d3947902837f5ae96d5a05bc8d61ca8dbef1b13a4b4abfe4fb1006045b674bb54729304c382be53a5af05556176f6eaa2ef1d05e4b083181ee674cda5a485f74d7a",
        out: "bba74492",
    },
    // TS 33.401 Annex C.4, 128-EIA1 test set 5.
    V {
        set: 5,
        key: "6832a65cff4473621ebdd4ba26a921fe",
        count: 0x36af6144,
        bearer: 0x18,
        direction: 0,
        bits: 383,
        data: "d3c53839626820717765667620323837636240981ba6824c1bfb1ab485472029b71d808ce33e2cc3c0b5fc1f3de8a6dc",
        out: "4145e4b0",
    },
    // TS 33.401 Annex C.4, 128-EIA1 test set 6.
    V {
        set: 6,
        key: "5d0a80d8134ae19677824b671e838af4",
        count: 0x7827fab2,
        bearer: 0x5,
        direction: 1,
        bits: 2558,
        data: "70dedf2dc42c5cbd3a96f8a0b11418b3608d5733604a2cd36aabc70ce3193bb5153be2d3c06dfdb2d16e9c357158be6a41d6b861e491db3fbfeb518efcf048d7d58953730ff30c9ec470ffcd663dc34201c36addc0111c35b38afee7cfdb582e3731f8b4baa8d1a89c06e81199a9716227be344efcb436ddd0f096c064c3b5e2c399993fc77394f9e09720a811850ef23b2ee05d9e6173609d86e1c0c18ea51a012a00bb413b9cb8188a703cd6bae31cc67b34b1b00019e6a2b2a690f02671fe7c9ef8dec0094e533763478d58d2c5f5b827a0148c5948a96931acf84f465a64e62ce74007e991e37ea823fa0fb21923b79905b733b631e6c7d6860a3831ac351a9c730c52ff72d9d308eedbab21fde143a0ea17e23edc1f74cbb3638a2033aaa15464eaa733385dbbeb6fd73509b857e6a419dca1d8907af977fbac4dfa35ec",
        out: "0fa2b1ee",
    },
];

#[test]
fn uea2_f8_ts_35_217_sets_1_to_5() {
    for v in UEA2 {
        let mut data = bytes(v.data);
        f8(&key(v), v.count, v.bearer as u8, v.direction, &mut data);
        assert_bits_eq(&data, &bytes(v.out), v.bits, "UEA2", v.set);
        // The same through the NAS enum (128-NEA1), deciphering back.
        NasCipheringAlgorithm::Nea1.apply(
            &Key128::new(key(v)),
            v.count,
            v.bearer as u8,
            v.direction,
            &mut data,
        );
        assert_bits_eq(&data, &bytes(v.data), v.bits, "NEA1 inverse", v.set);
    }
}

#[test]
fn uia2_f9_ts_35_217_sets_1_to_5() {
    for v in UIA2 {
        let mac = f9(
            &key(v),
            v.count,
            v.bearer,
            v.direction,
            &bytes(v.data),
            v.bits,
        );
        assert_eq!(mac.to_vec(), bytes(v.out), "UIA2 set {}", v.set);
    }
}

#[test]
fn eia1_ts_33_401_c4_sets_1_to_6() {
    for v in EIA1 {
        let mac = eia1(
            &key(v),
            v.count,
            v.bearer as u8,
            v.direction,
            &bytes(v.data),
            v.bits,
        );
        assert_eq!(mac.to_vec(), bytes(v.out), "EIA1 set {}", v.set);
        if v.bits.is_multiple_of(8) {
            let nia1 = NasIntegrityAlgorithm::Nia1.mac(
                &Key128::new(key(v)),
                v.count,
                v.bearer as u8,
                v.direction,
                &bytes(v.data),
            );
            assert_eq!(nia1, mac, "NIA1 set {}", v.set);
        }
    }
}
