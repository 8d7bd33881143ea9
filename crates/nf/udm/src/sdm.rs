//! Nudm_SubscriberDataManagement (TS 29.503 §5.2): the Get operation on the data sets the
//! AMF and SMF read first, served from the UDR's provisioned data (TS 29.505 §5.2.3-5).

use async_trait::async_trait;
use ferrocore_sbi::SbiError;
use ferrocore_sbi::common::PlmnId;
use ferrocore_sbi::nudm_sdm::{
    AccessAndMobilitySubscriptionData, Nssai, SdmQuery, SdmService, SmDataQuery, SmSubsData,
    SmfSelectionSubscriptionData,
};
use tracing::Instrument;

use crate::Udm;

impl Udm {
    fn serving_plmn(&self, asked: Option<PlmnId>) -> PlmnId {
        asked.unwrap_or_else(|| self.config.home_plmn.clone())
    }
}

#[async_trait]
impl SdmService for Udm {
    /// Get, access and mobility subscription data (TS 29.503 §5.2.2.2.2): GET
    /// `/{supi}/am-data`, from Nudr `am-data` (TS 29.505 §5.2.3.3.1).
    async fn get_am_data(
        &self,
        supi: &str,
        query: SdmQuery,
    ) -> Result<AccessAndMobilitySubscriptionData, SbiError> {
        let plmn = self.serving_plmn(query.plmn_id);
        self.dr
            .query_am_data(supi, &plmn)
            .instrument(tracing::info_span!("udm_sdm_am", supi = %supi))
            .await
    }

    /// Get, SMF selection subscription data (TS 29.503 §5.2.2.2.5): GET
    /// `/{supi}/smf-select-data`, from Nudr (TS 29.505 §5.2.4.3.1).
    async fn get_smf_select_data(
        &self,
        supi: &str,
        query: SdmQuery,
    ) -> Result<SmfSelectionSubscriptionData, SbiError> {
        let plmn = self.serving_plmn(query.plmn_id);
        self.dr
            .query_smf_selection_data(supi, &plmn)
            .instrument(tracing::info_span!("udm_sdm_smf_select", supi = %supi))
            .await
    }

    /// Get, session management subscription data (TS 29.503 §5.2.2.2.4): GET
    /// `/{supi}/sm-data`, narrowed by `single-nssai` and `dnn` (TS 29.505 §5.2.5.3.1).
    async fn get_sm_data(&self, supi: &str, query: SmDataQuery) -> Result<SmSubsData, SbiError> {
        let plmn = self.serving_plmn(query.plmn_id);
        self.dr
            .query_sm_data(supi, &plmn, query.single_nssai, query.dnn)
            .instrument(tracing::info_span!("udm_sdm_sm", supi = %supi))
            .await
    }

    /// Get, slice selection subscription data (TS 29.503 §5.2.2.2.3): GET
    /// `/{supi}/nssai`, the `nssai` member of the access and mobility data; 404
    /// `DATA_NOT_FOUND` when none is subscribed.
    async fn get_nssai(&self, supi: &str, query: SdmQuery) -> Result<Nssai, SbiError> {
        self.get_am_data(supi, query)
            .await?
            .nssai
            .ok_or_else(|| SbiError::data_not_found(format!("no subscribed NSSAI for {supi}")))
    }
}
