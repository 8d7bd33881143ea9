//! Query parameters: `name=value` pairs, some of whose values are JSON (TS 29.501 §6.3:
//! structured query parameters such as `plmn-id` are JSON-encoded).

use std::collections::HashMap;

use ferrocore_sbi::SbiError;
use serde::de::DeserializeOwned;

/// The decoded query of one request.
pub(crate) struct QueryParams(HashMap<String, String>);

impl QueryParams {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned();
        Self(pairs.collect())
    }

    /// A plain string parameter.
    pub(crate) fn string(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }

    /// A JSON-encoded parameter; 400 `INVALID_QUERY_PARAM` when it does not decode.
    pub(crate) fn json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, SbiError> {
        self.0
            .get(name)
            .map(|v| {
                serde_json::from_str(v)
                    .map_err(|e| SbiError::invalid_query_param(name, e.to_string()))
            })
            .transpose()
    }
}

/// Builds `name=value` pairs, JSON-encoding structured values.
#[derive(Default)]
pub(crate) struct QueryBuilder(Vec<(String, String)>);

impl QueryBuilder {
    pub(crate) fn string(mut self, name: &str, value: Option<&str>) -> Self {
        if let Some(v) = value {
            self.0.push((name.to_owned(), v.to_owned()));
        }
        self
    }

    pub(crate) fn json<T: serde::Serialize>(mut self, name: &str, value: Option<&T>) -> Self {
        if let Some(v) = value
            && let Ok(s) = serde_json::to_string(v)
        {
            self.0.push((name.to_owned(), s));
        }
        self
    }

    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}
