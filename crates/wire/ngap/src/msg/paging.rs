//! Paging (TS 38.413 §8.5).

use crate::asn;
use crate::ies::{Raw, semantic};
use crate::msg::ngap_message;
use crate::values::{FiveGSTmsi, PagingDrx, Tai};
use oxirush_ngap::{build_ngap_ie, extract_ngap_ies};

/// PAGING (TS 38.413 §9.2.4.1), AMF → NG-RAN node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paging {
    /// UE Paging Identity (§9.3.3.18): the 5G-S-TMSI.
    pub five_g_s_tmsi: FiveGSTmsi,
    pub paging_drx: Option<PagingDrx>,
    /// TAI List for Paging.
    pub tais: Vec<Tai>,
}

impl Paging {
    fn ies(&self) -> Result<Vec<asn::ProtocolIEField<'static>>, Raw> {
        let mut ies = vec![build_ngap_ie!(
            Paging,
            UEPagingIdentity(asn::UEPagingIdentity::fiveG_S_TMSI(
                self.five_g_s_tmsi.to_asn()?
            ))
        )?];
        if let Some(d) = self.paging_drx {
            ies.push(build_ngap_ie!(Paging, PagingDRX(d))?);
        }
        let tais = self
            .tais
            .iter()
            .map(|t| asn::TAIListForPagingItem {
                tai: t.to_asn(),
                ie_extensions: None,
            })
            .collect();
        ies.push(build_ngap_ie!(
            Paging,
            TAIListForPaging(asn::TAIListForPaging(tais))
        )?);
        Ok(ies)
    }

    fn read(m: &crate::NgapPduRef<'_>) -> Result<Self, Raw> {
        extract_ngap_ies!(m, Paging,
            req identity: asn::UEPagingIdentity = UEPagingIdentity(i) => i,
            opt paging_drx: PagingDrx = PagingDRX(d) => d,
            req tais: Vec<Tai> = TAIListForPaging(l) => l.0.iter().map(|i| Tai::of(&i.tai)).collect(),
        );
        let asn::UEPagingIdentity::fiveG_S_TMSI(s) = identity else {
            return Err(semantic("UEPagingIdentity", "unknown alternative"));
        };
        Ok(Paging {
            five_g_s_tmsi: FiveGSTmsi::of(&s),
            paging_drx,
            tais,
        })
    }
}
ngap_message!(Paging, Paging);
