#!/usr/bin/env python3
"""Cross-check ferrocore's PFCP codec against scapy's (scapy.contrib.pfcp).

JSON on stdin, JSON on stdout:
  {"op": "build"}  -> {"session_establishment": hex, "association_setup": hex}
      messages built by scapy from the values below (the Rust test knows them too);
  {"op": "parse", "messages": [hex, ...]} -> [{"msg_type", "seid", "seq", "ies": [...]}]
      each message dissected by scapy, every IE (grouped ones walked) flattened to
      {"type": int, "depth": int, "fields": {name: str}} in wire order.
"""
import json
import sys

from scapy.contrib.pfcp import (
    PFCP, PFCPAssociationSetupRequest, PFCPSessionEstablishmentRequest, IE_ApplyAction,
    IE_CreateFAR, IE_CreatePDR, IE_CreateQER, IE_CreateURR, IE_DestinationInterface,
    IE_FAR_Id, IE_FSEID, IE_FTEID, IE_ForwardingParameters, IE_GateStatus, IE_MBR,
    IE_MeasurementMethod, IE_NetworkInstance, IE_NodeId, IE_OuterHeaderCreation,
    IE_OuterHeaderRemoval, IE_PDI, IE_PDR_Id, IE_Precedence, IE_QER_Id, IE_QFI,
    IE_RecoveryTimeStamp, IE_ReportingTriggers, IE_SDF_Filter, IE_SourceInterface,
    IE_URR_Id, IE_UE_IP_Address, IE_VolumeThreshold,
)


def session_establishment():
    pdr_ul = IE_CreatePDR(IE_list=[
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
        IE_QER_Id(id=1),
    ])
    pdr_dl = IE_CreatePDR(IE_list=[
        IE_PDR_Id(id=2),
        IE_Precedence(precedence=200),
        IE_PDI(IE_list=[
            IE_SourceInterface(interface=1),
            IE_UE_IP_Address(V4=1, SD=1, ipv4="10.45.0.7"),
            IE_SDF_Filter(FD=1, flow_description="permit out ip from any to assigned"),
        ]),
        IE_FAR_Id(id=2),
        IE_URR_Id(id=1),
    ])
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
    qer = IE_CreateQER(IE_list=[
        IE_QER_Id(id=1),
        IE_GateStatus(ul=0, dl=1),
        IE_MBR(ul=100000, dl=200000),
        IE_QFI(QFI=9),
    ])
    urr = IE_CreateURR(IE_list=[
        IE_URR_Id(id=1),
        IE_MeasurementMethod(VOLUM=1),
        IE_ReportingTriggers(volume_threshold=1),
        IE_VolumeThreshold(TOVOL=1, total=10000000),
    ])
    msg = PFCP(version=1, S=1, seid=0x1122334455667788, seq=42) / PFCPSessionEstablishmentRequest(
        IE_list=[
            IE_NodeId(id_type=0, ipv4="10.0.0.1"),
            IE_FSEID(v4=1, seid=0x0102030405060708, ipv4="10.0.0.1"),
            pdr_ul, pdr_dl, far_ul, far_dl, urr, qer,
        ])
    return bytes(msg)


def association_setup():
    msg = PFCP(version=1, S=0, seq=7) / PFCPAssociationSetupRequest(IE_list=[
        IE_NodeId(id_type=2, id="smf.ferrocore.test"),
        IE_RecoveryTimeStamp(timestamp=3900000000),
    ])
    return bytes(msg)


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
    pkt = PFCP(bytes.fromhex(hexstr))
    ies = []
    flatten(pkt.payload.IE_list if hasattr(pkt.payload, "IE_list") else [], 0, ies)
    return {
        "msg_type": int(pkt.message_type),
        "seid": pkt.seid if pkt.S == 1 else None,
        "seq": pkt.seq,
        "ies": ies,
    }


def main():
    req = json.load(sys.stdin)
    if req["op"] == "build":
        out = {
            "session_establishment": session_establishment().hex(),
            "association_setup": association_setup().hex(),
        }
    elif req["op"] == "parse":
        out = [parse(h) for h in req["messages"]]
    else:
        raise SystemExit("unknown op " + req["op"])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
