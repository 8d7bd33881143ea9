//! TS 33.501 Annex C.4 implementers' test data: null scheme (C.4.2), ECIES Profile A
//! (C.4.3) and Profile B (C.4.4), both the IMSI-based and the NAI-based sets.

use super::*;

fn bytes(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn key32(s: &str) -> [u8; 32] {
    bytes(s).try_into().unwrap()
}

// TS 33.501 Annex C.4.3 (Profile A) home network key pair.
const A_HN_PRIVATE: &str = "c53c22208b61860b06c62e5406a7b330c2b577aa5558981510d128247d38bd1d";
const A_HN_PUBLIC: &str = "5a8d38864820197c3394b92613b20b91633cbd897119273bf8e4a6f4eec0a650";
// TS 33.501 Annex C.4.4 (Profile B) home network key pair.
const B_HN_PRIVATE: &str = "f1ab1074477ebcc7f554ea1c5fc368b1616730155e0041ac447d6301975fecda";
const B_HN_PUBLIC_COMPRESSED: &str =
    "0272da71976234ce833a6907425867b82e074d44ef907dfb4b3e21c1c2256ebcd1";
const B_HN_PUBLIC_UNCOMPRESSED: &str = "0472da71976234ce833a6907425867b82e074d44ef907dfb4b3e21c1c2256ebcd15a7ded52fcbb097a4ed250e036c7b9c8c7004c4eedc4f068cd7bf8d3f900e3b4";

fn keys() -> HomeNetworkKeys {
    let mut k = HomeNetworkKeys::new();
    k.insert(
        1,
        HomeNetworkPrivateKey::ProfileA(HnPrivateKey::new(key32(A_HN_PRIVATE))),
    );
    k.insert(
        2,
        HomeNetworkPrivateKey::ProfileB(HnPrivateKey::new(key32(B_HN_PRIVATE))),
    );
    k
}

#[test]
fn null_scheme_c_4_2_1() {
    // MCC|MNC 274012, MSIN 001002086: scheme input = scheme output = 00012080F6.
    assert_eq!(encode_msin_bcd("001002086").unwrap(), bytes("00012080f6"));
    let msin = deconceal_msin(ProtectionScheme::Null, 0, &bytes("00012080f6"), &keys()).unwrap();
    assert_eq!(msin, "001002086");
}

#[test]
fn profile_a_imsi_c_4_3_1() {
    let output = bytes(
        "b2e92f836055a255837debf850b528997ce0201cb82adfe4be1f587d07d8457dcb02352410cddd9e730ef3fa87",
    );
    // The public key derived from the private key is the one given.
    let hn = HomeNetworkPrivateKey::ProfileA(HnPrivateKey::new(key32(A_HN_PRIVATE)));
    let public = hn.public_key().unwrap();
    assert_eq!(public, HomeNetworkPublicKey::ProfileA(key32(A_HN_PUBLIC)));
    // Conceal with the given ephemeral private key -> the given scheme output.
    let eph = EphemeralKey::new(key32(
        "c80949f13ebe61af4ebdbd293ea4f942696b9e815d7e8f0096bbf6ed7de62256",
    ));
    assert_eq!(conceal_msin("001002086", &public, &eph).unwrap(), output);
    // De-conceal the given scheme output -> the given MSIN.
    let msin = deconceal_msin(ProtectionScheme::ProfileA, 1, &output, &keys()).unwrap();
    assert_eq!(msin, "001002086");
}

#[test]
fn profile_a_nai_c_4_3_2() {
    let input = bytes("766572796c6f6e67757365726e616d6531"); // "verylongusername1"
    let eph = EphemeralKey::new(key32(
        "be9eff3e9f22a4b42a3d236e7a6c500b3f2e7e0c7449988ba800d664bf4fcd97",
    ));
    let output = conceal(
        &input,
        &HomeNetworkPublicKey::ProfileA(key32(A_HN_PUBLIC)),
        &eph,
    )
    .unwrap();
    let want = [
        "977d8b2fdaa7b64aa700d04227d5b440630ea4ec50f9082273a26bb678c92222",
        "8e358a1582adb15322c10e515141d2039a",
        "12e1d7783a97f1ac",
    ]
    .concat();
    assert_eq!(output, bytes(&want));
    let plain = deconceal(ProtectionScheme::ProfileA, 1, &output, &keys()).unwrap();
    assert_eq!(*plain, input);
}

#[test]
fn profile_b_imsi_c_4_4_1() {
    let output = bytes(
        "039aab8376597021e855679a9778ea0b67396e68c66df32c0f41e9acca2da9b9d146a33fc2716ac7dae96aa30a4d",
    );
    let hn = HomeNetworkPrivateKey::ProfileB(HnPrivateKey::new(key32(B_HN_PRIVATE)));
    assert_eq!(
        hn.public_key().unwrap(),
        HomeNetworkPublicKey::ProfileB(bytes(B_HN_PUBLIC_COMPRESSED))
    );
    let eph = EphemeralKey::new(key32(
        "99798858a1dc6a2c68637149a4b1dbfd1fdff5addd62a2142f06699ed7602529",
    ));
    for public in [B_HN_PUBLIC_COMPRESSED, B_HN_PUBLIC_UNCOMPRESSED] {
        let got = conceal_msin(
            "001002086",
            &HomeNetworkPublicKey::ProfileB(bytes(public)),
            &eph,
        )
        .unwrap();
        assert_eq!(got, output);
    }
    let msin = deconceal_msin(ProtectionScheme::ProfileB, 2, &output, &keys()).unwrap();
    assert_eq!(msin, "001002086");
}

#[test]
fn profile_b_nai_c_4_4_2() {
    let input = bytes("766572796c6f6e67757365726e616d6531");
    let eph = EphemeralKey::new(key32(
        "90a5898bd29ffa3f261e00e980067c70a2b1b992a21f5b4fef6d4df69fe804ad",
    ));
    let public = HomeNetworkPublicKey::ProfileB(bytes(B_HN_PUBLIC_COMPRESSED));
    let output = conceal(&input, &public, &eph).unwrap();
    let want = [
        "03759bb22c563d9f4a6b3c1419e543fc2f39d6823f02a9d71162b39399218b244b",
        "be22d8b9f856a52ed381cd7eaf4cf2d525",
        "3cddc61a0a7882eb",
    ]
    .concat();
    assert_eq!(output, bytes(&want));
    let plain = deconceal(ProtectionScheme::ProfileB, 2, &output, &keys()).unwrap();
    assert_eq!(*plain, input);
}

#[test]
fn tampering_and_wrong_keys_are_rejected() {
    let mut output = bytes(
        "b2e92f836055a255837debf850b528997ce0201cb82adfe4be1f587d07d8457dcb02352410cddd9e730ef3fa87",
    );
    assert_eq!(
        deconceal(ProtectionScheme::ProfileA, 9, &output, &keys()).unwrap_err(),
        Error::UnknownKeyId(9)
    );
    assert!(matches!(
        deconceal(ProtectionScheme::ProfileB, 1, &output, &keys()).unwrap_err(),
        Error::SchemeMismatch { .. }
    ));
    assert!(matches!(
        deconceal(ProtectionScheme::ProfileA, 1, &output[..39], &keys()).unwrap_err(),
        Error::Length { .. }
    ));
    output[33] ^= 1;
    assert_eq!(
        deconceal(ProtectionScheme::ProfileA, 1, &output, &keys()).unwrap_err(),
        Error::MacMismatch("SUCI MAC tag")
    );
    assert_eq!(
        ProtectionScheme::try_from(3).unwrap_err(),
        Error::UnsupportedScheme(3)
    );
    assert!(decode_msin_bcd(&[0xF1, 0x00]).is_err());
    assert!(encode_msin_bcd("12a").is_err());
}
