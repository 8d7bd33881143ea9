#!/usr/bin/env python3
"""Independent NAS-5GS bytes and field values from pycrate, for ferrocore-nas' interop test.

stdin (JSON):  {"op": "build"}                      -> every 5GMM (§8.2) / 5GSM (§8.3) message
               {"op": "decode", "hex": ["7e..", ...]} -> pycrate's reading of each
stdout (JSON): [{"name": ..., "hex": ..., "fields": {...}} | {"error": ...}, ...]

`fields` uses a small vocabulary shared with the Rust side (tests/common/fields.rs):
type, psi, pti, sht, mac, sn, cause, ngksi, identity, guti, imeisv, nssai, allowed_nssai,
ea, ia, abba, rand, opt_psi, payload_type, dnn, pdu_type, ssc, ambr_dl, sst, eap_code,
service_type, identity_type, t3346, reg_type, and as hex: reg_result, nas_container,
payload, pdu_address, qos_rules, tai_list, sec_algo.
Messages are built with pycrate (mandatory IEs plus several optional ones set to
non-default values), then re-parsed by pycrate, and the values come from that parse.
"""

import json
import sys
import io
import contextlib

with contextlib.redirect_stdout(io.StringIO()):
    from pycrate_mobile.NAS5G import parse_NAS5G
    from pycrate_mobile import TS24501_FGMM as MM
    from pycrate_mobile import TS24501_FGSM as SM

H = bytes.fromhex
KSI = {"TSC": 0, "Value": 2}
SUCI_NULL = H("0102f839214300000000000010")  # SUCI, null scheme, RI 1234, MSIN 0000000001
SUCI_A = (
    H("0102f839f0ff0101") + bytes(range(1, 33)) + H("a1a2a3a4a5") + H("0102030405060708")
)  # profile A, key id 1, 32-octet key, 5-octet ciphertext, MAC tag
GUTI = H("f202f839ca01fe11223344")  # 208/93, region 0xca, set 7, pointer 0x3e, TMSI
STMSI = H("f401fe11223344")
IMEI = H("4b09512430325781")  # 490154203237518
IMEISV = H("4509512430325718f6")  # 4901542032375816 (even, filler at the end)
NSSAI = H("010104 01ffffff 04020a0b0c".replace(" ", ""))  # SST1 without SD, SST1 SD FFFFFF, SST2 SD 0a0b0c
UESECCAP = H("f070")
EAP_REQ = H("01010004")
EAP_SUCCESS = H("03010004")
QOS_RULES = H("01000631310101ff01")
AMBR = H("060064060032")  # 100 Mbps DL, 50 Mbps UL
TAI_LIST = H("0002f839000001")
DNN = b"\x08internet"
EPCO = H("8000 0d00 000a00".replace(" ", ""))

SM_INNER = None  # filled below: PDU session establishment request, for containers


def sm(cls, psi=5, pti=1, **val):
    val["5GSMHeader"] = {"PDUSessID": psi, "PTI": pti}
    return cls(val=val)


def messages():
    """(name, pycrate message) for every message of §8.2 and §8.3."""
    est_req = sm(
        SM.FGSMPDUSessionEstabRequest,
        IntegrityProtMaxDataRate=H("ffff"),
        PDUSessType=1,
        SSCMode=1,
        ExtProtConfig=EPCO,
    )
    inner_reg = MM.FGMMRegistrationRequest(
        val={"NAS_KSI": KSI, "5GSRegType": {"FOR": 1, "Value": 1}, "5GSID": GUTI}
    )
    out = [
        # ---- 5GMM, TS 24.501 §8.2 ----
        ("authentication_request", MM.FGMMAuthenticationRequest(val={
            "NAS_KSI": KSI, "ABBA": H("0000"), "RAND": bytes(range(16)),
            "AUTN": bytes(range(16, 32))})),
        ("authentication_response", MM.FGMMAuthenticationResponse(val={
            "RES": bytes(range(100, 116))})),
        ("authentication_result", MM.FGMMAuthenticationResult(val={
            "NAS_KSI": KSI, "EAPMsg": EAP_SUCCESS, "ABBA": H("0001")})),
        ("authentication_failure", MM.FGMMAuthenticationFailure(val={
            "5GMMCause": 21, "AUTS": bytes(range(14))})),
        ("authentication_reject", MM.FGMMAuthenticationReject(val={"EAPMsg": H("04010004")})),
        ("registration_request_suci_null", MM.FGMMRegistrationRequest(val={
            "NAS_KSI": {"TSC": 0, "Value": 7}, "5GSRegType": {"FOR": 1, "Value": 1},
            "5GSID": SUCI_NULL, "5GMMCap": H("07"), "UESecCap": UESECCAP, "NSSAI": NSSAI,
            "ULDataStat": H("2000"), "PDUSessStat": H("2000")})),
        ("registration_request_suci_profile_a", MM.FGMMRegistrationRequest(val={
            "NAS_KSI": {"TSC": 0, "Value": 7}, "5GSRegType": {"FOR": 0, "Value": 1},
            "5GSID": SUCI_A, "UESecCap": UESECCAP})),
        ("registration_request_guti", MM.FGMMRegistrationRequest(val={
            "NAS_KSI": KSI, "5GSRegType": {"FOR": 1, "Value": 2}, "5GSID": GUTI,
            "UESecCap": UESECCAP, "NASContainer": inner_reg.to_bytes(),
            "PDUSessStat": H("2000")})),
        ("registration_accept", MM.FGMMRegistrationAccept(val={
            "5GSRegResult": H("09"), "GUTI": GUTI, "5GSTAIList": TAI_LIST,
            "AllowedNSSAI": H("0101"), "5GSNetFeat": H("01"), "T3512": H("21"),
            "PDUSessStat": H("2000")})),
        ("registration_complete", MM.FGMMRegistrationComplete()),
        ("registration_reject", MM.FGMMRegistrationReject(val={
            "5GMMCause": 22, "T3346": H("2a"), "T3502": H("2c")})),
        ("ul_nas_transport", MM.FGMMULNASTransport(val={
            "PayloadContainerType": 1, "PayloadContainer": est_req.to_bytes(),
            "PDUSessID": H("05"), "RequestType": 1, "SNSSAI": H("01"), "DNN": DNN})),
        ("dl_nas_transport", MM.FGMMDLNASTransport(val={
            "PayloadContainerType": 1, "PayloadContainer": est_req.to_bytes(),
            "PDUSessID": H("05"), "5GMMCause": 90})),
        ("deregistration_request_ue_originating", MM.FGMMMODeregistrationRequest(val={
            "NAS_KSI": KSI, "DeregistrationType": {"SwitchOff": 1, "ReregistrationRequired": 0, "AccessType": 1},
            "5GSID": GUTI})),
        ("deregistration_accept_ue_originating", MM.FGMMMODeregistrationAccept()),
        ("deregistration_request_ue_terminated", MM.FGMMMTDeregistrationRequest(val={
            "DeregistrationType": {"SwitchOff": 0, "ReregistrationRequired": 1, "AccessType": 1},
            "5GMMCause": 9, "T3346": H("21")})),
        ("deregistration_accept_ue_terminated", MM.FGMMMTDeregistrationAccept()),
        ("service_request", MM.FGMMServiceRequest(val={
            "ServiceType": 1, "NAS_KSI": KSI, "5GSID": STMSI, "ULDataStat": H("2000"),
            "PDUSessStat": H("2000")})),
        ("service_accept", MM.FGMMServiceAccept(val={"PDUSessStat": H("2000"), "T3448": H("21")})),
        ("service_reject", MM.FGMMServiceReject(val={
            "5GMMCause": 22, "PDUSessStat": H("2000"), "T3346": H("21")})),
        ("configuration_update_command", MM.FGMMConfigurationUpdateCommand(val={
            "ConfigUpdateInd": {"RED": 0, "ACK": 1}, "GUTI": GUTI, "5GSTAIList": TAI_LIST,
            "AllowedNSSAI": H("0101")})),
        ("configuration_update_complete", MM.FGMMConfigurationUpdateComplete()),
        ("identity_request", MM.FGMMIdentityRequest(val={"5GSIDType": 5})),
        ("identity_response", MM.FGMMIdentityResponse(val={"5GSID": IMEISV})),
        ("identity_response_imei", MM.FGMMIdentityResponse(val={"5GSID": IMEI})),
        ("notification", MM.FGMMNotification(val={"AccessType": 1})),
        ("notification_response", MM.FGMMNotificationResponse(val={"PDUSessStat": H("2000")})),
        ("security_mode_command", MM.FGMMSecurityModeCommand(val={
            "NASSecAlgo": H("22"), "NAS_KSI": KSI, "UESecCap": UESECCAP,
            "IMEISVReq": 1, "ABBA": H("0000")})),
        ("security_mode_complete", MM.FGMMSecurityModeComplete(val={
            "IMEISV": IMEISV, "NASContainer": inner_reg.to_bytes()})),
        ("security_mode_reject", MM.FGMMSecurityModeReject(val={"5GMMCause": 23})),
        ("fgmm_status", MM.FGMMStatus(val={"5GMMCause": 98})),
        ("control_plane_service_request", MM.FGMMControlPlaneServiceRequest(val={
            "NAS_KSI": KSI, "CtrlPlaneServiceType": 1, "PDUSessID": H("05"),
            "PDUSessStat": H("2000")})),
        ("network_slice_specific_authentication_command", MM.FGMMNetworkSliceSpecAuthCommand(val={
            "SNSSAI": H("01"), "EAPMsg": EAP_REQ})),
        ("network_slice_specific_authentication_complete", MM.FGMMNetworkSliceSpecAuthComplete(val={
            "SNSSAI": H("01"), "EAPMsg": H("02010004")})),
        ("network_slice_specific_authentication_result", MM.FGMMNetworkSliceSpecAuthResult(val={
            "SNSSAI": H("01"), "EAPMsg": EAP_SUCCESS})),
        ("relay_key_request", MM.FGMMRelayKeyRequest(val={
            "PRTI": 7, "RelayKeyReqPrm": H("01") + bytes(19)})),
        ("relay_key_accept", MM.FGMMRelayKeyAccept(val={
            "PRTI": 7, "RelayKeyRespPrm": bytes(49), "EAPMsg": EAP_SUCCESS})),
        ("relay_key_reject", MM.FGMMRelayKeyReject(val={"PRTI": 7, "EAPMsg": H("04010004")})),
        ("relay_authentication_request", MM.FGMMRelayAuthentRequest(val={"PRTI": 7, "EAPMsg": H("0101000501")})),
        ("relay_authentication_response", MM.FGMMRelayAuthentResponse(val={"PRTI": 7, "EAPMsg": H("0201000501")})),
        # ---- 5GSM, TS 24.501 §8.3 ----
        ("pdu_session_establishment_request", est_req),
        ("pdu_session_establishment_accept", sm(
            SM.FGSMPDUSessionEstabAccept, SSCMode=1, PDUSessType=1, QoSRules=QOS_RULES,
            SessAMBR=AMBR, PDUAddress=H("010a2d0002"), SNSSAI=H("01"), DNN=DNN)),
        ("pdu_session_establishment_reject", sm(
            SM.FGSMPDUSessionEstabReject, **{"5GSMCause": 27, "BackOffTimer": H("21")})),
        ("pdu_session_authentication_command", sm(
            SM.FGSMPDUSessionAuthentCommand, EAPMsg=EAP_REQ, ExtProtConfig=EPCO)),
        ("pdu_session_authentication_complete", sm(
            SM.FGSMPDUSessionAuthentComplete, EAPMsg=H("02010004"))),
        ("pdu_session_authentication_result", sm(
            SM.FGSMPDUSessionAuthentResult, EAPMsg=EAP_SUCCESS)),
        ("pdu_session_modification_request", sm(
            SM.FGSMPDUSessionModifRequest, **{"5GSMCap": H("00"), "5GSMCause": 36,
                                               "IntegrityProtMaxDataRate": H("0000")})),
        ("pdu_session_modification_reject", sm(
            SM.FGSMPDUSessionModifReject, **{"5GSMCause": 26, "BackOffTimer": H("21")})),
        ("pdu_session_modification_command", sm(
            SM.FGSMPDUSessionModifCommand, **{"5GSMCause": 36, "SessAMBR": AMBR})),
        ("pdu_session_modification_complete", sm(
            SM.FGSMPDUSessionModifComplete, ExtProtConfig=EPCO)),
        ("pdu_session_modification_command_reject", sm(
            SM.FGSMPDUSessionModifCommandReject, **{"5GSMCause": 43})),
        ("pdu_session_release_request", sm(SM.FGSMPDUSessionReleaseRequest, **{"5GSMCause": 36})),
        ("pdu_session_release_reject", sm(SM.FGSMPDUSessionReleaseReject, **{"5GSMCause": 43})),
        ("pdu_session_release_command", sm(
            SM.FGSMPDUSessionReleaseCommand, **{"5GSMCause": 36, "BackOffTimer": H("21")})),
        ("pdu_session_release_complete", sm(SM.FGSMPDUSessionReleaseComplete, **{"5GSMCause": 36})),
        ("fgsm_status", sm(SM.FGSMStatus, **{"5GSMCause": 98})),
        ("service_level_authentication_command", sm(
            SM.FGSMServiceLevelAuthCommand, psi=5, pti=0,
            ServiceLevelAAContainer=H("10000401020304"))),
        ("service_level_authentication_complete", sm(
            SM.FGSMServiceLevelAuthComplete, psi=5, pti=0,
            ServiceLevelAAContainer=H("10000401020304"))),
        ("remote_ue_report", sm(SM.FGSMRemoteUEReport, psi=5, pti=2)),
        ("remote_ue_report_response", sm(SM.FGSMRemoteUEReportResponse, psi=5, pti=2)),
        # ---- security protected 5GS NAS message, §9.1.1 (header types 1 to 4) ----
        ("protected_integrity", MM.FGMMSecProtNASMessage(val={
            "5GMMHeaderSec": {"SecHdr": 1}, "MAC": H("deadbeef"), "Seqn": 7,
            "NASMessage": MM.FGMMRegistrationComplete().to_bytes()})),
        ("protected_ciphered", MM.FGMMSecProtNASMessage(val={
            "5GMMHeaderSec": {"SecHdr": 2}, "MAC": H("01020304"), "Seqn": 255,
            "NASMessage": H("a1b2c3d4e5")})),
        ("protected_new_context", MM.FGMMSecProtNASMessage(val={
            "5GMMHeaderSec": {"SecHdr": 3}, "MAC": H("00000001"), "Seqn": 0,
            "NASMessage": MM.FGMMSecurityModeCommand(val={
                "NASSecAlgo": H("22"), "NAS_KSI": KSI, "UESecCap": UESECCAP}).to_bytes()})),
        ("protected_ciphered_new_context", MM.FGMMSecProtNASMessage(val={
            "5GMMHeaderSec": {"SecHdr": 4}, "MAC": H("ffffffff"), "Seqn": 1,
            "NASMessage": H("00")})),
    ]
    return out


def ie_bytes(ie):
    """The value octets of a TLV / LV IE (its last element), whatever its structure."""
    return ie[-1].to_bytes()


def present(m, name):
    try:
        e = m[name]
    except Exception:
        return None
    try:
        if e.get_trans():
            return None
    except Exception:
        pass
    return e


def v_int(e):
    """An integer IE value: the single Uint of a V / TV IE."""
    val = e.get_val()
    while isinstance(val, list):
        val = val[-1]
    return val


def plmn(e):
    return e.decode() if hasattr(e, "decode") else e.get_val()


def identity(e):
    """The 5GS mobile identity, as 'kind:...' text."""
    v = e[-1]
    t = v["Type"].get_val()
    if t == 1:
        fmt = v["Fmt"].get_val()
        if fmt != 0:
            return "suci-nai"
        s = v["Value"].get_alt()
        out = s["Output"].get_alt()
        scheme = s["ProtSchemeID"].get_val()
        if scheme == 0:
            msin = out.decode()
        else:
            msin = out.to_bytes().hex()
        return "suci:%s:%s:%d:%d:%s" % (
            s["PLMN"].decode(), s["RoutingInd"].decode(), scheme, s["HNPKID"].get_val(), msin)
    if t == 2:
        return "guti:%s:%d:%d:%d:%08x" % (
            v["PLMN"].decode(), v["AMFRegionID"].get_val(), v["AMFSetID"].get_val(),
            v["AMFPtr"].get_val(), v["5GTMSI"].get_val())
    if t == 4:
        return "stmsi:%d:%d:%08x" % (v["AMFSetID"].get_val(), v["AMFPtr"].get_val(), v["5GTMSI"].get_val())
    if t in (3, 5):
        digits = str(v["Digit1"].get_val()) + v["Digits"].decode()
        return ("imei:" if t == 3 else "imeisv:") + digits
    return "type%d" % t


def nssai(e):
    out = []
    for s in e[-1]:
        vals = s["SNSSAI"]
        sst = vals["SST"].get_val()
        sd = None
        if "SD" in vals._by_name and not vals["SD"].get_trans():
            sd = vals["SD"].get_val()
        out.append([sst, sd])
    return out


def extract(m):
    """Key field values of a pycrate message (plain or security protected)."""
    f = {}
    name = m._name
    if "5GMMHeaderSec" in m._by_name:
        h = m["5GMMHeaderSec"]
        f["sht"] = h["SecHdr"].get_val()
        f["mac"] = int.from_bytes(m["MAC"].to_bytes(), "big")
        f["sn"] = m["Seqn"].get_val()
        if f["sht"] in (1, 3):
            # pycrate decodes the plain message in place of the NASMessage buffer
            inner, err = parse(m[3].to_bytes())
            f["inner"] = extract(inner) if inner is not None else err
        return f
    if "5GMMHeader" in m._by_name:
        f["type"] = m["5GMMHeader"]["Type"].get_val()
    else:
        h = m["5GSMHeader"]
        f["type"] = h["Type"].get_val()
        f["psi"] = h["PDUSessID"].get_val()
        f["pti"] = h["PTI"].get_val()
    for cause in ("5GMMCause", "5GSMCause"):
        e = present(m, cause)
        if e is not None:
            f["cause"] = v_int(e)
    e = present(m, "NAS_KSI")
    if e is not None:
        f["ngksi"] = e.get_val()[-1][-1]
    e = present(m, "5GSID")
    if e is not None:
        f["identity"] = identity(e)
    e = present(m, "GUTI")
    if e is not None:
        f["guti"] = identity(e)
    e = present(m, "IMEISV")
    if e is not None:
        f["imeisv"] = identity(e)
    e = present(m, "NSSAI")
    if e is not None:
        f["nssai"] = nssai(e)
    e = present(m, "AllowedNSSAI")
    if e is not None:
        f["allowed_nssai"] = nssai(e)
    e = present(m, "UESecCap")
    if e is not None:
        b = ie_bytes(e)
        f["ea"], f["ia"] = b[0], b[1]
    for key, ie in (("abba", "ABBA"), ("rand", "RAND")):
        e = present(m, ie)
        if e is not None:
            f[key] = ie_bytes(e).hex()
    e = present(m, "PDUSessID")
    if e is not None:
        f["opt_psi"] = v_int(e)
    e = present(m, "PayloadContainerType")
    if e is not None:
        f["payload_type"] = v_int(e)
    e = present(m, "DNN")
    if e is not None:
        raw = ie_bytes(e)
        f["dnn"] = raw[1:].decode()
    e = present(m, "PDUSessType")
    if e is not None:
        f["pdu_type"] = v_int(e)
    e = present(m, "SSCMode")
    if e is not None:
        f["ssc"] = v_int(e)
    e = present(m, "SessAMBR")
    if e is not None:
        b = ie_bytes(e)
        f["ambr_dl"] = [b[0], int.from_bytes(b[1:3], "big")]
    e = present(m, "EAPMsg")
    if e is not None:
        f["eap_code"] = ie_bytes(e)[0]
    e = present(m, "T3346")
    if e is not None:
        f["t3346"] = ie_bytes(e)[0]
    e = present(m, "5GSIDType")
    if e is not None:
        f["identity_type"] = v_int(e)
    e = present(m, "5GSRegType")
    if e is not None:
        for_bit, value = e.get_val()[-1]
        f["reg_type"] = for_bit * 8 + value
    for key, ie in (("reg_result", "5GSRegResult"), ("nas_container", "NASContainer"),
                    ("payload", "PayloadContainer"), ("pdu_address", "PDUAddress"),
                    ("qos_rules", "QoSRules"), ("tai_list", "5GSTAIList"),
                    ("sec_algo", "NASSecAlgo")):
        e = present(m, ie)
        if e is not None:
            f[key] = ie_bytes(e).hex()
    e = present(m, "ServiceType")
    if e is not None:
        f["service_type"] = v_int(e)
    return f


def parse(b):
    with contextlib.redirect_stdout(io.StringIO()):
        m, err = parse_NAS5G(b)
    if err:
        return None, "pycrate error %d" % err
    # pycrate keeps undecodable octets silently: re-encode to be sure it took them all
    if m.to_bytes() != b:
        return m, "pycrate re-encodes differently: %s" % m.to_bytes().hex()
    return m, None


def main():
    req = json.load(sys.stdin)
    out = []
    if req["op"] == "build":
        for name, msg in messages():
            b = msg.to_bytes()
            m, err = parse(b)
            entry = {"name": name, "hex": b.hex()}
            if err:
                entry["error"] = err
            if m is not None:
                entry["fields"] = extract(m)
            out.append(entry)
    else:
        for h in req["hex"]:
            m, err = parse(bytes.fromhex(h))
            entry = {"hex": h}
            if err:
                entry["error"] = err
            if m is not None:
                entry["fields"] = extract(m)
                entry["name"] = m._name
            out.append(entry)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
