#!/usr/bin/env python3
"""Cross-check ferrocore's PFCP codec against scapy's (scapy.contrib.pfcp).

JSON on stdin, JSON on stdout:
  {"op": "build"}  -> {"session_establishment": hex, "association_setup": hex}
      messages built by scapy from the values below (the Rust test knows them too);
  {"op": "parse", "messages": [hex, ...]} -> [{"msg_type", "seid", "seq", "ies": [...]}]
      each message dissected by scapy, every IE (grouped ones walked) flattened to
      {"type": int, "depth": int, "fields": {name: str}} in wire order.
"""
from scapy.contrib.pfcp import (
    PFCP, PFCPAssociationSetupRequest, PFCPSessionEstablishmentRequest, IE_CreateQER,
    IE_FSEID, IE_GateStatus, IE_MBR, IE_NodeId, IE_QER_Id, IE_QFI, IE_RecoveryTimeStamp,
    IE_URR_Id,
)

from scapy_common import fars, pdr_dl, pdr_ul, serve, urr


def session_establishment():
    qer = IE_CreateQER(IE_list=[
        IE_QER_Id(id=1),
        IE_GateStatus(ul=0, dl=1),
        IE_MBR(ul=100000, dl=200000),
        IE_QFI(QFI=9),
    ])
    msg = PFCP(version=1, S=1, seid=0x1122334455667788, seq=42) / PFCPSessionEstablishmentRequest(
        IE_list=[
            IE_NodeId(id_type=0, ipv4="10.0.0.1"),
            IE_FSEID(v4=1, seid=0x0102030405060708, ipv4="10.0.0.1"),
            pdr_ul([IE_QER_Id(id=1)]), pdr_dl([IE_URR_Id(id=1)]),
        ] + fars() + [urr(), qer])
    return bytes(msg)


def association_setup():
    msg = PFCP(version=1, S=0, seq=7) / PFCPAssociationSetupRequest(IE_list=[
        IE_NodeId(id_type=2, id="smf.ferrocore.test"),
        IE_RecoveryTimeStamp(timestamp=3900000000),
    ])
    return bytes(msg)


def build():
    return {
        "session_establishment": session_establishment().hex(),
        "association_setup": association_setup().hex(),
    }


if __name__ == "__main__":
    serve(build)
