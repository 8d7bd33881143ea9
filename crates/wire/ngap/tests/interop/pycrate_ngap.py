#!/usr/bin/env python3
"""pycrate cross-check for ferrocore-ngap (TS 38.413, ASN.1 APER).

JSON on stdin, JSON on stdout (run by ferrocore_testkit::python::run_json):

  {"op": "decode", "pdus": ["<hex>", ...]}
      -> {"results": [{"ok": true, "leaves": [[path, value], ...]} | {"ok": false, "error": str}]}
  {"op": "encode"}
      -> {"messages": [{"name": str, "hex": str, "leaves": [[path, value], ...]}, ...]}

`leaves` flattens a pycrate value: a path is the names down to the leaf (SEQUENCE
members, CHOICE alternatives, the type of an IE or open type value; list items add
nothing), a value is normalised: INTEGER -> decimal, OCTET STRING -> hex, BIT STRING
(value, length) -> "value/length", ENUMERATED/strings -> as is, NULL -> "null".

The values of "encode" are written here by hand from TS 38.413 V17.3.0 (ASN.1
38413-h30.asn), independently of ferrocore's builders; they are the fixtures of the
"pycrate builds, ferrocore decodes" direction.
"""
import json
import sys

from pycrate_asn1dir import NGAP

PDU = NGAP.NGAP_PDU_Descriptions.NGAP_PDU
IES = NGAP.NGAP_IEs


def flatten(val, path, out):
    if isinstance(val, dict):
        if not val:
            out.append([path, ""])
        for k, v in val.items():
            if k in ("id", "criticality") and path.endswith("protocolIEs"):
                continue
            flatten(v, path + "/" + k if path else k, out)
    elif isinstance(val, list):
        if not val:
            out.append([path, ""])
        for v in val:
            flatten(v, path, out)
    elif isinstance(val, tuple) and len(val) == 2 and isinstance(val[0], str):
        flatten(val[1], path + "/" + val[0] if path else val[0], out)
    elif isinstance(val, tuple) and len(val) == 2:
        out.append([path, "%d/%d" % val])
    elif isinstance(val, (bytes, bytearray)):
        out.append([path, val.hex()])
    elif isinstance(val, bool):
        out.append([path, str(val).lower()])
    elif isinstance(val, int):
        out.append([path, str(val)])
    elif val is None:
        out.append([path, "null"])
    else:
        out.append([path, str(val)])
    return out


def leaves(val):
    return flatten(val, "", [])


# ---- hand-written values (TS 38.413 V17.3.0) ------------------------------------------

PLMN = bytes.fromhex("13f054")  # MCC 310, MNC 45 (BCD, TS 24.008 §10.5.1.13)
PLMN2 = bytes.fromhex("02f839")  # 208-93
NAS_REG_REQ = bytes.fromhex("7e004179000d0102f8390000000000000010022e08a020000000000000")
NAS_SEC_MODE = bytes.fromhex("7e005d020004f0f0f0f0")  # SECURITY MODE COMMAND (plain header)
KEY = bytes(range(0x20, 0x40))
NH = bytes(range(0x40, 0x60))


def ie(i, crit, name, value):
    return {"id": i, "criticality": crit, "value": (name, value)}


def init(code, crit, msg, ies):
    return ("initiatingMessage", {"procedureCode": code, "criticality": crit,
                                  "value": (msg, {"protocolIEs": ies})})


def succ(code, crit, msg, ies):
    return ("successfulOutcome", {"procedureCode": code, "criticality": crit,
                                  "value": (msg, {"protocolIEs": ies})})


def fail(code, crit, msg, ies):
    return ("unsuccessfulOutcome", {"procedureCode": code, "criticality": crit,
                                    "value": (msg, {"protocolIEs": ies})})


def tai(tac):
    return {"pLMNIdentity": PLMN, "tAC": tac}


def uli(cell, tac):
    return ("userLocationInformationNR",
            {"nR-CGI": {"pLMNIdentity": PLMN, "nRCellIdentity": (cell, 36)}, "tAI": tai(tac)})


def gtp(ipv4, teid):
    return ("gTPTunnel", {"transportLayerAddress": (ipv4, 32), "gTP-TEID": teid.to_bytes(4, "big")})


SNSSAI = {"sST": b"\x02", "sD": b"\xab\xcd\xef"}
SNSSAI_NO_SD = {"sST": b"\x01"}
GUAMI = {"pLMNIdentity": PLMN, "aMFRegionID": (0x80, 8), "aMFSetID": (0x155, 10), "aMFPointer": (0x2a, 6)}
CAPS = {"nRencryptionAlgorithms": (0xc000, 16), "nRintegrityProtectionAlgorithms": (0x6000, 16),
        "eUTRAencryptionAlgorithms": (0x8000, 16), "eUTRAintegrityProtectionAlgorithms": (0x2000, 16)}
AMBR = {"uEAggregateMaximumBitRateDL": 300000000, "uEAggregateMaximumBitRateUL": 100000000}
STMSI = {"aMFSetID": (0x155, 10), "aMFPointer": (0x2a, 6), "fiveG-TMSI": bytes.fromhex("c0ffee01")}

SETUP_REQ_TRANSFER = ("PDUSessionResourceSetupRequestTransfer", {"protocolIEs": [
    ie(130, "reject", "PDUSessionAggregateMaximumBitRate",
       {"pDUSessionAggregateMaximumBitRateDL": 200000000, "pDUSessionAggregateMaximumBitRateUL": 50000000}),
    ie(139, "reject", "UPTransportLayerInformation", gtp(0xc0a80a01, 0xabcdef01)),
    ie(134, "reject", "PDUSessionType", "ipv4v6"),
    ie(136, "reject", "QosFlowSetupRequestList", [
        {"qosFlowIdentifier": 3, "qosFlowLevelQosParameters": {
            "qosCharacteristics": ("nonDynamic5QI", {"fiveQI": 5}),
            "allocationAndRetentionPriority": {"priorityLevelARP": 2,
                                               "pre-emptionCapability": "shall-not-trigger-pre-emption",
                                               "pre-emptionVulnerability": "not-pre-emptable"}}},
        {"qosFlowIdentifier": 4, "qosFlowLevelQosParameters": {
            "qosCharacteristics": ("nonDynamic5QI", {"fiveQI": 8}),
            "allocationAndRetentionPriority": {"priorityLevelARP": 12,
                                               "pre-emptionCapability": "shall-not-trigger-pre-emption",
                                               "pre-emptionVulnerability": "not-pre-emptable"}}},
        {"qosFlowIdentifier": 5, "qosFlowLevelQosParameters": {
            "qosCharacteristics": ("nonDynamic5QI", {"fiveQI": 1}),
            "allocationAndRetentionPriority": {"priorityLevelARP": 4,
                                               "pre-emptionCapability": "shall-not-trigger-pre-emption",
                                               "pre-emptionVulnerability": "not-pre-emptable"},
            "gBR-QosInformation": {"maximumFlowBitRateDL": 2000000, "maximumFlowBitRateUL": 1000000,
                                   "guaranteedFlowBitRateDL": 128000, "guaranteedFlowBitRateUL": 64000,
                                   "notificationControl": "notification-requested",
                                   "maximumPacketLossRateDL": 10, "maximumPacketLossRateUL": 1000}}},
    ]),
]})

SETUP_RSP_TRANSFER = ("PDUSessionResourceSetupResponseTransfer", {
    "dLQosFlowPerTNLInformation": {
        "uPTransportLayerInformation": gtp(0xc0a80b02, 0x11223344),
        "associatedQosFlowList": [{"qosFlowIdentifier": 3}, {"qosFlowIdentifier": 4}]},
    "qosFlowFailedToSetupList": [{"qosFlowIdentifier": 5, "cause": ("protocol", "semantic-error")}]})


def src_to_tgt():
    c = IES.SourceNGRANNode_ToTargetNGRANNode_TransparentContainer
    c.set_val({"rRCContainer": b"\x80",
               "targetCell-ID": ("nR-CGI", {"pLMNIdentity": PLMN, "nRCellIdentity": (0x0abcdef01, 36)}),
               "uEHistoryInformation": [{"lastVisitedCellInformation": ("nGRANCell", {
                   "globalCellID": ("nR-CGI", {"pLMNIdentity": PLMN, "nRCellIdentity": (0x012345678, 36)}),
                   "cellType": {"cellSize": "medium"}, "timeUEStayedInCell": 120})}]})
    return c.to_aper()


def tgt_to_src():
    c = IES.TargetNGRANNode_ToSourceNGRANNode_TransparentContainer
    c.set_val({"rRCContainer": b"\x80"})
    return c.to_aper()


def messages():
    ids = [ie(10, "reject", "AMF-UE-NGAP-ID", 1099511627775), ie(85, "reject", "RAN-UE-NGAP-ID", 4294967295)]
    ids_ign = [ie(10, "ignore", "AMF-UE-NGAP-ID", 77), ie(85, "ignore", "RAN-UE-NGAP-ID", 1234)]
    ta = [{"tAC": b"\x00\x30\x39", "broadcastPLMNList": [
        {"pLMNIdentity": PLMN, "tAISliceSupportList": [{"s-NSSAI": SNSSAI}, {"s-NSSAI": SNSSAI_NO_SD}]}]}]
    return [
        ("NGSetupRequest", init(21, "reject", "NGSetupRequest", [
            ie(27, "reject", "GlobalRANNodeID", ("globalGNB-ID", {"pLMNIdentity": PLMN, "gNB-ID": ("gNB-ID", (0x3abcde, 24))})),
            ie(82, "ignore", "RANNodeName", "pycrate-gnb"),
            ie(102, "reject", "SupportedTAList", ta),
            ie(21, "ignore", "PagingDRX", "v256")])),
        ("NGSetupResponse", succ(21, "reject", "NGSetupResponse", [
            ie(1, "reject", "AMFName", "pycrate-amf"),
            ie(96, "reject", "ServedGUAMIList", [{"gUAMI": GUAMI}]),
            ie(86, "ignore", "RelativeAMFCapacity", 17),
            ie(80, "reject", "PLMNSupportList", [{"pLMNIdentity": PLMN, "sliceSupportList": [{"s-NSSAI": SNSSAI}]}])])),
        ("NGSetupFailure", fail(21, "reject", "NGSetupFailure", [
            ie(15, "ignore", "Cause", ("protocol", "semantic-error"))])),
        ("NGReset", init(20, "reject", "NGReset", [
            ie(15, "ignore", "Cause", ("misc", "om-intervention")),
            ie(88, "reject", "ResetType", ("partOfNG-Interface", [
                {"aMF-UE-NGAP-ID": 5, "rAN-UE-NGAP-ID": 6}, {"rAN-UE-NGAP-ID": 8}]))])),
        ("NGResetAcknowledge", succ(20, "reject", "NGResetAcknowledge", [
            ie(111, "ignore", "UE-associatedLogicalNG-connectionList", [{"aMF-UE-NGAP-ID": 5, "rAN-UE-NGAP-ID": 6}])])),
        ("InitialUEMessage", init(15, "ignore", "InitialUEMessage", [
            ie(85, "reject", "RAN-UE-NGAP-ID", 99),
            ie(38, "reject", "NAS-PDU", NAS_REG_REQ),
            ie(121, "reject", "UserLocationInformation", uli(0x0fedcba98, b"\x00\x30\x39")),
            ie(90, "ignore", "RRCEstablishmentCause", "mo-Data"),
            ie(26, "reject", "FiveG-S-TMSI", STMSI)])),
        ("DownlinkNASTransport", init(4, "ignore", "DownlinkNASTransport", ids + [
            ie(38, "reject", "NAS-PDU", NAS_SEC_MODE)])),
        ("UplinkNASTransport", init(46, "ignore", "UplinkNASTransport", ids + [
            ie(38, "reject", "NAS-PDU", NAS_REG_REQ),
            ie(121, "ignore", "UserLocationInformation", uli(0x000000001, b"\x00\x00\x07"))])),
        ("InitialContextSetupRequest", init(14, "reject", "InitialContextSetupRequest", ids + [
            ie(110, "reject", "UEAggregateMaximumBitRate", AMBR),
            ie(28, "reject", "GUAMI", GUAMI),
            ie(71, "reject", "PDUSessionResourceSetupListCxtReq", [
                {"pDUSessionID": 9, "s-NSSAI": SNSSAI, "pDUSessionResourceSetupRequestTransfer": SETUP_REQ_TRANSFER}]),
            ie(0, "reject", "AllowedNSSAI", [{"s-NSSAI": SNSSAI}, {"s-NSSAI": SNSSAI_NO_SD}]),
            ie(119, "reject", "UESecurityCapabilities", CAPS),
            ie(94, "reject", "SecurityKey", (int.from_bytes(KEY, "big"), 256)),
            ie(38, "ignore", "NAS-PDU", NAS_SEC_MODE)])),
        ("InitialContextSetupResponse", succ(14, "reject", "InitialContextSetupResponse", ids_ign + [
            ie(72, "ignore", "PDUSessionResourceSetupListCxtRes", [
                {"pDUSessionID": 9, "pDUSessionResourceSetupResponseTransfer": SETUP_RSP_TRANSFER}])])),
        ("InitialContextSetupFailure", fail(14, "reject", "InitialContextSetupFailure", ids_ign + [
            ie(15, "ignore", "Cause", ("transport", "unspecified"))])),
        ("UEContextReleaseRequest", init(42, "ignore", "UEContextReleaseRequest", ids + [
            ie(133, "reject", "PDUSessionResourceListCxtRelReq", [{"pDUSessionID": 1}, {"pDUSessionID": 2}]),
            ie(15, "ignore", "Cause", ("radioNetwork", "radio-connection-with-ue-lost"))])),
        ("UEContextReleaseCommand", init(41, "reject", "UEContextReleaseCommand", [
            ie(114, "reject", "UE-NGAP-IDs", ("aMF-UE-NGAP-ID", 31337)),
            ie(15, "ignore", "Cause", ("nas", "deregister"))])),
        ("UEContextReleaseComplete", succ(41, "reject", "UEContextReleaseComplete", ids_ign + [
            ie(121, "ignore", "UserLocationInformation", uli(0x123456789, b"\x01\x02\x03"))])),
        ("UERadioCapabilityInfoIndication", init(44, "ignore", "UERadioCapabilityInfoIndication", ids + [
            ie(117, "ignore", "UERadioCapability", b"\x80")])),
        ("PDUSessionResourceSetupRequest", init(29, "reject", "PDUSessionResourceSetupRequest", ids + [
            ie(38, "reject", "NAS-PDU", NAS_SEC_MODE),
            ie(74, "reject", "PDUSessionResourceSetupListSUReq", [
                {"pDUSessionID": 9, "pDUSessionNAS-PDU": NAS_REG_REQ, "s-NSSAI": SNSSAI,
                 "pDUSessionResourceSetupRequestTransfer": SETUP_REQ_TRANSFER}])])),
        ("PDUSessionResourceSetupResponse", succ(29, "reject", "PDUSessionResourceSetupResponse", ids_ign + [
            ie(75, "ignore", "PDUSessionResourceSetupListSURes", [
                {"pDUSessionID": 9, "pDUSessionResourceSetupResponseTransfer": SETUP_RSP_TRANSFER}])])),
        ("PDUSessionResourceModifyRequest", init(26, "reject", "PDUSessionResourceModifyRequest", ids + [
            ie(64, "reject", "PDUSessionResourceModifyListModReq", [
                {"pDUSessionID": 9, "pDUSessionResourceModifyRequestTransfer": ("PDUSessionResourceModifyRequestTransfer", {"protocolIEs": [
                    ie(135, "reject", "QosFlowAddOrModifyRequestList", [
                        {"qosFlowIdentifier": 6, "qosFlowLevelQosParameters": {
                            "qosCharacteristics": ("nonDynamic5QI", {"fiveQI": 2}),
                            "allocationAndRetentionPriority": {"priorityLevelARP": 3,
                                                               "pre-emptionCapability": "shall-not-trigger-pre-emption",
                                                               "pre-emptionVulnerability": "not-pre-emptable"},
                            "gBR-QosInformation": {"maximumFlowBitRateDL": 4000000000000,
                                                   "maximumFlowBitRateUL": 512000,
                                                   "guaranteedFlowBitRateDL": 0,
                                                   "guaranteedFlowBitRateUL": 256000}}}]),
                    ie(137, "reject", "QosFlowListWithCause", [
                        {"qosFlowIdentifier": 4, "cause": ("nas", "normal-release")}])]})}])])),
        ("PDUSessionResourceModifyResponse", succ(26, "reject", "PDUSessionResourceModifyResponse", ids_ign + [
            ie(65, "ignore", "PDUSessionResourceModifyListModRes", [
                {"pDUSessionID": 9, "pDUSessionResourceModifyResponseTransfer": ("PDUSessionResourceModifyResponseTransfer", {
                    "dL-NGU-UP-TNLInformation": gtp(0xc0a80b03, 0x55667788),
                    "qosFlowAddOrModifyResponseList": [{"qosFlowIdentifier": 6}],
                    "qosFlowFailedToAddOrModifyList": [
                        {"qosFlowIdentifier": 7, "cause": ("radioNetwork", "not-supported-5QI-value")}]})}]),
            ie(54, "ignore", "PDUSessionResourceFailedToModifyListModRes", [
                {"pDUSessionID": 10, "pDUSessionResourceModifyUnsuccessfulTransfer": (
                    "PDUSessionResourceModifyUnsuccessfulTransfer",
                    {"cause": ("radioNetwork", "unknown-PDU-session-ID")})}])])),
        ("PDUSessionResourceReleaseCommand", init(28, "reject", "PDUSessionResourceReleaseCommand", ids + [
            ie(38, "ignore", "NAS-PDU", NAS_SEC_MODE),
            ie(79, "reject", "PDUSessionResourceToReleaseListRelCmd", [
                {"pDUSessionID": 9, "pDUSessionResourceReleaseCommandTransfer": (
                    "PDUSessionResourceReleaseCommandTransfer", {"cause": ("radioNetwork", "unspecified")})}])])),
        ("PDUSessionResourceReleaseResponse", succ(28, "reject", "PDUSessionResourceReleaseResponse", ids_ign + [
            ie(70, "ignore", "PDUSessionResourceReleasedListRelRes", [
                {"pDUSessionID": 9, "pDUSessionResourceReleaseResponseTransfer": (
                    "PDUSessionResourceReleaseResponseTransfer", {})}])])),
        ("Paging", init(24, "ignore", "Paging", [
            ie(115, "ignore", "UEPagingIdentity", ("fiveG-S-TMSI", STMSI)),
            ie(50, "ignore", "PagingDRX", "v32"),
            ie(103, "ignore", "TAIListForPaging", [{"tAI": tai(b"\x00\x30\x39")}, {"tAI": tai(b"\x00\x30\x3a")}])])),
        ("ErrorIndication", init(9, "ignore", "ErrorIndication", [
            ie(10, "ignore", "AMF-UE-NGAP-ID", 3),
            ie(15, "ignore", "Cause", ("protocol", "abstract-syntax-error-reject"))])),
        ("HandoverRequired", init(12, "reject", "HandoverRequired", ids + [
            ie(29, "reject", "HandoverType", "intra5gs"),
            ie(15, "ignore", "Cause", ("radioNetwork", "time-critical-handover")),
            ie(105, "reject", "TargetID", ("targetRANNodeID", {
                "globalRANNodeID": ("globalGNB-ID", {"pLMNIdentity": PLMN, "gNB-ID": ("gNB-ID", (0xabcdef, 24))}),
                "selectedTAI": tai(b"\x00\x30\x39")})),
            ie(61, "reject", "PDUSessionResourceListHORqd", [
                {"pDUSessionID": 9, "handoverRequiredTransfer": ("HandoverRequiredTransfer", {
                    "directForwardingPathAvailability": "direct-path-available"})}]),
            ie(101, "reject", "SourceToTarget-TransparentContainer", src_to_tgt())])),
        ("HandoverRequest", init(13, "reject", "HandoverRequest", [
            ie(10, "reject", "AMF-UE-NGAP-ID", 77),
            ie(29, "reject", "HandoverType", "intra5gs"),
            ie(15, "ignore", "Cause", ("radioNetwork", "time-critical-handover")),
            ie(110, "reject", "UEAggregateMaximumBitRate", AMBR),
            ie(119, "reject", "UESecurityCapabilities", CAPS),
            ie(93, "reject", "SecurityContext", {"nextHopChainingCount": 5, "nextHopNH": (int.from_bytes(NH, "big"), 256)}),
            ie(73, "reject", "PDUSessionResourceSetupListHOReq", [
                {"pDUSessionID": 9, "s-NSSAI": SNSSAI, "handoverRequestTransfer": SETUP_REQ_TRANSFER}]),
            ie(0, "reject", "AllowedNSSAI", [{"s-NSSAI": SNSSAI}]),
            ie(101, "reject", "SourceToTarget-TransparentContainer", src_to_tgt()),
            ie(28, "reject", "GUAMI", GUAMI)])),
        ("HandoverRequestAcknowledge", succ(13, "reject", "HandoverRequestAcknowledge", ids_ign + [
            ie(53, "ignore", "PDUSessionResourceAdmittedList", [
                {"pDUSessionID": 9, "handoverRequestAcknowledgeTransfer": ("HandoverRequestAcknowledgeTransfer", {
                    "dL-NGU-UP-TNLInformation": gtp(0xc0a80c04, 0x99aabbcc),
                    "qosFlowSetupResponseList": [{"qosFlowIdentifier": 3}]})}]),
            ie(106, "reject", "TargetToSource-TransparentContainer", tgt_to_src())])),
        ("HandoverCommand", succ(12, "reject", "HandoverCommand", ids + [
            ie(29, "reject", "HandoverType", "intra5gs"),
            ie(59, "ignore", "PDUSessionResourceHandoverList", [
                {"pDUSessionID": 9, "handoverCommandTransfer": ("HandoverCommandTransfer", {
                    "dLForwardingUP-TNLInformation": gtp(0xc0a80c05, 0x0badcafe)})}]),
            ie(106, "reject", "TargetToSource-TransparentContainer", tgt_to_src())])),
        ("HandoverNotify", init(11, "ignore", "HandoverNotify", ids + [
            ie(121, "ignore", "UserLocationInformation", uli(0x0abcdef01, b"\x00\x30\x39"))])),
        ("PathSwitchRequest", init(25, "reject", "PathSwitchRequest", [
            ie(85, "reject", "RAN-UE-NGAP-ID", 555),
            ie(100, "reject", "AMF-UE-NGAP-ID", 77),
            ie(121, "ignore", "UserLocationInformation", uli(0x0abcdef01, b"\x00\x30\x39")),
            ie(119, "ignore", "UESecurityCapabilities", CAPS),
            ie(76, "reject", "PDUSessionResourceToBeSwitchedDLList", [
                {"pDUSessionID": 9, "pathSwitchRequestTransfer": ("PathSwitchRequestTransfer", {
                    "dL-NGU-UP-TNLInformation": gtp(0xc0a80d06, 0x01020304),
                    "qosFlowAcceptedList": [{"qosFlowIdentifier": 3}, {"qosFlowIdentifier": 4}]})}])])),
        ("PathSwitchRequestAcknowledge", succ(25, "reject", "PathSwitchRequestAcknowledge", ids_ign + [
            ie(93, "reject", "SecurityContext", {"nextHopChainingCount": 6, "nextHopNH": (int.from_bytes(NH, "big"), 256)}),
            ie(77, "ignore", "PDUSessionResourceSwitchedList", [
                {"pDUSessionID": 9, "pathSwitchRequestAcknowledgeTransfer": ("PathSwitchRequestAcknowledgeTransfer", {
                    "uL-NGU-UP-TNLInformation": gtp(0xc0a80d07, 0x05060708)})}]),
            ie(0, "reject", "AllowedNSSAI", [{"s-NSSAI": SNSSAI}])])),
        ("RANConfigurationUpdate", init(35, "reject", "RANConfigurationUpdate", [
            ie(82, "ignore", "RANNodeName", "pycrate-gnb-2"),
            ie(102, "reject", "SupportedTAList", ta)])),
        ("RANConfigurationUpdateAcknowledge", succ(35, "reject", "RANConfigurationUpdateAcknowledge", [])),
        ("AMFConfigurationUpdate", init(0, "reject", "AMFConfigurationUpdate", [
            ie(1, "reject", "AMFName", "pycrate-amf-2"),
            ie(96, "reject", "ServedGUAMIList", [{"gUAMI": GUAMI}]),
            ie(86, "ignore", "RelativeAMFCapacity", 3)])),
        ("AMFConfigurationUpdateAcknowledge", succ(0, "reject", "AMFConfigurationUpdateAcknowledge", [])),
        ("OverloadStart", init(22, "ignore", "OverloadStart", [
            ie(2, "reject", "OverloadResponse", ("overloadAction", "permit-emergency-sessions-and-mobile-terminated-services-only")),
            ie(9, "ignore", "TrafficLoadReductionIndication", 99)])),
        ("OverloadStop", init(23, "reject", "OverloadStop", [])),
    ]


def main():
    req = json.load(sys.stdin)
    if req["op"] == "decode":
        results = []
        for h in req["pdus"]:
            try:
                PDU.from_aper(bytes.fromhex(h))
                results.append({"ok": True, "leaves": leaves(PDU.get_val()),
                                "reencoded": PDU.to_aper().hex()})
            except Exception as e:  # a decoding failure is a result, not a crash
                results.append({"ok": False, "error": repr(e)})
        json.dump({"results": results}, sys.stdout)
    elif req["op"] == "encode":
        out = []
        for name, val in messages():
            PDU.set_val(val)
            out.append({"name": name, "hex": PDU.to_aper().hex(), "leaves": leaves(PDU.get_val())})
        json.dump({"messages": out}, sys.stdout)
    else:
        raise SystemExit("unknown op %r" % req["op"])


if __name__ == "__main__":
    main()
