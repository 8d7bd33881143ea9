//! A human rendering of one message, for `ferrocore decode pfcp <hex>`: a summary line,
//! then every decoded IE as an indented tree. Absent optional IEs are left out and
//! `Some(..)` wrappers dropped, so what is printed is what was on the wire.

use std::fmt::Write;

use crate::error::Error;
use crate::message::{Body, decode};

/// Decodes `bytes` and renders the message: a summary line (name, type, sequence
/// number, SEID, priority) followed by every decoded IE, indented by grouping.
pub fn describe(bytes: &[u8]) -> Result<String, Error> {
    let msg = decode(bytes)?;
    let mut out = String::new();
    let _ = write!(
        out,
        "PFCP {} (type {}), seq {}",
        msg.body.name(),
        msg.body.message_type(),
        msg.header.sequence
    );
    if let Some(seid) = msg.header.seid {
        let _ = write!(out, ", SEID {seid:#018x}");
    }
    if let Some(p) = msg.header.priority {
        let _ = write!(out, ", priority {p}");
    }
    out.push('\n');
    let body = match &msg.body {
        Body::SessionDeletionRequest(_) => String::from("(no IEs)"),
        other => tidy(&format!("{:#?}", other.fields())),
    };
    out.push_str(&body);
    out.push('\n');
    Ok(out)
}

/// Rewrites pretty `Debug` output: `X(\n v,\n)` on one line, `Some(v)` as `v`, and
/// lines for absent (`None`) or empty (`[]`) fields removed.
fn tidy(pretty: &str) -> String {
    let mut lines: Vec<String> = pretty.lines().map(str::to_owned).collect();
    collapse_scalars(&mut lines);
    unwrap_multiline_some(&mut lines);
    lines
        .into_iter()
        .map(unwrap_inline_some)
        .filter(|l| {
            let t = l.trim();
            !(t.ends_with(": None,") || t.ends_with(": [],"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `name: Some(v),` → `name: v,`.
fn unwrap_inline_some(l: String) -> String {
    if let Some(pos) = l.find(": Some(")
        && let Some(body) = l.trim_end().strip_suffix("),")
        && let Some(inner) = body.get(pos + 7..)
        && balanced(inner)
    {
        return format!("{}: {inner},", &l[..pos]);
    }
    l
}

fn balanced(s: &str) -> bool {
    s.matches('(').count() == s.matches(')').count()
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

fn opens(l: &str) -> bool {
    l.ends_with('(') || l.ends_with('{') || l.ends_with('[')
}

/// `a(` / `    v,` / `)` → `a(v)`, repeatedly (for nested wrappers).
fn collapse_scalars(lines: &mut Vec<String>) {
    let mut i = 0;
    while i + 2 < lines.len() {
        let (a, b, c) = (&lines[i], &lines[i + 1], &lines[i + 2]);
        if a.ends_with('(')
            && !opens(b)
            && c.trim_start().starts_with(')')
            && indent(c) == indent(a)
        {
            let merged = format!("{}{})", a, b.trim().trim_end_matches(',')) + &c.trim_start()[1..];
            lines.splice(i..i + 3, [merged]);
            i = i.saturating_sub(1);
        } else {
            i += 1;
        }
    }
}

/// `name: Some(` / `    Inner {` ... `    },` / `),` → `name: Inner {` ... `},`.
fn unwrap_multiline_some(lines: &mut Vec<String>) {
    let mut i = 0;
    while i < lines.len() {
        if lines[i].ends_with(": Some(") {
            let depth = indent(&lines[i]);
            let end = (i + 2..lines.len())
                .find(|&j| indent(&lines[j]) == depth && lines[j].trim_start().starts_with(')'));
            if let Some(end) = end {
                let head = lines[i].trim_end_matches("Some(").to_owned();
                let first = lines[i + 1].trim_start().to_owned();
                for l in &mut lines[i + 2..end] {
                    let cut = l.len().min(4).min(indent(l));
                    l.drain(..cut);
                }
                lines[i] = head + &first;
                lines.remove(end);
                lines.remove(i + 1);
                continue;
            }
        }
        i += 1;
    }
}
