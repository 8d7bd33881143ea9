//! The mapping between a [`Subscriber`] and a row: key material and SQN in columns,
//! the session-management profile (UE-AMBR, slices, DNNs) as one JSON column.

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::model::{
    Ambr, AuthMethod, Key128, Msisdn, OperatorKey, SubscribedSlice, Subscriber, Supi,
};

#[derive(Serialize, Deserialize)]
struct Profile {
    ue_ambr: Ambr,
    slices: Vec<SubscribedSlice>,
}

/// The columns of one row, as the store writes them.
pub(crate) struct Row {
    pub supi: String,
    pub k: Vec<u8>,
    pub opc: Option<Vec<u8>>,
    pub op: Option<Vec<u8>>,
    pub amf: i32,
    pub sqn: i64,
    pub auth_method: &'static str,
    pub msisdn: Option<String>,
    pub profile: String,
}

impl Drop for Row {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.k.zeroize();
        self.opc.zeroize();
        self.op.zeroize();
    }
}

impl Row {
    /// Validates and flattens a subscriber for writing.
    pub fn from_subscriber(s: &Subscriber) -> Result<Self, StoreError> {
        s.validate()?;
        let profile = Profile {
            ue_ambr: s.ue_ambr,
            slices: s.slices.clone(),
        };
        Ok(Self {
            supi: s.supi.imsi().to_owned(),
            k: s.k.as_bytes().to_vec(),
            opc: s.operator_key.opc().map(|k| k.as_bytes().to_vec()),
            op: s.operator_key.op().map(|k| k.as_bytes().to_vec()),
            amf: i32::from(s.amf.0),
            // validate() checked sqn < 2^48.
            sqn: s.sqn as i64,
            auth_method: s.auth_method.as_str(),
            msisdn: s.msisdn.as_ref().map(|m| m.as_str().to_owned()),
            profile: serde_json::to_string(&profile).map_err(|e| StoreError::Corrupt {
                supi: s.supi.to_string(),
                reason: e.to_string(),
            })?,
        })
    }

    /// Rebuilds a subscriber from columns read back.
    #[allow(clippy::too_many_arguments)]
    pub fn into_subscriber(
        supi: &str,
        k: &[u8],
        opc: Option<&[u8]>,
        op: Option<&[u8]>,
        amf: i64,
        sqn: i64,
        auth_method: &str,
        msisdn: Option<&str>,
        profile: &str,
    ) -> Result<Subscriber, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            supi: supi.to_owned(),
            reason,
        };
        let c = |e: crate::error::ValidationError| corrupt(e.to_string());
        let profile: Profile = serde_json::from_str(profile).map_err(|e| corrupt(e.to_string()))?;
        let s = Subscriber {
            supi: Supi::parse(supi).map_err(c)?,
            k: Key128::from_slice("K", k).map_err(c)?,
            operator_key: OperatorKey::from_options(
                opc.map(|b| Key128::from_slice("OPc", b))
                    .transpose()
                    .map_err(c)?,
                op.map(|b| Key128::from_slice("OP", b))
                    .transpose()
                    .map_err(c)?,
            )
            .map_err(c)?,
            amf: crate::model::Amf(u16::try_from(amf).map_err(|_| corrupt(format!("AMF {amf}")))?),
            sqn: u64::try_from(sqn).map_err(|_| corrupt(format!("SQN {sqn}")))?,
            auth_method: auth_method.parse::<AuthMethod>().map_err(c)?,
            msisdn: msisdn.map(Msisdn::parse).transpose().map_err(c)?,
            ue_ambr: profile.ue_ambr,
            slices: profile.slices,
        };
        Ok(s)
    }
}
