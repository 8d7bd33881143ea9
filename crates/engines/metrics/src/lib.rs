//! The measurement pieces the network functions share, over `prometheus-client`: a
//! procedure's attempts, successes and failures by cause ([`Procedure`], TS 28.552's
//! `Req` / `Succ` / `Fail.cause` triplets), and the Prometheus / OpenMetrics text of a
//! registry ([`render`]) with the look-up of one sample in it ([`sample_value`]).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

/// A `cause` label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct CauseLabel {
    pub cause: &'static str,
}

/// Attempts, successes and failures (by cause) of one procedure.
#[derive(Debug, Clone, Default)]
pub struct Procedure {
    pub req: Counter,
    pub succ: Counter,
    pub fail: Family<CauseLabel, Counter>,
}

impl Procedure {
    /// Registers the three as `{name}_req`, `{name}_succ` and `{name}_fail` (rendered with
    /// `_total`), their help texts made from `what`.
    pub fn register(&self, r: &mut Registry, name: &str, what: &str) {
        r.register(
            format!("{name}_req"),
            format!("{what}: attempts"),
            self.req.clone(),
        );
        r.register(
            format!("{name}_succ"),
            format!("{what}: successes"),
            self.succ.clone(),
        );
        r.register(
            format!("{name}_fail"),
            format!("{what}: failures by cause"),
            self.fail.clone(),
        );
    }

    /// One failure with `cause`.
    pub fn fail(&self, cause: &'static str) {
        self.fail.get_or_create(&CauseLabel { cause }).inc();
    }
}

/// Prometheus text exposition (OpenMetrics text format) of `registry`.
pub fn render(registry: &Registry) -> String {
    let mut out = String::new();
    // Writing into a String does not fail.
    let _ = prometheus_client::encoding::text::encode(&mut out, registry);
    out
}

/// The value of one counter or gauge sample in `text` (what [`render`] gives), e.g.
/// `sample_value(&text, "x_req_total")` or
/// `sample_value(&text, "x_fail_total{cause=\"congestion\"}")`; 0 when absent.
pub fn sample_value(text: &str, sample: &str) -> u64 {
    text.lines()
        .filter_map(|l| l.rsplit_once(' '))
        .find(|(name, _)| *name == sample)
        .and_then(|(_, v)| v.parse::<f64>().ok())
        .map_or(0, |v| v as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procedure_renders_with_total_and_cause() {
        let mut r = Registry::default();
        let p = Procedure::default();
        p.register(&mut r, "x_proc", "x procedures");
        p.req.inc();
        p.req.inc();
        p.succ.inc();
        p.fail("congestion");
        let text = render(&r);
        assert!(
            text.contains("# HELP x_proc_req x procedures: attempts"),
            "{text}"
        );
        assert_eq!(sample_value(&text, "x_proc_req_total"), 2);
        assert_eq!(sample_value(&text, "x_proc_succ_total"), 1);
        assert_eq!(
            sample_value(&text, "x_proc_fail_total{cause=\"congestion\"}"),
            1
        );
        assert_eq!(sample_value(&text, "x_proc_fail_total{cause=\"other\"}"), 0);
    }
}
