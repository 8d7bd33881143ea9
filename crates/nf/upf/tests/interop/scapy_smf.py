#!/usr/bin/env python3
"""An independent SMF for ferrocore's UPF: scapy (scapy.contrib.pfcp) builds the
requests and dissects the UPF's responses.

JSON on stdin, JSON on stdout:
  {"op": "build"} -> {name: hex}: an Association Setup Request, a Session Establishment
      Request (uplink PDR with CH F-TEID / CHOOSE ID, downlink PDR with the UE address
      and an SDF filter, FARs with Outer Header Creation, a QER, a URR), and malformed
      requests, each with its own sequence number;
  {"op": "parse", "messages": [hex, ...]} -> [{"msg_type", "seid", "seq", "ies": [...]}]
      every IE (grouped ones walked) as {"type", "depth", "fields"} in wire order.
"""
import json
import sys

from scapy.contrib.pfcp import (
    PFCP, PFCPAssociationSetupRequest, PFCPSessionDeletionRequest,
    PFCPSessionEstablishmentRequest, PFCPSessionModificationRequest, IE_ApplyAction,
    IE_CreateFAR, IE_CreatePDR, IE_CreateQER, IE_CreateURR, IE_DestinationInterface,
    IE_FAR_Id, IE_FSEID, IE_FTEID, IE_ForwardingParameters, IE_GateStatus,
    IE_MeasurementMethod, IE_NetworkInstance, IE_NodeId, IE_OuterHeaderCreation,
    IE_OuterHeaderRemoval, IE_PDI, IE_PDR_Id, IE_Precedence, IE_QER_Id, IE_QFI,
    IE_RecoveryTimeStamp, IE_ReportingTriggers, IE_SDF_Filter, IE_SourceInterface,
    IE_URR_Id, IE_UE_IP_Address, IE_VolumeThreshold, IE_UpdateFAR,
)

SMF_SEID = 0x0102030405060708


def node():
    return IE_NodeId(id_type=0, ipv4="10.0.0.1")


def fseid():
    return IE_FSEID(v4=1, seid=SMF_SEID, ipv4="10.0.0.1")


def rules():
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
        IE_URR_Id(id=1),
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
        IE_QER_Id(id=1),
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
    qer = IE_CreateQER(IE_list=[IE_QER_Id(id=1), IE_GateStatus(ul=0, dl=0), IE_QFI(QFI=9)])
    urr = IE_CreateURR(IE_list=[
        IE_URR_Id(id=1),
        IE_MeasurementMethod(VOLUM=1),
        IE_ReportingTriggers(volume_threshold=1),
        IE_VolumeThreshold(TOVOL=1, total=10000000),
    ])
    return [pdr_ul, pdr_dl, far_ul, far_dl, urr, qer]


def session(seq, ies, seid=0, s=1):
    return bytes(PFCP(version=1, S=s, seid=seid, seq=seq) / PFCPSessionEstablishmentRequest(IE_list=ies))


def build():
    out = {}
    out["association_setup"] = bytes(PFCP(version=1, S=0, seq=1) / PFCPAssociationSetupRequest(IE_list=[
        IE_NodeId(id_type=0, ipv4="10.0.0.1"),
        IE_RecoveryTimeStamp(timestamp=3900000000),
    ]))
    out["session_establishment"] = session(2, [node(), fseid()] + rules())
    # 66: no Node ID.
    out["missing_node_id"] = session(3, [fseid()] + rules())
    # 69: Node ID type 7.
    out["bad_node_id_type"] = session(4, [IE_NodeId(id_type=7), fseid()] + rules())
    # 68: an F-SEID whose length (9) leaves no room for the IPv4 address its V4 flag
    # announces.
    out["short_fseid"] = session(5, [node(), IE_FSEID(v4=1, seid=SMF_SEID, ipv4="10.0.0.1", length=9)] + rules())
    # 64: a session message without the S flag (no SEID).
    out["no_seid"] = session(6, [node(), fseid()] + rules(), s=0)
    # 65: modification and deletion for a SEID the UPF never gave out.
    out["unknown_seid_modification"] = bytes(
        PFCP(version=1, S=1, seid=0xdead, seq=7) / PFCPSessionModificationRequest(IE_list=[
            IE_UpdateFAR(IE_list=[IE_FAR_Id(id=2), IE_ApplyAction(BUFF=1, NOCP=1)]),
        ]))
    out["unknown_seid_deletion"] = bytes(
        PFCP(version=1, S=1, seid=0xdead, seq=8) / PFCPSessionDeletionRequest())
    return {k: v.hex() for k, v in out.items()}


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
        out = build()
    elif req["op"] == "parse":
        out = [parse(h) for h in req["messages"]]
    else:
        raise SystemExit("unknown op " + req["op"])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
