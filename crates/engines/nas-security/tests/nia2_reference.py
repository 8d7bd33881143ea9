"""Second implementation of the NIA2 / NEA2 NAS protection, for tests/nia2_reference.rs.

Reads JSON on stdin: {"kamf": hex, "nia": 2, "nea": 0|2, "cases": [{"bytes": hex,
"count": int, "bearer": int, "direction": int}]}, where "bytes" is a security protected
NAS message. Derives KNASint / KNASenc from KAMF (TS 33.501 Annex A.8 over the KDF of
TS 33.220 Annex B.2, with hmac/hashlib), recomputes the NAS-MAC with 128-NIA2 = AES-CMAC
(TS 33.401 Annex B.2.3) over SN || message, and deciphers 128-NEA2 = AES-CTR
(TS 33.401 Annex B.1.3) for header types 2 and 4. Prints {"results": [{"mac": hex,
"plain": hex, "sn_ok": bool}]}.
"""

import hashlib
import hmac
import json
import sys

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def kdf(key, fc, params):
    s = bytes([fc])
    for p in params:
        s += p + len(p).to_bytes(2, "big")
    return hmac.new(key, s, hashlib.sha256).digest()


def algorithm_key(kamf, distinguisher, algorithm_id):
    return kdf(kamf, 0x69, [bytes([distinguisher]), bytes([algorithm_id])])[16:]


def prefix(count, bearer, direction):
    # COUNT (32 bits) || BEARER (5 bits) || DIRECTION (1 bit) || 0 (26 bits)
    return count.to_bytes(4, "big") + bytes([(bearer << 3) | (direction << 2), 0, 0, 0])


def nia2(key, count, bearer, direction, message):
    c = cmac.CMAC(algorithms.AES(key))
    c.update(prefix(count, bearer, direction) + message)
    return c.finalize()[:4]


def nea2(key, count, bearer, direction, data):
    iv = prefix(count, bearer, direction) + bytes(8)
    d = Cipher(algorithms.AES(key), modes.CTR(iv)).decryptor()
    return d.update(data) + d.finalize()


def main():
    req = json.load(sys.stdin)
    kamf = bytes.fromhex(req["kamf"])
    knas_int = algorithm_key(kamf, 0x02, req["nia"])
    knas_enc = algorithm_key(kamf, 0x01, req["nea"])
    results = []
    for case in req["cases"]:
        msg = bytes.fromhex(case["bytes"])
        count, bearer, direction = case["count"], case["bearer"], case["direction"]
        mac = nia2(knas_int, count, bearer, direction, msg[6:])
        payload = msg[7:]
        if msg[1] in (2, 4) and req["nea"] == 2:
            payload = nea2(knas_enc, count, bearer, direction, payload)
        results.append(
            {"mac": mac.hex(), "plain": payload.hex(), "sn_ok": msg[6] == count & 0xFF}
        )
    json.dump({"results": results}, sys.stdout)


main()
