//! Hostile inputs: truncations, corrupted octets, lying lengths, deep nesting, floods of
//! small IEs. Shared by the no-panic tests and the allocation bound test.

use ferrocore_pfcp::encode;

/// A session message header (S flag, SEID 1, sequence 1) with `body` and a correct length.
pub fn session_message(message_type: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![0x21, message_type, 0, 0];
    m.extend_from_slice(&1u64.to_be_bytes());
    m.extend_from_slice(&[0, 0, 1, 0]);
    m.extend_from_slice(body);
    let len = (m.len() - 4) as u16;
    m[2..4].copy_from_slice(&len.to_be_bytes());
    m
}

pub fn ie(ty: u16, value: &[u8]) -> Vec<u8> {
    let mut v = ty.to_be_bytes().to_vec();
    v.extend_from_slice(&(value.len() as u16).to_be_bytes());
    v.extend_from_slice(value);
    v
}

/// Every sample cut at every length, with the header's length left alone and with it
/// fixed up to match (so that the cut lands inside IEs).
pub fn truncations() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for m in super::all_messages() {
        let full = encode(&m).unwrap();
        for n in 0..full.len() {
            let mut cut = full[..n].to_vec();
            out.push(cut.clone());
            if n >= 4 {
                let len = (n - 4) as u16;
                cut[2..4].copy_from_slice(&len.to_be_bytes());
                out.push(cut);
            }
        }
    }
    out
}

/// Every sample with each octet past the header replaced by 0x00, 0xff and 0x80.
pub fn corruptions() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for m in super::all_messages() {
        let full = encode(&m).unwrap();
        for i in 4..full.len() {
            for b in [0x00, 0xff, 0x80] {
                let mut c = full.clone();
                c[i] = b;
                out.push(c);
            }
        }
    }
    out
}

/// A Create PDR whose PDI holds a PDI holding a PDI ... `depth` levels.
pub fn deep_nesting(depth: usize) -> Vec<u8> {
    let mut inner = ie(20, &[0]);
    for _ in 0..depth {
        inner = ie(2, &inner);
    }
    let mut pdr = ie(56, &[0, 1]);
    pdr.extend(ie(29, &[0, 0, 0, 1]));
    pdr.extend(inner);
    let mut body = ie(60, &[0, 10, 0, 0, 1]);
    body.extend(ie(57, &[2, 0, 0, 0, 0, 0, 0, 0, 1, 10, 0, 0, 1]));
    body.extend(ie(1, &pdr));
    session_message(50, &body)
}

/// Session Modification Requests filled with the smallest valid instance of one
/// multi-instance IE, as many as fit: the worst case for allocation per input octet.
pub fn floods() -> Vec<Vec<u8>> {
    let pdr_id = ie(56, &[0, 1]);
    let far_id = ie(108, &[0, 0, 0, 1]);
    let urr_id = ie(81, &[0, 0, 0, 1]);
    let qer_id = ie(109, &[0, 0, 0, 1]);
    let smallest: Vec<(u16, Vec<u8>)> = vec![
        (9, pdr_id.clone()),
        (15, pdr_id),
        (10, far_id.clone()),
        (16, far_id),
        (13, urr_id.clone()),
        (17, urr_id.clone()),
        (77, urr_id),
        (14, [qer_id.clone(), ie(25, &[0])].concat()),
        (18, qer_id),
    ];
    let mut out = Vec::new();
    for (ty, value) in smallest {
        let one = ie(ty, &value);
        let n = 60_000 / one.len();
        out.push(session_message(52, &one.repeat(n)));
    }
    // Two lists interleaved, so that neither is one contiguous run.
    let pair = [ie(9, &ie(56, &[0, 1])), ie(10, &ie(108, &[0, 0, 0, 1]))].concat();
    out.push(session_message(52, &pair.repeat(60_000 / pair.len())));
    // Usage reports, SDF filters, QFIs, URR IDs inside one PDR.
    let report = ie(
        80,
        &[
            ie(81, &[0, 0, 0, 1]),
            ie(104, &[0, 0, 0, 1]),
            ie(63, &[1, 0]),
        ]
        .concat(),
    );
    out.push(session_message(
        56,
        &[ie(39, &[2]), report.repeat(60_000 / report.len())].concat(),
    ));
    let sdf = ie(23, &[0, 0]);
    let mut pdi = ie(20, &[0]);
    pdi.extend(sdf.repeat(60_000 / sdf.len()));
    let mut pdr = ie(56, &[0, 1]);
    pdr.extend(ie(29, &[0, 0, 0, 1]));
    pdr.extend(ie(2, &pdi));
    out.push(session_message(52, &ie(1, &pdr)));
    out
}
