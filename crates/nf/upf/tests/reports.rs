//! Session reports beyond volume thresholds (TS 29.244 §5.2.2, §7.5.8): periodic reports,
//! time thresholds, volume and time quotas enforced by the data plane, and GTP-U Error
//! Indications reported with ERIR. The clock is virtual: `Upf::advance` runs the control
//! part's timers at the instants they fall due.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use common::*;
use ferrocore_gtpu::Repr;
use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Cause, IeType};
use ferrocore_upf::state::UrrState;
use ferrocore_upf::{DropReason, Notification, Signal, Verdict};

const UE_B: Ipv4Addr = Ipv4Addr::new(10, 45, 0, 8);
const UE_C: Ipv4Addr = Ipv4Addr::new(10, 45, 0, 9);
const DN: Ipv4Addr = Ipv4Addr::new(1, 1, 1, 1);
/// The IP packets of these tests: 1028 octets.
const PKT: u64 = 1028;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// A UPF with one session (CP SEID 0x42, UE `UE`) whose URR 1 is `urr`.
fn one_session(urr: CreateUrr) -> (Upf, u64, u32) {
    let mut upf = Upf::new();
    upf.associate();
    let mut req = establishment(0x42);
    req.create_urrs = vec![urr];
    let (up_seid, teid) = upf.session(req);
    (upf, up_seid, teid)
}

/// A second session (the common URR: a volume threshold only) with UE address `ue`.
fn other_session(upf: &mut Upf, cp_seid: u64, ue: Ipv4Addr) -> u32 {
    upf.session(with_ue(establishment(cp_seid), ue)).1
}

fn up(upf: &mut Upf, teid: u32, ue: Ipv4Addr) -> Verdict {
    upf.uplink(teid, 9, &ipv4_udp(ue, DN, 1, 2, 1000)).0
}

fn down(upf: &mut Upf, ue: Ipv4Addr) -> Verdict {
    upf.downlink(&ipv4_udp(DN, ue, 2, 1, 1000)).0
}

/// The spent URR's traffic (the session of `teid`, UE [`UE`]) is dropped both ways; the
/// other session's (`teid_b`, [`UE_B`]) still flows.
fn assert_only_the_urr_stopped(upf: &mut Upf, teid: u32, teid_b: u32) {
    let quota = Verdict::Drop(DropReason::QuotaExhausted);
    assert_eq!(up(upf, teid, UE), quota);
    assert_eq!(down(upf, UE), quota);
    assert!(matches!(up(upf, teid_b, UE_B), Verdict::N6 { .. }));
    assert!(matches!(down(upf, UE_B), Verdict::N3 { .. }));
}

/// The one Usage Report of each report, checking they are usage reports for CP SEID
/// `cp_seid`.
fn usage(reports: Vec<(u64, SessionReportRequest)>, cp_seid: u64) -> Vec<UsageReport> {
    reports
        .into_iter()
        .map(|(seid, r)| {
            assert_eq!(seid, cp_seid);
            assert_eq!(r.report_type, SessionReportRequest::USAR);
            assert_eq!(r.usage_reports.len(), 1, "{r:?}");
            r.usage_reports[0].clone()
        })
        .collect()
}

/// The one usage report for CP SEID 0x42 since the last look (see [`usage`]).
fn one_usage(upf: &mut Upf) -> UsageReport {
    let mut r = usage(upf.reports(), 0x42);
    assert_eq!(r.len(), 1, "{r:?}");
    r.remove(0)
}

fn volume(u: &UsageReport) -> (Option<u64>, Option<u64>, Option<u64>) {
    let v = u.volume_measurement.expect("a volume measurement");
    (v.total, v.uplink, v.downlink)
}

fn modify(upf: &mut Upf, up_seid: u64, req: SessionModificationRequest) {
    let (_, resp) = upf.modify(up_seid, req);
    assert_eq!(resp.cause, Cause::REQUEST_ACCEPTED, "{resp:?}");
}

#[test]
fn periodic_report_every_measurement_period_with_the_volume_of_that_period() {
    let (mut upf, _, teid) = one_session(CreateUrr {
        measurement_period: Some(10),
        ..urr(1, true, false, ReportingTriggers::PERIO)
    });
    for _ in 0..3 {
        assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }));
    }
    upf.advance(secs(9));
    assert!(upf.reports().is_empty(), "not before the period ends");
    upf.advance(secs(1));
    let r = one_usage(&mut upf);
    assert_eq!((r.urr_id, r.ur_seqn), (1, 0));
    assert_eq!(r.trigger.0, UsageReportTrigger::PERIO);
    assert_eq!(volume(&r), (Some(3 * PKT), Some(3 * PKT), Some(0)));
    assert_eq!(r.volume_measurement.unwrap().uplink_packets, Some(3));
    assert_eq!(
        (r.start_time, r.end_time),
        (Some(UPF_RTS), Some(UPF_RTS + 10))
    );
    assert_eq!(r.duration_measurement, None, "the URR measures volume only");

    // The second period holds its own traffic only.
    for _ in 0..2 {
        assert!(matches!(down(&mut upf, UE), Verdict::N3 { .. }));
    }
    upf.advance(secs(10));
    let r = one_usage(&mut upf);
    assert_eq!(r.ur_seqn, 1);
    assert_eq!(volume(&r), (Some(2 * PKT), Some(0), Some(2 * PKT)));
    assert_eq!(
        (r.start_time, r.end_time),
        (Some(UPF_RTS + 10), Some(UPF_RTS + 20))
    );

    // Without traffic the periods are still reported, one each.
    upf.advance(secs(25));
    let r = usage(upf.reports(), 0x42);
    let seen: Vec<_> = r
        .iter()
        .map(|u| (u.ur_seqn, u.end_time, volume(u).0))
        .collect();
    assert_eq!(
        seen,
        [
            (2, Some(UPF_RTS + 30), Some(0)),
            (3, Some(UPF_RTS + 40), Some(0))
        ]
    );
    assert_eq!(upf.cp.poll_timeout(), Some(upf.now + secs(5)));
}

#[test]
fn time_threshold_fires_after_the_metered_duration() {
    let (mut upf, up_seid, teid) = one_session(CreateUrr {
        time_threshold: Some(30),
        ..urr(1, true, true, ReportingTriggers::TIMTH)
    });
    // Time is metered from the URR's first packet (no ISTM): a minute of silence first.
    upf.advance(secs(60));
    assert!(upf.reports().is_empty());
    assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }));
    assert_eq!(
        upf.dp.poll_notification(),
        Some(Notification::FirstPacket { up_seid, urr_id: 1 })
    );
    upf.cp
        .handle_notification(upf.now, Notification::FirstPacket { up_seid, urr_id: 1 });
    assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }));
    assert_eq!(upf.dp.poll_notification(), None, "the first packet only");
    upf.advance(secs(29));
    assert!(upf.reports().is_empty());
    upf.advance(secs(1));
    let r = one_usage(&mut upf);
    assert_eq!(r.trigger.0, UsageReportTrigger::TIMTH);
    assert_eq!(r.duration_measurement, Some(30));
    assert_eq!(volume(&r).1, Some(2 * PKT));
    assert_eq!(
        (r.start_time, r.end_time),
        (Some(UPF_RTS), Some(UPF_RTS + 90))
    );
    // The report restarts the measurement; metering goes on without traffic.
    upf.advance(secs(30));
    let r = one_usage(&mut upf);
    assert_eq!((r.ur_seqn, r.duration_measurement), (1, Some(30)));
    assert_eq!(volume(&r).0, Some(0));
}

#[test]
fn istm_meters_time_from_the_urr_creation() {
    let (mut upf, _, _) = one_session(CreateUrr {
        time_threshold: Some(30),
        measurement_information: Some(0x08),
        ..urr(1, false, true, ReportingTriggers::TIMTH)
    });
    upf.advance(secs(30));
    let r = one_usage(&mut upf);
    assert_eq!(r.trigger.0, UsageReportTrigger::TIMTH);
    assert_eq!(r.duration_measurement, Some(30));
    assert_eq!(r.volume_measurement, None, "the URR measures duration only");
}

#[test]
fn volume_quota_reports_and_stops_the_urrs_traffic_only() {
    // Alone on its PDRs the URR is handled by the hot record; with a second URR on the
    // PDRs, by the full PDR match: the same outcome.
    for second_urr in [false, true] {
        let urr_id = if second_urr { 2 } else { 1 };
        let quota = CreateUrr {
            volume_quota: Some(Volume {
                total: Some(5000),
                uplink: None,
                downlink: None,
            }),
            ..urr(urr_id, true, false, ReportingTriggers::VOLQU)
        };
        let mut upf = Upf::new();
        upf.associate();
        let mut req = establishment(0x42);
        if second_urr {
            req.create_urrs.push(quota);
            for p in &mut req.create_pdrs {
                p.urr_ids = [1, 2].into();
            }
        } else {
            req.create_urrs = vec![quota];
        }
        let (up_seid, teid) = upf.session(req);
        let teid_b = other_session(&mut upf, 0x43, UE_B);

        for i in 0..4 {
            assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }), "{i}");
        }
        assert_eq!(upf.dp.poll_notification(), None);
        // 5,140 octets: this packet uses the quota up; it still goes through.
        assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }));
        assert_eq!(
            upf.dp.poll_notification(),
            Some(Notification::VolumeQuota { up_seid, urr_id })
        );
        upf.cp
            .handle_notification(upf.now, Notification::VolumeQuota { up_seid, urr_id });
        let r = one_usage(&mut upf);
        assert_eq!((r.urr_id, r.trigger.0), (urr_id, UsageReportTrigger::VOLQU));
        assert_eq!(volume(&r).0, Some(5 * PKT));

        // Both directions of the URR are stopped from now on; the other session is not.
        assert_only_the_urr_stopped(&mut upf, teid, teid_b);
        assert_eq!(upf.dp.stats().dropped(DropReason::QuotaExhausted), 2);
        assert_eq!(upf.dp.poll_notification(), None, "one VOLQU per quota");
        // Dropped packets are not counted: the next report holds nothing.
        let m = SessionModificationRequest {
            query_urrs: vec![QueryUrr { urr_id }],
            ..empty_modification()
        };
        let (_, resp) = upf.modify(up_seid, m);
        assert_eq!(volume(&resp.usage_reports[0]).0, Some(0));
    }
}

#[test]
fn update_urr_with_a_new_volume_quota_resumes_forwarding() {
    let (mut upf, up_seid, teid) = one_session(CreateUrr {
        volume_quota: Some(Volume {
            total: None,
            uplink: Some(2000),
            downlink: None,
        }),
        ..urr(1, true, false, ReportingTriggers::VOLQU)
    });
    assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }));
    // Only the uplink has a quota.
    assert!(matches!(down(&mut upf, UE), Verdict::N3 { .. }));
    assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }));
    upf.pump();
    let r = usage(upf.reports(), 0x42);
    assert_eq!(r[0].trigger.0, UsageReportTrigger::VOLQU);
    assert_eq!(volume(&r[0]), (Some(3 * PKT), Some(2 * PKT), Some(PKT)));
    assert_eq!(
        up(&mut upf, teid, UE),
        Verdict::Drop(DropReason::QuotaExhausted)
    );

    // A modification without a quota leaves the URR stopped.
    let mut triggers = update_urr(1);
    triggers.reporting_triggers = Some(ReportingTriggers(
        ReportingTriggers::VOLQU | ReportingTriggers::VOLTH,
    ));
    modify(
        &mut upf,
        up_seid,
        SessionModificationRequest {
            update_urrs: vec![triggers],
            ..empty_modification()
        },
    );
    assert_eq!(
        up(&mut upf, teid, UE),
        Verdict::Drop(DropReason::QuotaExhausted)
    );

    // A new quota: forwarding resumes, counted against the new quota from here.
    let mut more = update_urr(1);
    more.volume_quota = Some(Volume {
        total: None,
        uplink: Some(3000),
        downlink: None,
    });
    modify(
        &mut upf,
        up_seid,
        SessionModificationRequest {
            update_urrs: vec![more],
            ..empty_modification()
        },
    );
    for _ in 0..3 {
        assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }));
    }
    upf.pump();
    let r = one_usage(&mut upf);
    assert_eq!((r.ur_seqn, r.trigger.0), (1, UsageReportTrigger::VOLQU));
    assert_eq!(volume(&r).1, Some(3 * PKT));
    assert_eq!(
        up(&mut upf, teid, UE),
        Verdict::Drop(DropReason::QuotaExhausted)
    );
}

#[test]
fn time_quota_stops_the_urrs_traffic_until_a_new_one() {
    let (mut upf, up_seid, teid) = one_session(CreateUrr {
        time_quota: Some(20),
        ..urr(1, true, true, ReportingTriggers::TIMQU)
    });
    let teid_b = other_session(&mut upf, 0x43, UE_B);
    // Metered from the first packet.
    upf.advance(secs(100));
    assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }));
    upf.pump();
    upf.advance(secs(19));
    assert!(matches!(down(&mut upf, UE), Verdict::N3 { .. }));
    assert!(upf.reports().is_empty());
    upf.advance(secs(1));
    let r = one_usage(&mut upf);
    assert_eq!(r.trigger.0, UsageReportTrigger::TIMQU);
    assert_eq!(r.duration_measurement, Some(20));
    assert_eq!(volume(&r).0, Some(2 * PKT));
    assert_only_the_urr_stopped(&mut upf, teid, teid_b);
    // Spent: no further time event.
    upf.advance(secs(60));
    assert!(upf.reports().is_empty());

    // A new time quota (10 s) resumes forwarding, metered from the update.
    let mut more = update_urr(1);
    more.time_quota = Some(10);
    modify(
        &mut upf,
        up_seid,
        SessionModificationRequest {
            update_urrs: vec![more],
            ..empty_modification()
        },
    );
    assert!(matches!(up(&mut upf, teid, UE), Verdict::N6 { .. }));
    upf.advance(secs(10));
    let r = one_usage(&mut upf);
    assert_eq!((r.ur_seqn, r.trigger.0), (1, UsageReportTrigger::TIMQU));
    assert_eq!(
        up(&mut upf, teid, UE),
        Verdict::Drop(DropReason::QuotaExhausted)
    );
}

/// A GTP-U Error Indication from the gNB for `teid` of its address.
fn error_indication(upf: &mut Upf, teid: u32) -> Verdict {
    let ei = Repr::error_indication(teid, IpAddr::V4(GNB));
    let mut buf = vec![0u8; 256];
    let n = ei.buffer_len(0);
    ei.emit(&mut buf[..n]).unwrap();
    upf.dp.handle_n3(&upf.table, upf.now, gnb(), &mut buf, n)
}

/// The remote F-TEIDs of an ERIR report for CP SEID `cp_seid`.
fn erir(report: &(u64, SessionReportRequest)) -> (u64, Vec<Fteid>) {
    let (seid, r) = report;
    assert_eq!(r.report_type, SessionReportRequest::ERIR);
    assert!(r.usage_reports.is_empty() && r.downlink_data_report.is_none());
    let e = r
        .error_indication_report
        .as_ref()
        .expect("Error Indication Report");
    (*seid, e.remote_fteids.clone())
}

fn gnb_fteid(teid: u32) -> Fteid {
    Fteid::Assigned {
        teid,
        ipv4: Some(GNB),
        ipv6: None,
    }
}

#[test]
fn error_indication_is_reported_with_erir_for_each_session_on_that_fteid() {
    let mut upf = Upf::new();
    upf.associate();
    // Session A tunnels downlink to the gNB's TEID 0x1234, B and C both to 0x5678.
    let (up_a, _) = upf.session(establishment(0xA));
    for (cp, ue) in [(0xB, UE_B), (0xC, UE_C)] {
        let mut req = with_ue(establishment(cp), ue);
        req.create_fars[1]
            .forwarding_parameters
            .as_mut()
            .unwrap()
            .outer_header_creation = Some(OuterHeaderCreation::gtpu_ipv4(0x5678, GNB));
        upf.session(req);
    }

    let v = error_indication(&mut upf, GNB_TEID);
    assert_eq!(
        v,
        Verdict::Signal(Signal::ErrorIndication {
            from: gnb(),
            teid: GNB_TEID,
            peer: IpAddr::V4(GNB),
        })
    );
    upf.pump();
    let r = upf.reports();
    assert_eq!(r.len(), 1);
    assert_eq!(erir(&r[0]), (0xA, vec![gnb_fteid(GNB_TEID)]));

    // The gNB repeats it for every packet: neither the data plane nor the control part
    // reports the same F-TEID again before the SMF acts on the session.
    error_indication(&mut upf, GNB_TEID);
    assert_eq!(upf.dp.poll_notification(), None);
    upf.cp.handle_notification(
        upf.now,
        Notification::ErrorIndication {
            from: gnb(),
            teid: GNB_TEID,
            peer: IpAddr::V4(GNB),
        },
    );
    assert!(upf.reports().is_empty());

    // Shared by two sessions: both SMF contexts hear of it.
    error_indication(&mut upf, 0x5678);
    upf.pump();
    let mut r: Vec<_> = upf.reports().iter().map(erir).collect();
    r.sort_by_key(|x| x.0);
    assert_eq!(
        r,
        [
            (0xB, vec![gnb_fteid(0x5678)]),
            (0xC, vec![gnb_fteid(0x5678)])
        ]
    );

    // An F-TEID no session tunnels to: nothing to report.
    error_indication(&mut upf, 0x7777);
    upf.pump();
    assert!(upf.reports().is_empty());

    // The SMF moves A's downlink tunnel: the new F-TEID is reported when it fails, the
    // old one belongs to nobody now.
    let far = update_far_tunnel(2, 0x9999, GNB);
    modify(
        &mut upf,
        up_a,
        SessionModificationRequest {
            update_fars: vec![far],
            ..empty_modification()
        },
    );
    error_indication(&mut upf, GNB_TEID);
    error_indication(&mut upf, 0x9999);
    upf.pump();
    let r = upf.reports();
    assert_eq!(r.len(), 1);
    assert_eq!(erir(&r[0]), (0xA, vec![gnb_fteid(0x9999)]));
}

#[test]
fn periodic_reports_of_thousands_of_sessions_survive_churn() {
    // 3,000 sessions with a periodic URR, deleted and set up again: the timers of the
    // deleted ones (a heap compaction happens on the way) report nothing, each live
    // session reports once per period.
    let mut upf = Upf::new();
    upf.associate();
    let periodic = CreateUrr {
        measurement_period: Some(10),
        ..urr(1, true, false, ReportingTriggers::PERIO)
    };
    let ue = |i: u64| Ipv4Addr::from_bits(UE.to_bits() + i as u32);
    let setup = |upf: &mut Upf, base: u64| -> Vec<u64> {
        (0..3000)
            .map(|i| {
                let mut req = with_ue(establishment(base + i), ue(i));
                req.create_urrs = vec![periodic.clone()];
                upf.session(req).0
            })
            .collect()
    };
    for up_seid in setup(&mut upf, 10_000) {
        assert_eq!(upf.delete(up_seid).cause, Cause::REQUEST_ACCEPTED);
    }
    upf.advance(secs(1));
    setup(&mut upf, 20_000);
    upf.advance(secs(10));
    let mut seids: Vec<u64> = upf.reports().into_iter().map(|(s, _)| s).collect();
    assert_eq!(seids.len(), 3000);
    seids.sort_unstable();
    seids.dedup();
    assert_eq!(seids, (20_000..23_000).collect::<Vec<u64>>());
}

/// A modification the UPF rejects leaves the session's usage reporting as it was (TS
/// 29.244 §7.5.4: the request is rejected as a whole). Found by the `upf_n4` fuzz target
/// (`fuzz/regressions/upf_n4/rejected_remove_urr_left_a_timer_due`): removing a URR that
/// a PDR still names is refused (Cause 73, Offending IE URR ID), but the recompilation
/// had already dropped the URR's counters; its time threshold then fell due and never
/// fired (no counters to report), so `poll_timeout` stayed in the past and the N4 task
/// would spin.
#[test]
fn rejected_modification_leaves_the_urrs_reporting() {
    let mut upf = Upf::new();
    upf.associate();
    let mut req = establishment(0x42);
    req.create_urrs.push(CreateUrr {
        time_threshold: Some(3),
        measurement_information: Some(UrrState::ISTM),
        ..urr(2, true, true, ReportingTriggers::TIMTH)
    });
    req.create_pdrs[1].urr_ids = [1, 2].into();
    let (up_seid, _) = upf.session(req);

    let (_, resp) = upf.modify(
        up_seid,
        SessionModificationRequest {
            remove_urrs: vec![RemoveUrr { urr_id: 2 }],
            ..empty_modification()
        },
    );
    assert_eq!(resp.cause, Cause::RULE_CREATION_MODIFICATION_FAILURE);
    assert_eq!(resp.offending_ie, Some(IeType::URR_ID));

    // URR 2 still counts and reports: the downlink packet, at its time threshold.
    assert!(matches!(down(&mut upf, UE), Verdict::N3 { .. }));
    upf.advance(secs(3));
    let r = one_usage(&mut upf);
    assert_eq!((r.urr_id, r.trigger.0), (2, UsageReportTrigger::TIMTH));
    assert_eq!(volume(&r), (Some(PKT), Some(0), Some(PKT)));
    assert!(
        upf.cp.poll_timeout().is_some_and(|t| t > upf.now),
        "no timer stays due"
    );
}
