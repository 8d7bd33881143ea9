//! CSV provisioning: a header row naming the columns (any order), then one subscriber per
//! line with one S-NSSAI. Empty optional cells take the defaults of [`Subscriber::new`].
//!
//! | column | required | value |
//! |---|---|---|
//! | `imsi` | yes | 15 digits, `imsi-` prefix allowed |
//! | `k` | yes | 32 hex digits |
//! | `opc`, `op` | exactly one of the two | 32 hex digits |
//! | `amf` | no (`8000`) | 4 hex digits |
//! | `sqn` | no (`0`) | decimal, or hex with `0x` |
//! | `msisdn` | no | 1-15 digits |
//! | `auth_method` | no (`5G_AKA`) | `5G_AKA` or `EAP_AKA_PRIME` |
//! | `sst` | no (`1`) | 1-255 |
//! | `sd` | no (none) | 6 hex digits |
//! | `dnn` | no (`internet`) | DNN names separated by `;` |
//!
//! Lines starting with `#` are comments.

use super::ProvisionError;
use crate::model::{
    AuthMethod, Dnn, DnnConfiguration, Key128, Msisdn, OperatorKey, Sd, Snssai, Sst,
    SubscribedSlice, Subscriber, Supi, check_sqn,
};

/// The columns a CSV provisioning file may have, in the order [`write_csv`] writes them.
pub const CSV_COLUMNS: [&str; 11] = [
    "imsi",
    "k",
    "opc",
    "op",
    "amf",
    "sqn",
    "msisdn",
    "auth_method",
    "sst",
    "sd",
    "dnn",
];

#[derive(Clone, Copy)]
enum Col {
    Imsi,
    K,
    Opc,
    Op,
    Amf,
    Sqn,
    Msisdn,
    AuthMethod,
    Sst,
    Sd,
    Dnn,
}

/// Where each known column sits in a line.
struct Layout([Option<usize>; 11]);

impl Layout {
    fn from_header(header: &csv::StringRecord) -> Result<Self, ProvisionError> {
        let mut at = [None; 11];
        for (i, name) in header.iter().enumerate() {
            let name = name.trim().to_ascii_lowercase();
            let c = CSV_COLUMNS.iter().position(|c| *c == name).ok_or_else(|| {
                ProvisionError::Header(format!(
                    "unknown column {name:?}; the columns are {}",
                    CSV_COLUMNS.join(",")
                ))
            })?;
            if at[c].replace(i).is_some() {
                return Err(ProvisionError::Header(format!(
                    "column {name:?} appears twice"
                )));
            }
        }
        for required in [Col::Imsi, Col::K] {
            if at[required as usize].is_none() {
                return Err(ProvisionError::Header(format!(
                    "column {:?} is missing",
                    CSV_COLUMNS[required as usize]
                )));
            }
        }
        if at[Col::Opc as usize].is_none() && at[Col::Op as usize].is_none() {
            return Err(ProvisionError::Header(
                "one of the columns \"opc\" and \"op\" is needed".into(),
            ));
        }
        Ok(Self(at))
    }

    /// The trimmed cell of `col`, `None` if the column is absent or the cell empty.
    fn cell<'r>(&self, rec: &'r csv::StringRecord, col: Col) -> Option<&'r str> {
        self.0[col as usize]
            .and_then(|i| rec.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// Parses a CSV provisioning file. The first bad line fails the whole file.
pub fn parse_csv(text: &str) -> Result<Vec<Subscriber>, ProvisionError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| ProvisionError::Header(e.to_string()))?
        .clone();
    let layout = Layout::from_header(&header)?;
    let mut out = Vec::with_capacity(text.len() / 100);
    let mut rec = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(ProvisionError::Line {
                    line: e.position().map_or(line, |p| p.line()),
                    message: e.to_string(),
                });
            }
        }
        let line = rec.position().map_or(line, |p| p.line());
        out.push(
            parse_line(&layout, &rec).map_err(|message| ProvisionError::Line { line, message })?,
        );
    }
    Ok(out)
}

fn parse_line(l: &Layout, rec: &csv::StringRecord) -> Result<Subscriber, String> {
    let e = |e: crate::error::ValidationError| e.to_string();
    let supi = Supi::parse(l.cell(rec, Col::Imsi).unwrap_or_default()).map_err(e)?;
    let k = Key128::from_hex("K", l.cell(rec, Col::K).unwrap_or_default()).map_err(e)?;
    let opc = l
        .cell(rec, Col::Opc)
        .map(|s| Key128::from_hex("OPc", s))
        .transpose()
        .map_err(e)?;
    let op = l
        .cell(rec, Col::Op)
        .map(|s| Key128::from_hex("OP", s))
        .transpose()
        .map_err(e)?;
    let mut s = Subscriber::new(supi, k, OperatorKey::from_options(opc, op).map_err(e)?);
    if let Some(v) = l.cell(rec, Col::Amf) {
        s.amf = v.parse().map_err(e)?;
    }
    if let Some(v) = l.cell(rec, Col::Sqn) {
        s.sqn = parse_sqn(v)?;
    }
    s.msisdn = l
        .cell(rec, Col::Msisdn)
        .map(Msisdn::parse)
        .transpose()
        .map_err(e)?;
    if let Some(v) = l.cell(rec, Col::AuthMethod) {
        s.auth_method = v.parse::<AuthMethod>().map_err(e)?;
    }
    let sst = match l.cell(rec, Col::Sst) {
        Some(v) => Sst::new(
            v.parse()
                .map_err(|_| format!("bad SST {v:?}: expected 1 to 255"))?,
        )
        .map_err(e)?,
        None => Sst::new(1).map_err(e)?,
    };
    let sd = l
        .cell(rec, Col::Sd)
        .map(str::parse::<Sd>)
        .transpose()
        .map_err(e)?;
    let dnns = match l.cell(rec, Col::Dnn) {
        Some(v) => v
            .split(';')
            .map(|d| Dnn::parse(d.trim()).map(DnnConfiguration::with_defaults))
            .collect::<Result<Vec<_>, _>>()
            .map_err(e)?,
        None => s.slices[0].dnns.clone(),
    };
    s.slices = vec![SubscribedSlice {
        snssai: Snssai { sst, sd },
        default: true,
        dnns,
    }];
    s.validate().map_err(e)?;
    Ok(s)
}

fn parse_sqn(v: &str) -> Result<u64, String> {
    let n = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => v.parse(),
    }
    .map_err(|_| format!("bad SQN {v:?}: expected a decimal number or 0x and hex digits"))?;
    check_sqn(n).map_err(|e| e.to_string())
}

/// Writes subscribers in the CSV form (with their secrets). Only the first slice and the
/// names of its DNNs fit a line; use YAML for the full model.
pub fn write_csv(subscribers: &[Subscriber]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(CSV_COLUMNS);
    for s in subscribers {
        let slice = s.slices.first();
        let dnns = slice.map(|sl| {
            sl.dnns
                .iter()
                .map(|d| d.dnn.as_str())
                .collect::<Vec<_>>()
                .join(";")
        });
        let _ = w.write_record([
            s.supi.imsi().to_owned(),
            s.k.to_hex(),
            s.operator_key.opc().map(|k| k.to_hex()).unwrap_or_default(),
            s.operator_key.op().map(|k| k.to_hex()).unwrap_or_default(),
            s.amf.to_string(),
            s.sqn.to_string(),
            s.msisdn.as_ref().map(|m| m.to_string()).unwrap_or_default(),
            s.auth_method.as_str().to_owned(),
            slice
                .map(|sl| sl.snssai.sst.value().to_string())
                .unwrap_or_default(),
            slice
                .and_then(|sl| sl.snssai.sd)
                .map(|sd| sd.to_string())
                .unwrap_or_default(),
            dnns.unwrap_or_default(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
imsi,k,opc,op,amf,sqn,msisdn,sst,sd,dnn
# a comment
001010000000001,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf,,8000,0x20,0123,1,,internet
imsi-001010000000002,465b5ce8b199b49faa5f0a2ee238a6bc,,cd63cb71954a9f4e48a5994e37a02baf,,,,2,0000ff,internet;ims
";

    #[test]
    fn parses_lines_with_defaults() {
        let subs = parse_csv(GOOD).unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].sqn, 0x20);
        assert_eq!(subs[0].slices[0].snssai.sd, None);
        assert!(matches!(subs[1].operator_key, OperatorKey::Op(_)));
        assert_eq!(subs[1].slices[0].snssai.to_string(), "2-0000FF");
        assert_eq!(subs[1].slices[0].dnns.len(), 2);
        assert_eq!(parse_csv(&write_csv(&subs)).unwrap(), subs);
    }

    #[test]
    fn a_bad_line_names_its_line_number() {
        let bad = GOOD.replace("0000ff", "0000fff");
        let e = parse_csv(&bad).unwrap_err().to_string();
        assert!(e.starts_with("line 4:") && e.contains("SD"), "{e}");
        let both = GOOD.replace(",,8000", ",cd63cb71954a9f4e48a5994e37a02baf,8000");
        assert!(
            parse_csv(&both)
                .unwrap_err()
                .to_string()
                .contains("exactly one")
        );
    }

    #[test]
    fn header_errors() {
        assert!(
            parse_csv("imsi,k,opc,colour\n")
                .unwrap_err()
                .to_string()
                .contains("colour")
        );
        assert!(
            parse_csv("imsi,k\n")
                .unwrap_err()
                .to_string()
                .contains("opc")
        );
        assert!(
            parse_csv("imsi,opc\n")
                .unwrap_err()
                .to_string()
                .contains("\"k\"")
        );
    }
}
