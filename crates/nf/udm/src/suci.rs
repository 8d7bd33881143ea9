//! SUPI or SUCI to SUPI: the SIDF (TS 33.501 §6.12.2).
//!
//! A SUCI in the SBI is written as in TS 29.503 §6.1.6.2 (`SupiOrSuci`) and TS 23.003
//! §28.7.3: `suci-<type>-<MCC>-<MNC>-<routing indicator>-<scheme>-<key id>-<output>`.
//! Only IMSI-based SUCIs (type 0) are handled. With the null scheme (`0-0-<MSIN>`) the
//! output is the MSIN itself; with Profile A or B (scheme 1 / 2) it is the ECIES output
//! in hex, de-concealed with the home network private key of that identifier.

use ferrocore_crypto::suci::{HomeNetworkKeys, ProtectionScheme, deconceal_msin};
use ferrocore_sbi::SbiError;

const PARAM: &str = "{supiOrSuci}";

/// Resolves `supi_or_suci` to a SUPI (`imsi-<digits>`).
///
/// Errors: 400 `MANDATORY_IE_INCORRECT` for a malformed identifier; 403
/// `AUTHENTICATION_REJECTED` when a well-formed SUCI does not de-conceal (unknown key
/// identifier, key of another profile, MAC tag mismatch).
pub fn resolve(supi_or_suci: &str, keys: &HomeNetworkKeys) -> Result<String, SbiError> {
    if let Some(digits) = supi_or_suci.strip_prefix("imsi-") {
        check_digits(digits, 5, 15, "IMSI")?;
        return Ok(supi_or_suci.to_owned());
    }
    let Some(rest) = supi_or_suci.strip_prefix("suci-") else {
        return Err(bad("expected imsi-<digits> or suci-..."));
    };
    let parts: Vec<&str> = rest.splitn(7, '-').collect();
    let [supi_type, mcc, mnc, routing, scheme, key_id, output] = parts[..] else {
        return Err(bad("a SUCI has 8 fields separated by '-'"));
    };
    if supi_type != "0" {
        return Err(bad("only IMSI-based SUCIs (SUPI type 0) are supported"));
    }
    check_digits(mcc, 3, 3, "MCC")?;
    check_digits(mnc, 2, 3, "MNC")?;
    check_digits(routing, 1, 4, "routing indicator")?;
    let scheme = u8::from_str_radix(scheme, 16).map_err(|_| bad("bad protection scheme"))?;
    let key_id: u8 = key_id.parse().map_err(|_| bad("bad home network key id"))?;
    let msin = match ProtectionScheme::try_from(scheme) {
        Ok(ProtectionScheme::Null) => {
            check_digits(output, 1, 10, "MSIN")?;
            output.to_owned()
        }
        Ok(scheme) => {
            let bytes = hex::decode(output).map_err(|_| bad("scheme output is not hex"))?;
            deconceal_msin(scheme, key_id, &bytes, keys).map_err(|e| {
                tracing::warn!(scheme = scheme_name(scheme), key_id, error = %e, "SUCI de-concealment failed");
                SbiError::authentication_rejected(format!("SUCI de-concealment failed: {e}"))
            })?
        }
        Err(_) => {
            return Err(SbiError::authentication_rejected(format!(
                "protection scheme {scheme} is not supported"
            )));
        }
    };
    Ok(format!("imsi-{mcc}{mnc}{msin}"))
}

fn scheme_name(s: ProtectionScheme) -> &'static str {
    match s {
        ProtectionScheme::Null => "null",
        ProtectionScheme::ProfileA => "A",
        ProtectionScheme::ProfileB => "B",
    }
}

fn check_digits(s: &str, min: usize, max: usize, what: &str) -> Result<(), SbiError> {
    if (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(bad(&format!("{what}: expected {min} to {max} digits")))
    }
}

fn bad(reason: &str) -> SbiError {
    SbiError::mandatory_ie_incorrect(PARAM, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supi_and_null_scheme() {
        let keys = HomeNetworkKeys::new();
        assert_eq!(
            resolve("imsi-001010000000001", &keys).unwrap(),
            "imsi-001010000000001"
        );
        assert_eq!(
            resolve("suci-0-001-01-0000-0-0-0000000001", &keys).unwrap(),
            "imsi-001010000000001"
        );
    }

    #[test]
    fn malformed_and_unknown_key() {
        let keys = HomeNetworkKeys::new();
        for bad in [
            "imsi-12",
            "suci-0-001-01",
            "nai-x@y",
            "suci-1-001-01-0-0-0-1",
        ] {
            assert_eq!(resolve(bad, &keys).unwrap_err().status, 400, "{bad}");
        }
        let e = resolve("suci-0-001-01-0000-1-7-00112233", &keys).unwrap_err();
        assert_eq!(e.status, 403);
    }
}
