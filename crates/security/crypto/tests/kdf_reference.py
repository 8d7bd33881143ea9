#!/usr/bin/env python3
"""Independent reference for the TS 33.501 Annex A key hierarchy, standard library only.

Reads a JSON list of cases on stdin and prints a JSON list of results. Every derivation
uses the TS 33.220 Annex B.2 KDF: HMAC-SHA-256(key, FC || P0 || L0 || P1 || L1 ...).
"""
import hashlib
import hmac
import json
import sys


def kdf(key, fc, *params):
    s = bytes([fc])
    for p in params:
        s += p + len(p).to_bytes(2, "big")
    return hmac.new(key, s, hashlib.sha256).digest()


def derive(c):
    h = bytes.fromhex
    ck_ik = h(c["ck"]) + h(c["ik"])
    snn = c["snn"].encode()
    rand = h(c["rand"])
    res_star = kdf(ck_ik, 0x6B, snn, rand, h(c["res"]))[16:]              # A.4
    hxres_star = hashlib.sha256(rand + res_star).digest()[16:]            # A.5
    kausf = kdf(ck_ik, 0x6A, snn, h(c["sqn_xor_ak"]))                     # A.2
    kseaf = kdf(kausf, 0x6C, snn)                                         # A.6
    kamf = kdf(kseaf, 0x6D, c["supi"].encode(), h(c["abba"]))             # A.7
    knas_int = kdf(kamf, 0x69, b"\x02", bytes([c["int_alg"]]))[16:]       # A.8
    knas_enc = kdf(kamf, 0x69, b"\x01", bytes([c["enc_alg"]]))[16:]       # A.8
    kgnb = kdf(kamf, 0x6E, c["ul_count"].to_bytes(4, "big"), bytes([c["access"]]))  # A.9
    nh1 = kdf(kamf, 0x6F, kgnb)                                           # A.10, first NH
    nh2 = kdf(kamf, 0x6F, nh1)                                            # A.10, chained
    return {
        "res_star": res_star.hex(),
        "hxres_star": hxres_star.hex(),
        "kausf": kausf.hex(),
        "kseaf": kseaf.hex(),
        "kamf": kamf.hex(),
        "knas_int": knas_int.hex(),
        "knas_enc": knas_enc.hex(),
        "kgnb": kgnb.hex(),
        "nh1": nh1.hex(),
        "nh2": nh2.hex(),
    }


json.dump([derive(c) for c in json.load(sys.stdin)], sys.stdout)
