//! Identifier allocation and the indexes that find a UE context: AMF-UE-NGAP-ID,
//! (association, RAN-UE-NGAP-ID), SUPI, 5G-GUTI / 5G-S-TMSI (by their 5G-TMSI).

use std::collections::HashMap;

use crate::AssocId;
use crate::context::UeKey;

/// The AMF-UE-NGAP-ID range (TS 38.413 §9.3.3.1): 0 .. 2^40 - 1.
pub const MAX_AMF_UE_NGAP_ID: u64 = (1 << 40) - 1;

/// Allocation counters and indexes.
#[derive(Debug, Default)]
pub struct Ids {
    next_key: u64,
    next_amf_ue_id: u64,
    tmsi_counter: u32,
    pub by_amf_ue_id: HashMap<u64, UeKey>,
    pub by_ran: HashMap<(AssocId, u32), UeKey>,
    pub by_supi: HashMap<Box<str>, UeKey>,
    pub by_tmsi: HashMap<u32, UeKey>,
}

impl Ids {
    /// A new UE key.
    pub fn new_key(&mut self) -> UeKey {
        self.next_key += 1;
        self.next_key
    }

    /// A free AMF-UE-NGAP-ID (wraps within 40 bits, skipping ids in use).
    pub fn new_amf_ue_id(&mut self) -> u64 {
        loop {
            self.next_amf_ue_id = (self.next_amf_ue_id + 1) & MAX_AMF_UE_NGAP_ID;
            if self.next_amf_ue_id != 0 && !self.by_amf_ue_id.contains_key(&self.next_amf_ue_id) {
                return self.next_amf_ue_id;
            }
        }
    }

    /// A free 5G-TMSI. Consecutive allocations are spread over the 32-bit space by an odd
    /// multiplier (a bijection), so that a 5G-TMSI does not tell the next one's value.
    pub fn new_tmsi(&mut self) -> u32 {
        loop {
            self.tmsi_counter = self.tmsi_counter.wrapping_add(1);
            let tmsi = self.tmsi_counter.wrapping_mul(0x9e37_79b1) ^ 0x5bd1_e995;
            if tmsi != u32::MAX && !self.by_tmsi.contains_key(&tmsi) {
                return tmsi;
            }
        }
    }
}
