//! YAML provisioning: a sequence of subscribers in the full model (the serde form of
//! [`Subscriber`]), or a mapping with the sequence under `subscribers:`.

use serde::{Deserialize, Serialize};

use super::ProvisionError;
use crate::model::Subscriber;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapped {
    subscribers: Vec<Subscriber>,
}

/// Parses a YAML provisioning document; errors name the line.
pub fn parse_yaml(text: &str) -> Result<Vec<Subscriber>, ProvisionError> {
    // Pick the shape first so that errors point at the offending field.
    let value: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| ProvisionError::Yaml(e.to_string()))?;
    let r = if value.is_mapping() {
        serde_yaml_ng::from_str::<Wrapped>(text).map(|w| w.subscribers)
    } else {
        serde_yaml_ng::from_str::<Vec<Subscriber>>(text)
    };
    r.map_err(|e| ProvisionError::Yaml(e.to_string()))
}

#[derive(Serialize)]
struct Out<'a> {
    subscribers: &'a [Subscriber],
}

/// Writes subscribers as a YAML provisioning document (with their secrets).
pub fn write_yaml(subscribers: &[Subscriber]) -> String {
    serde_yaml_ng::to_string(&Out { subscribers })
        .unwrap_or_else(|e| format!("# cannot render: {e}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
subscribers:
  - supi: imsi-001010000000001
    k: 465b5ce8b199b49faa5f0a2ee238a6bc
    opc: cd63cb71954a9f4e48a5994e37a02baf
    msisdn: '0123'
    slices:
      - sst: 1
        default: true
        dnns:
          - dnn: internet
            pdu_session_types: [IPV4V6, IPV4]
            ssc_mode: 1
            session_ambr: { uplink: 100 Mbps, downlink: 200 Mbps }
            five_qi: 9
            arp_priority: 8
      - sst: 2
        sd: 0000FF
        dnns: [{ dnn: ims }]
";

    #[test]
    fn parses_the_full_model_and_writes_it_back() {
        let subs = parse_yaml(DOC).unwrap();
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].slices.len(), 2);
        assert_eq!(
            subs[0].slices[0].dnns[0].session_ambr.downlink.bps(),
            200_000_000
        );
        assert_eq!(parse_yaml(&write_yaml(&subs)).unwrap(), subs);
        let bare = DOC.replace("subscribers:\n", "").replace("\n  ", "\n");
        assert_eq!(parse_yaml(bare.trim_start_matches("  ")).unwrap(), subs);
    }

    #[test]
    fn errors_name_the_line() {
        let bad = DOC.replace("ssc_mode: 1", "ssc_mode: 4");
        let e = parse_yaml(&bad).unwrap_err().to_string();
        assert!(e.contains("SSC mode") && e.contains("line"), "{e}");
    }
}
