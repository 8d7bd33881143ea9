//! What the simulator is told: one profile per UE (its USIM and handset) and the gNB's
//! own configuration. Plain data, serde.

use serde::{Deserialize, Serialize};

/// How the UE conceals its SUPI in the SUCI (TS 33.501 §6.12.2, Annex C).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuciProtection {
    /// The null scheme: the MSIN travels in clear.
    Null,
    /// ECIES Profile A (X25519) with the home network public key.
    ProfileA {
        hn_key_id: u8,
        hn_public_key: [u8; 32],
    },
    /// ECIES Profile B (P-256), the home network public key compressed (33 octets).
    ProfileB {
        hn_key_id: u8,
        hn_public_key: Vec<u8>,
    },
}

/// One simulated subscriber: the USIM contents and the handset's NAS capabilities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UeProfile {
    /// IMSI digits, MCC + MNC + MSIN, e.g. `"001010000000001"`.
    pub imsi: String,
    /// Number of MNC digits in the IMSI: 2 or 3.
    pub mnc_digits: u8,
    /// Long-term key K.
    pub k: [u8; 16],
    /// OPc.
    pub opc: [u8; 16],
    /// USIM SQN: the highest sequence number accepted so far (48 bits).
    pub sqn: u64,
    /// SUCI protection scheme.
    pub suci: SuciProtection,
    /// Routing indicator, 1 to 4 digits.
    pub routing_indicator: String,
    /// Requested NSSAI as (SST, SD); empty = request none.
    pub requested_nssai: Vec<(u8, Option<u32>)>,
    /// Supported 5G NIA algorithm numbers (0..=3).
    pub integrity: Vec<u8>,
    /// Supported 5G NEA algorithm numbers (0..=3).
    pub ciphering: Vec<u8>,
    /// IMEISV, 16 digits.
    pub imeisv: String,
}

impl UeProfile {
    /// A profile with the defaults of the test PLMN: null-scheme SUCI, routing
    /// indicator `0000`, all algorithms, no requested NSSAI.
    pub fn new(imsi: &str, k: [u8; 16], opc: [u8; 16]) -> Self {
        UeProfile {
            imsi: imsi.to_owned(),
            mnc_digits: 2,
            k,
            opc,
            sqn: 0,
            suci: SuciProtection::Null,
            routing_indicator: "0000".to_owned(),
            requested_nssai: Vec::new(),
            integrity: vec![0, 1, 2, 3],
            ciphering: vec![0, 1, 2, 3],
            imeisv: "4370816125816151".to_owned(),
        }
    }

    /// The MCC digits of the IMSI.
    pub fn mcc(&self) -> &str {
        self.imsi.get(..3).unwrap_or("")
    }

    /// The MNC digits of the IMSI.
    pub fn mnc(&self) -> &str {
        self.imsi
            .get(3..3 + usize::from(self.mnc_digits))
            .unwrap_or("")
    }

    /// The MSIN digits of the IMSI.
    pub fn msin(&self) -> &str {
        self.imsi
            .get(3 + usize::from(self.mnc_digits)..)
            .unwrap_or("")
    }
}

/// The simulated gNB: identity, the one cell it serves and the slices it supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GnbConfig {
    /// gNB ID (TS 38.413 §9.3.1.6).
    pub gnb_id: u32,
    /// Length of the gNB ID in bits, 22..=32.
    pub gnb_id_bits: u8,
    /// RAN node name.
    pub name: String,
    /// Served PLMN: MCC, 3 digits.
    pub mcc: String,
    /// Served PLMN: MNC, 2 or 3 digits.
    pub mnc: String,
    /// Tracking area code (24 bits).
    pub tac: u32,
    /// Supported S-NSSAIs as (SST, SD).
    pub slices: Vec<(u8, Option<u32>)>,
    /// NR cell identity (36 bits).
    pub nr_cell_id: u64,
}
