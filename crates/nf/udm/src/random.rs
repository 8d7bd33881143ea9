//! RAND from the operating system's CSPRNG (TS 33.102 §6.3.2: RAND is unpredictable).

use ferrocore_sbi::SbiError;

/// 16 random octets.
pub(crate) fn rand16() -> Result<[u8; 16], SbiError> {
    let mut out = [0u8; 16];
    getrandom::getrandom(&mut out)
        .map_err(|e| SbiError::system_failure(format!("no randomness: {e}")))?;
    Ok(out)
}
