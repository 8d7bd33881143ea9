//! Sending: security protection of a plain NAS message (TS 24.501 §4.4.3-§4.4.5, §9.1.1;
//! TS 33.501 §6.4.3, §6.4.4).

use crate::context::BEARER_3GPP;
use crate::{SecurityContext, SecurityError};
use ferrocore_nas::{EPD_5GMM, EPD_5GSM, SECURITY_HEADER_LEN, SecurityHeaderType};

impl SecurityContext {
    /// Wraps the plain NAS message `plain` in a security protected 5GS NAS message
    /// (TS 24.501 §9.1.1) of `header_type` and advances this side's sending NAS COUNT.
    ///
    /// - Header types 2 and 4 cipher the plain message (and only it: the header stays in
    ///   clear) with NEA under KNASenc (TS 24.501 §4.4.5, TS 33.501 §6.4.4.1); types 1 and 3
    ///   carry it in clear.
    /// - The NAS-MAC is computed with NIA under KNASint over the sequence number followed
    ///   by the (ciphered) message (TS 24.501 §4.4.3.3, §9.1.1; TS 33.501 §6.4.3.1), with
    ///   COUNT = the current NAS COUNT, BEARER = [`BEARER_3GPP`], DIRECTION = this side's.
    /// - The SN field is the 8 least significant bits of that NAS COUNT (§9.10), and the
    ///   NAS COUNT is incremented after the message is built (§4.4.3.1).
    ///
    /// Types 3 and 4 (new 5G NAS security context: SECURITY MODE COMMAND / COMPLETE,
    /// §4.4.2.1.1, §5.4.2) are protected like 1 and 2: taking the new context into use
    /// (resetting the downlink COUNT before the command, §5.4.2.2) is the caller's.
    ///
    /// The NAS COUNT 2^24 - 1 is never used, so that the next COUNT always fits 24 bits;
    /// at that point [`SecurityError::CountExhausted`] asks for a new KAMF
    /// (TS 33.501 §6.4.3.1). On any error the context is unchanged.
    pub fn protect(
        &mut self,
        plain: &[u8],
        header_type: SecurityHeaderType,
    ) -> Result<Vec<u8>, SecurityError> {
        match plain {
            [] => {
                return Err(SecurityError::Truncated {
                    field: "plain NAS message",
                    len: 0,
                    needed: 1,
                });
            }
            [EPD_5GMM, sht, ..] if sht & 0x0f != 0 => return Err(SecurityError::NestedProtection),
            [EPD_5GMM | EPD_5GSM, ..] => {}
            [other, ..] => return Err(SecurityError::UnknownProtocolDiscriminator(*other)),
        }
        let direction = self.side().sending();
        let count = self.count(direction);
        let next = count
            .next()
            .filter(|n| n.next().is_some())
            .ok_or(SecurityError::CountExhausted { direction })?;

        let mut out = Vec::with_capacity(SECURITY_HEADER_LEN + plain.len());
        out.extend_from_slice(&[EPD_5GMM, header_type as u8, 0, 0, 0, 0]);
        out.push(count.sequence_number());
        out.extend_from_slice(plain);
        if header_type.is_ciphered() {
            self.nea().apply(
                self.knas_enc(),
                count.value(),
                BEARER_3GPP,
                direction.bit(),
                &mut out[SECURITY_HEADER_LEN..],
            );
        }
        // The MAC covers SN || message: everything from octet 7 on (§4.4.3.3).
        let mac = self.nia().mac(
            self.knas_int(),
            count.value(),
            BEARER_3GPP,
            direction.bit(),
            &out[SECURITY_HEADER_LEN - 1..],
        );
        out[2..6].copy_from_slice(&mac);
        *self.count_mut(direction) = next;
        Ok(out)
    }
}
