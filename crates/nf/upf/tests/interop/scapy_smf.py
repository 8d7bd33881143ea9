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
import os
import sys

from scapy.contrib.pfcp import (
    PFCP, PFCPAssociationSetupRequest, PFCPSessionDeletionRequest,
    PFCPSessionEstablishmentRequest, PFCPSessionModificationRequest, IE_ApplyAction,
    IE_CreateQER, IE_FAR_Id, IE_FSEID, IE_GateStatus, IE_NodeId, IE_QER_Id, IE_QFI,
    IE_RecoveryTimeStamp, IE_URR_Id, IE_UpdateFAR,
)

# The rules and the dissector the PFCP codec's scapy script uses too.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../../wire/pfcp/tests/interop"))
from scapy_common import fars, pdr_dl, pdr_ul, serve, urr  # noqa: E402

SMF_SEID = 0x0102030405060708


def node():
    return IE_NodeId(id_type=0, ipv4="10.0.0.1")


def fseid():
    return IE_FSEID(v4=1, seid=SMF_SEID, ipv4="10.0.0.1")


def rules():
    rule_ids = [IE_QER_Id(id=1), IE_URR_Id(id=1)]
    qer = IE_CreateQER(IE_list=[IE_QER_Id(id=1), IE_GateStatus(ul=0, dl=0), IE_QFI(QFI=9)])
    return [pdr_ul(rule_ids), pdr_dl(rule_ids)] + fars() + [urr(), qer]


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


if __name__ == "__main__":
    serve(build)
