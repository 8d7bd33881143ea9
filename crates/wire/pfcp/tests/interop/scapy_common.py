"""What the scapy (scapy.contrib.pfcp) scripts of the PFCP codec's tests (scapy_pfcp.py)
and of the UPF's tests (crates/nf/upf/tests/interop/scapy_smf.py) share: the rules of
one PDU session as scapy builds them (the values of the Rust tests' common/requests.rs:
SMF 10.0.0.1, gNB 10.0.1.9 with TEID 0x1234, UE 10.45.0.7, QFI 9), the dissector that
flattens a message's IEs, and the JSON loop on stdin / stdout.
"""
import json
import sys

from scapy.contrib.pfcp import (
    PFCP, IE_ApplyAction, IE_CreateFAR, IE_CreatePDR, IE_CreateURR,
    IE_DestinationInterface, IE_FAR_Id, IE_FTEID, IE_ForwardingParameters,
    IE_MeasurementMethod, IE_NetworkInstance, IE_OuterHeaderCreation,
    IE_OuterHeaderRemoval, IE_PDI, IE_PDR_Id, IE_Precedence, IE_QFI,
    IE_ReportingTriggers, IE_SDF_Filter, IE_SourceInterface, IE_URR_Id,
    IE_UE_IP_Address, IE_VolumeThreshold,
)


def pdr_ul(rule_ids):
    """Uplink PDR 1: CH F-TEID (CHOOSE ID 7), QFI 9, outer header removed, FAR 1, then
    `rule_ids` (QER / URR Id IEs)."""
    return IE_CreatePDR(IE_list=[
        IE_PDR_Id(id=1),
        IE_Precedence(precedence=255),
        IE_PDI(IE_list=[
            IE_SourceInterface(interface=0),
            IE_FTEID(V4=1, CH=1, CHID=1, choose_id=7),
            IE_NetworkInstance(instance="internet"),
            IE_QFI(QFI=9),
        ]),
        IE_OuterHeaderRemoval(header=0),
        IE_FAR_Id(id=1),
    ] + rule_ids)


def pdr_dl(rule_ids):
    """Downlink PDR 2 (precedence 200): UE address 10.45.0.7, an SDF filter, FAR 2, then
    `rule_ids`."""
    return IE_CreatePDR(IE_list=[
        IE_PDR_Id(id=2),
        IE_Precedence(precedence=200),
        IE_PDI(IE_list=[
            IE_SourceInterface(interface=1),
            IE_UE_IP_Address(V4=1, SD=1, ipv4="10.45.0.7"),
            IE_SDF_Filter(FD=1, flow_description="permit out ip from any to assigned"),
        ]),
        IE_FAR_Id(id=2),
    ] + rule_ids)


def fars():
    """FAR 1 to the core; FAR 2 to the gNB's tunnel."""
    far_ul = IE_CreateFAR(IE_list=[
        IE_FAR_Id(id=1),
        IE_ApplyAction(FORW=1),
        IE_ForwardingParameters(IE_list=[IE_DestinationInterface(interface=1)]),
    ])
    far_dl = IE_CreateFAR(IE_list=[
        IE_FAR_Id(id=2),
        IE_ApplyAction(FORW=1),
        IE_ForwardingParameters(IE_list=[
            IE_DestinationInterface(interface=0),
            IE_OuterHeaderCreation(GTPUUDPIPV4=1, TEID=0x1234, ipv4="10.0.1.9"),
        ]),
    ])
    return [far_ul, far_dl]


def urr():
    """URR 1: volume, reported at a 10,000,000-octet threshold."""
    return IE_CreateURR(IE_list=[
        IE_URR_Id(id=1),
        IE_MeasurementMethod(VOLUM=1),
        IE_ReportingTriggers(volume_threshold=1),
        IE_VolumeThreshold(TOVOL=1, total=10000000),
    ])


def plain(v):
    if isinstance(v, bytes):
        return v.hex()
    return str(v)


def flatten(ies, depth, out):
    for ie in ies or []:
        fields = {k: plain(v) for k, v in ie.fields.items() if k != "IE_list"}
        out.append({"type": int(ie.ietype), "depth": depth, "fields": fields})
        if "IE_list" in ie.fields:
            flatten(ie.IE_list, depth + 1, out)


def parse(hexstr):
    """One message dissected: {"msg_type", "seid", "seq", "ies"}, every IE (grouped ones
    walked) as {"type", "depth", "fields"} in wire order."""
    pkt = PFCP(bytes.fromhex(hexstr))
    ies = []
    flatten(pkt.payload.IE_list if hasattr(pkt.payload, "IE_list") else [], 0, ies)
    return {
        "msg_type": int(pkt.message_type),
        "seid": pkt.seid if pkt.S == 1 else None,
        "seq": pkt.seq,
        "ies": ies,
    }


def serve(build):
    """Reads one request from stdin and writes the answer to stdout: {"op": "build"} ->
    build() ({name: hex}); {"op": "parse", "messages": [hex, ...]} -> [parse(hex), ...]."""
    req = json.load(sys.stdin)
    if req["op"] == "build":
        out = build()
    elif req["op"] == "parse":
        out = [parse(h) for h in req["messages"]]
    else:
        raise SystemExit("unknown op " + req["op"])
    json.dump(out, sys.stdout)
