//! Shared by the engine targets (`amf_ngap`, `sim_gnb`): a small deterministic home
//! network double answering the AMF's SBI requests with 5G AKA vectors computed by
//! ferrocore-crypto (Milenage, TS 33.501 Annex A), the frame splitter that turns one fuzz
//! input into a sequence of network events, and the test subscriber's keys.

#![allow(dead_code)]

mod frames;

pub use frames::*;

use std::collections::{BTreeMap, HashMap};

use ferrocore_amf::{SbiReply, SbiRequest};
use ferrocore_crypto::Milenage;
use ferrocore_crypto::auth;
use ferrocore_crypto::kdf;
use ferrocore_crypto::secret::{K, Kausf, Opc};
use ferrocore_sbi::common::{Link, LinksValueSchema};
use ferrocore_sbi::nausf_ueau::{
    AuthData5g, AuthResult, AuthType, Av5gAka, ConfirmationDataResponse, UeAuthenticationCtx,
};
use ferrocore_sbi::nudm_sdm::AccessAndMobilitySubscriptionData;
use ferrocore_sbi::{Created, SbiError};

/// TS 35.208 test set 1, as the AMF and simulator tests use.
pub const KEY: [u8; 16] = [
    0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4, 0x9f, 0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc,
];
pub const OPC: [u8; 16] = [
    0xcd, 0x63, 0xcb, 0x71, 0x95, 0x4a, 0x9f, 0x4e, 0x48, 0xa5, 0x99, 0x4e, 0x37, 0xa0, 0x2b, 0xaf,
];
/// AUTN AMF field with the separation bit set (TS 33.501 Annex A.7.1).
pub const AMF_FIELD: [u8; 2] = [0x80, 0x00];
/// Subscribers the double knows: IMSIs 001 01 000000000n for n in 1..=SUBSCRIBERS.
pub const SUBSCRIBERS: u64 = 4;

pub fn imsi(n: u64) -> String {
    format!("0010100000{n:05}")
}

pub fn snn() -> String {
    kdf::serving_network_name("001", "01").expect("test PLMN")
}

pub fn sqn_bytes(sqn: u64) -> [u8; 6] {
    sqn.to_be_bytes()[2..].try_into().expect("6 octets")
}

struct AuthCtx {
    supi: String,
    xres_star: [u8; 16],
    kausf: Kausf,
    snn: String,
}

/// AUSF + UDM in a few lines: null-scheme SUCIs only, one K/OPc for every subscriber,
/// SQN per subscriber stepping by 32, re-synchronisation from AUTS, deterministic RANDs.
pub struct HomeDouble {
    milenage: Milenage,
    sqn: HashMap<String, u64>,
    contexts: HashMap<String, AuthCtx>,
    next: u64,
}

impl Default for HomeDouble {
    fn default() -> Self {
        HomeDouble {
            milenage: Milenage::new(&K::new(KEY), &Opc::new(OPC)),
            sqn: HashMap::new(),
            contexts: HashMap::new(),
            next: 0,
        }
    }
}

/// `suci-0-<mcc>-<mnc>-<ri>-0-<key id>-<msin>` (null scheme) or `imsi-<digits>` to the
/// SUPI, for the known subscribers only.
fn resolve(supi_or_suci: &str) -> Result<String, SbiError> {
    let supi = if let Some(digits) = supi_or_suci.strip_prefix("imsi-") {
        format!("imsi-{digits}")
    } else {
        let p: Vec<&str> = supi_or_suci.split('-').collect();
        match p[..] {
            ["suci", "0", mcc, mnc, _ri, "0", _key, msin] => format!("imsi-{mcc}{mnc}{msin}"),
            _ => return Err(SbiError::user_not_found(format!("cannot resolve {supi_or_suci}"))),
        }
    };
    let known = (1..=SUBSCRIBERS).any(|n| supi == format!("imsi-{}", imsi(n)));
    if known {
        Ok(supi)
    } else {
        Err(SbiError::user_not_found(supi))
    }
}

impl HomeDouble {
    pub fn answer(&mut self, request: SbiRequest) -> SbiReply {
        match request {
            SbiRequest::Authenticate(info) => SbiReply::Authenticate(self.authenticate(
                &info.supi_or_suci,
                &info.serving_network_name,
                info.resynchronization_info.map(|r| (r.rand.0, r.auts.0)),
            )),
            SbiRequest::Confirm5gAka { auth_ctx_id, data } => {
                SbiReply::Confirm5gAka(match self.contexts.remove(&auth_ctx_id) {
                    None => Err(SbiError::context_not_found(auth_ctx_id)),
                    Some(ctx) if data.res_star.is_some_and(|r| r.0 == ctx.xres_star) => {
                        Ok(ConfirmationDataResponse {
                            auth_result: AuthResult::AuthenticationSuccess,
                            supi: Some(ctx.supi),
                            kseaf: Some((*kdf::kseaf(&ctx.kausf, &ctx.snn).as_bytes()).into()),
                        })
                    }
                    Some(_) => Ok(ConfirmationDataResponse {
                        auth_result: AuthResult::AuthenticationFailure,
                        supi: None,
                        kseaf: None,
                    }),
                })
            }
            SbiRequest::RegisterAmf { supi, .. } => {
                SbiReply::RegisterAmf(resolve(&supi).map(|_| ()))
            }
            SbiRequest::GetAmData { supi } => SbiReply::GetAmData(
                resolve(&supi).map(|_| AccessAndMobilitySubscriptionData::default()),
            ),
            // No SMF in the double: 5GSM is answered "not forwarded" by the AMF.
            SbiRequest::CreateSmContext(_) => {
                SbiReply::CreateSmContext(Err(SbiError::target_not_reachable("no SMF").into()))
            }
            SbiRequest::UpdateSmContext { .. } => {
                SbiReply::UpdateSmContext(Err(SbiError::target_not_reachable("no SMF").into()))
            }
            SbiRequest::ReleaseSmContext { .. } => {
                SbiReply::ReleaseSmContext(Err(SbiError::target_not_reachable("no SMF")))
            }
        }
    }

    fn authenticate(
        &mut self,
        supi_or_suci: &str,
        snn: &str,
        resync: Option<([u8; 16], [u8; 14])>,
    ) -> Result<Created<UeAuthenticationCtx>, SbiError> {
        let supi = resolve(supi_or_suci)?;
        let sqn = self.sqn.entry(supi.clone()).or_insert(0);
        if let Some((rand, auts)) = resync {
            let ms = auth::resync_sqn(&self.milenage, &rand, &auts)
                .map_err(|_| SbiError::authentication_rejected("AUTS MAC-S"))?;
            *sqn = ms.iter().fold(0, |a, &x| (a << 8) | u64::from(x));
        }
        *sqn = (*sqn + 32) & 0xffff_ffff_ffff;
        let sqn = *sqn;
        self.next += 1;
        let rand: [u8; 16] = core::array::from_fn(|i| (self.next as u8).wrapping_mul(31) ^ i as u8);
        let av = auth::generate_he_av(&self.milenage, &rand, &sqn_bytes(sqn), &AMF_FIELD, snn);
        let id = format!("ctx{}", self.next);
        self.contexts.insert(
            id.clone(),
            AuthCtx {
                supi,
                xres_star: av.xres_star,
                kausf: av.kausf.clone(),
                snn: snn.to_owned(),
            },
        );
        let base = "http://ausf.test/nausf-auth/v1/ue-authentications";
        Ok(Created {
            location: format!("{base}/{id}"),
            body: UeAuthenticationCtx {
                auth_type: AuthType::FiveGAka,
                auth_data: AuthData5g::Av5gAka(Av5gAka {
                    rand: rand.into(),
                    hxres_star: av.hxres_star.into(),
                    autn: av.autn.into(),
                }),
                links: BTreeMap::from([(
                    "5g-aka".to_owned(),
                    LinksValueSchema::One(Link {
                        href: format!("{base}/{id}/5g-aka-confirmation"),
                    }),
                )]),
                serving_network_name: Some(snn.to_owned()),
            },
        })
    }
}
