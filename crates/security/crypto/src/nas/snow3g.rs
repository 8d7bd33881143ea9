//! SNOW 3G (ETSI/SAGE "Specification of the 3GPP Confidentiality and Integrity Algorithms
//! UEA2 & UIA2, Document 2: SNOW 3G Specification", TS 35.216 Document 2) and the modes
//! built on it: f8 / UEA2 (Document 1), f9 / UIA2 (Document 1), and their LTE / 5G
//! uses 128-EEA1 / 128-NEA1 and 128-EIA1 / 128-NIA1 (TS 33.401 Annex B.1.2 / B.2.2,
//! TS 33.501 Annex D.2.2 / D.3.2).
//!
//! The S-boxes are computed at compile time from their definitions: SR is the Rijndael
//! S-box, SQ the Dickson polynomial g49 over GF(2^8) mod x^8+x^6+x^5+x^3+1, xored with 0x25
//! (Document 2).

use zeroize::Zeroize;

/// Multiplication by x in GF(2^8) with the reduction byte `c` (Document 2 MULx).
const fn mulx(v: u8, c: u8) -> u8 {
    if v & 0x80 != 0 { (v << 1) ^ c } else { v << 1 }
}

/// MULxPOW(v, i, c) (Document 2).
const fn mulx_pow(mut v: u8, i: u32, c: u8) -> u8 {
    let mut n = 0;
    while n < i {
        v = mulx(v, c);
        n += 1;
    }
    v
}

/// General multiplication in GF(2^8) modulo the polynomial `poly` (9 bits).
const fn gf_mul(mut a: u8, mut b: u8, poly: u16) -> u8 {
    let mut r: u16 = 0;
    let mut x = a as u16;
    while b != 0 {
        if b & 1 != 0 {
            r ^= x;
        }
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= poly;
        }
        b >>= 1;
    }
    a = r as u8;
    a
}

const fn gf_pow(a: u8, mut e: u32, poly: u16) -> u8 {
    let mut result = 1u8;
    let mut base = a;
    while e != 0 {
        if e & 1 != 0 {
            result = gf_mul(result, base, poly);
        }
        base = gf_mul(base, base, poly);
        e >>= 1;
    }
    result
}

/// The Rijndael S-box SR: inversion in GF(2^8) mod 0x11B, then the affine map.
const SR: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let inv = if i == 0 {
            0
        } else {
            gf_pow(i as u8, 254, 0x11B)
        };
        t[i] = inv
            ^ inv.rotate_left(1)
            ^ inv.rotate_left(2)
            ^ inv.rotate_left(3)
            ^ inv.rotate_left(4)
            ^ 0x63;
        i += 1;
    }
    t
};

/// The S-box SQ (Document 2): g49(x) xor 0x25, where
/// g49(x) = x + x^9 + x^13 + x^15 + x^33 + x^41 + x^45 + x^47 + x^49 over GF(2^8)
/// with modulus x^8 + x^6 + x^5 + x^3 + 1.
const SQ: [u8; 256] = {
    let exps = [1u32, 9, 13, 15, 33, 41, 45, 47, 49];
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let mut acc = 0u8;
        let mut j = 0;
        while j < exps.len() {
            acc ^= gf_pow(i as u8, exps[j], 0x169);
            j += 1;
        }
        t[i] = acc ^ 0x25;
        i += 1;
    }
    t
};

/// MULalpha (Document 2) for every octet.
const MUL_ALPHA: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = ((mulx_pow(c, 23, 0xA9) as u32) << 24)
            | ((mulx_pow(c, 245, 0xA9) as u32) << 16)
            | ((mulx_pow(c, 48, 0xA9) as u32) << 8)
            | (mulx_pow(c, 239, 0xA9) as u32);
        i += 1;
    }
    t
};

/// DIValpha (Document 2) for every octet.
const DIV_ALPHA: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = ((mulx_pow(c, 16, 0xA9) as u32) << 24)
            | ((mulx_pow(c, 39, 0xA9) as u32) << 16)
            | ((mulx_pow(c, 6, 0xA9) as u32) << 8)
            | (mulx_pow(c, 64, 0xA9) as u32);
        i += 1;
    }
    t
};

/// The 32-bit S-boxes S1 (over SR, reduction 0x1B) and S2 (over SQ, reduction 0x69)
/// (Document 2).
fn s_box(w: u32, table: &[u8; 256], c: u8) -> u32 {
    let [w0, w1, w2, w3] = w.to_be_bytes();
    let (a0, a1, a2, a3) = (
        table[w0 as usize],
        table[w1 as usize],
        table[w2 as usize],
        table[w3 as usize],
    );
    let r0 = mulx(a0, c) ^ a1 ^ a2 ^ mulx(a3, c) ^ a3;
    let r1 = mulx(a0, c) ^ a0 ^ mulx(a1, c) ^ a2 ^ a3;
    let r2 = a0 ^ mulx(a1, c) ^ a1 ^ mulx(a2, c) ^ a3;
    let r3 = a0 ^ a1 ^ mulx(a2, c) ^ a2 ^ mulx(a3, c);
    u32::from_be_bytes([r0, r1, r2, r3])
}

/// A running SNOW 3G keystream generator (Document 2).
pub struct Snow3g {
    s: [u32; 16],
    r1: u32,
    r2: u32,
    r3: u32,
}

impl Drop for Snow3g {
    fn drop(&mut self) {
        self.s.zeroize();
        self.r1.zeroize();
        self.r2.zeroize();
        self.r3.zeroize();
    }
}

impl Snow3g {
    /// Initialisation (Document 2) with the key words k0..k3 and IV words IV0..IV3,
    /// `key` and `iv` given most significant word first, i.e. `key = [k3, k2, k1, k0]`
    /// is the key's octets in order.
    pub fn new(key: &[u8; 16], iv: [u32; 4]) -> Self {
        let k =
            |i: usize| u32::from_be_bytes(key[4 * (3 - i)..4 * (3 - i) + 4].try_into().expect("4"));
        let (k0, k1, k2, k3) = (k(0), k(1), k(2), k(3));
        let [iv3, iv2, iv1, iv0] = iv;
        let one = u32::MAX;
        let mut g = Snow3g {
            s: [
                k0 ^ one,
                k1 ^ one,
                k2 ^ one,
                k3 ^ one,
                k0,
                k1,
                k2,
                k3,
                k0 ^ one,
                k1 ^ one ^ iv3,
                k2 ^ one ^ iv2,
                k3 ^ one,
                k0 ^ iv1,
                k1,
                k2,
                k3 ^ iv0,
            ],
            r1: 0,
            r2: 0,
            r3: 0,
        };
        for _ in 0..32 {
            let f = g.clock_fsm();
            g.clock_lfsr(f);
        }
        g.clock_fsm();
        g.clock_lfsr(0);
        g
    }

    fn clock_fsm(&mut self) -> u32 {
        let f = self.s[15].wrapping_add(self.r1) ^ self.r2;
        let r = self.r2.wrapping_add(self.r3 ^ self.s[5]);
        self.r3 = s_box(self.r2, &SQ, 0x69);
        self.r2 = s_box(self.r1, &SR, 0x1B);
        self.r1 = r;
        f
    }

    /// LFSR clock; `f` is the FSM output in initialisation mode and 0 in keystream mode.
    fn clock_lfsr(&mut self, f: u32) {
        let s0 = self.s[0];
        let s11 = self.s[11];
        let v = (s0 << 8)
            ^ MUL_ALPHA[(s0 >> 24) as usize]
            ^ self.s[2]
            ^ (s11 >> 8)
            ^ DIV_ALPHA[(s11 & 0xFF) as usize]
            ^ f;
        self.s.copy_within(1.., 0);
        self.s[15] = v;
    }

    /// The next keystream word z_t (Document 2).
    pub fn next_word(&mut self) -> u32 {
        let f = self.clock_fsm();
        let z = f ^ self.s[0];
        self.clock_lfsr(0);
        z
    }
}

/// f8 / UEA2 (Document 1) keystream xored onto `data` in place: IV = COUNT ||
/// BEARER||DIRECTION||0^26 || COUNT || BEARER||DIRECTION||0^26. Identical to 128-EEA1 /
/// 128-NEA1 (TS 33.401 Annex B.1.2).
pub fn f8(key: &[u8; 16], count: u32, bearer: u8, direction: u8, data: &mut [u8]) {
    let w2 = (u32::from(bearer & 0x1F) << 27) | (u32::from(direction & 1) << 26);
    let mut g = Snow3g::new(key, [count, w2, count, w2]);
    for chunk in data.chunks_mut(4) {
        let z = g.next_word().to_be_bytes();
        chunk.iter_mut().zip(z).for_each(|(d, k)| *d ^= k);
    }
}

/// Multiplication in GF(2^64) with reduction constant 0x1B (Document 1, MUL64).
fn mul64(mut v: u64, p: u64) -> u64 {
    let mut r = 0u64;
    for i in 0..64 {
        if (p >> i) & 1 == 1 {
            r ^= v;
        }
        v = if v >> 63 == 1 {
            (v << 1) ^ 0x1B
        } else {
            v << 1
        };
    }
    r
}

/// f9 / UIA2 (Document 1) over the first `bit_len` bits of `message`: IV = COUNT ||
/// FRESH || COUNT xor DIRECTION<<31 || FRESH xor DIRECTION<<15.
pub fn f9(
    key: &[u8; 16],
    count: u32,
    fresh: u32,
    direction: u8,
    message: &[u8],
    bit_len: usize,
) -> [u8; 4] {
    assert!(message.len() * 8 >= bit_len, "message shorter than bit_len");
    let dir = u32::from(direction & 1);
    let mut g = Snow3g::new(
        key,
        [count, fresh, count ^ (dir << 31), fresh ^ (dir << 15)],
    );
    let z: [u32; 5] = core::array::from_fn(|_| g.next_word());
    let p = (u64::from(z[0]) << 32) | u64::from(z[1]);
    let q = (u64::from(z[2]) << 32) | u64::from(z[3]);
    let blocks = bit_len.div_ceil(64);
    let mut eval = 0u64;
    for i in 0..blocks {
        let mut m = [0u8; 8];
        let start = 8 * i;
        let end = (start + 8).min(message.len());
        m[..end - start].copy_from_slice(&message[start..end]);
        let mut block = u64::from_be_bytes(m);
        let bits_here = (bit_len - 64 * i).min(64);
        if bits_here < 64 {
            block &= !(u64::MAX >> bits_here);
        }
        eval = mul64(eval ^ block, p);
    }
    eval ^= bit_len as u64;
    eval = mul64(eval, q);
    (((eval >> 32) as u32) ^ z[4]).to_be_bytes()
}

/// 128-EIA1 / 128-NIA1 (TS 33.401 Annex B.2.2): f9 with FRESH = BEARER || 0^27.
pub fn eia1(
    key: &[u8; 16],
    count: u32,
    bearer: u8,
    direction: u8,
    message: &[u8],
    bit_len: usize,
) -> [u8; 4] {
    f9(
        key,
        count,
        u32::from(bearer & 0x1F) << 27,
        direction,
        message,
        bit_len,
    )
}

#[cfg(test)]
mod tests;
