//! Decoding received JSON into models, with errors that name the wrong attribute as
//! TS 29.500 §5.2.7 wants: a missing attribute gives `MANDATORY_IE_MISSING`, a wrong one
//! `MANDATORY_IE_INCORRECT`, both with `invalidParams[].param` a JSON pointer.

use serde::de::DeserializeOwned;

use crate::error::SbiError;

/// Decodes a request or response body.
pub fn from_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, SbiError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(err) => {
            let pointer = json_pointer(err.path());
            let inner = err.into_inner();
            Err(classify(&pointer, &inner))
        }
    }
}

fn classify(pointer: &str, err: &serde_json::Error) -> SbiError {
    use serde_json::error::Category;
    match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            SbiError::invalid_msg_format(format!("body is not valid JSON: {err}"))
        }
        Category::Data => {
            let msg = err.to_string();
            if let Some(field) = missing_field(&msg) {
                let at = if pointer == "/" {
                    String::new()
                } else {
                    pointer.to_owned()
                };
                SbiError::mandatory_ie_missing(format!("{at}/{field}"))
            } else {
                let reason = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
                SbiError::mandatory_ie_incorrect(pointer, reason)
            }
        }
    }
}

/// serde's message for an absent required field: "missing field `name`".
fn missing_field(msg: &str) -> Option<&str> {
    let rest = msg.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// RFC 6901 pointer of a serde path (`a.b[0].c` -> `/a/b/0/c`).
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    if out.is_empty() { "/".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause;
    use crate::nudm_ueau::ResynchronizationInfo;

    #[test]
    fn missing_field_is_named() {
        let e =
            from_json::<ResynchronizationInfo>(br#"{"rand":"00112233445566778899aabbccddeeff"}"#)
                .unwrap_err();
        assert_eq!(e.status, 400);
        assert_eq!(e.cause(), Some(cause::MANDATORY_IE_MISSING));
        assert_eq!(e.problem.invalid_params.unwrap()[0].param, "/auts");
    }

    #[test]
    fn wrong_value_is_named() {
        let e = from_json::<ResynchronizationInfo>(br#"{"rand":"zz","auts":"00"}"#).unwrap_err();
        assert_eq!(e.cause(), Some(cause::MANDATORY_IE_INCORRECT));
        assert_eq!(e.problem.invalid_params.unwrap()[0].param, "/rand");
    }

    #[test]
    fn not_json() {
        let e = from_json::<ResynchronizationInfo>(b"{\"rand\":").unwrap_err();
        assert_eq!(e.status, 400);
        assert_eq!(e.cause(), Some(cause::INVALID_MSG_FORMAT));
    }
}
