//! The UE radio capability every simulated UE reports (TS 38.413 §9.3.1.74).

/// Placeholder until the encoded capability is generated.
pub const UE_RADIO_CAPABILITY: &[u8] = &[0x00];
