//! The MILENAGE algorithm set f1, f1*, f2, f3, f4, f5, f5* (TS 35.206 §4.1), with the
//! constants c1..c5 and r1..r5 of TS 35.206 §4.1 and AES-128 as the kernel E_K.

use aes::Aes128;
use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use zeroize::Zeroize;

pub use crate::secret::{Ak, Ck, Ik, K, Op, Opc};

/// OPc = OP xor E_K(OP) (TS 35.206 §4.1).
pub fn compute_opc(k: &K, op: &Op) -> Opc {
    let cipher = Aes128::new(GenericArray::from_slice(k.as_bytes()));
    let mut block = encrypt(&cipher, op.as_bytes());
    xor_in(&mut block, op.as_bytes());
    let opc = Opc::new(block);
    block.zeroize();
    opc
}

/// A subscriber's MILENAGE instance: K and OPc with the AES key schedule for K.
/// The AES state is zeroized on drop (the `aes` crate's `zeroize` feature).
pub struct Milenage {
    cipher: Aes128,
    opc: Opc,
}

impl core::fmt::Debug for Milenage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Milenage(<redacted>)")
    }
}

/// Output of f2, f3, f4 and f5 for one RAND (TS 35.206 §4.1). `Debug` prints none of it.
#[derive(Clone, PartialEq, Eq)]
pub struct F2345 {
    /// RES / XRES, 64 bits (f2).
    pub res: [u8; 8],
    /// CK (f3).
    pub ck: Ck,
    /// IK (f4).
    pub ik: Ik,
    /// AK (f5).
    pub ak: Ak,
}

impl core::fmt::Debug for F2345 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("F2345(<redacted>)")
    }
}

impl Milenage {
    /// From K and OPc (what a UDM / USIM stores).
    pub fn new(k: &K, opc: &Opc) -> Self {
        Self {
            cipher: Aes128::new(GenericArray::from_slice(k.as_bytes())),
            opc: opc.clone(),
        }
    }

    /// From K and OP; OPc is derived (TS 35.206 §4.1).
    pub fn with_op(k: &K, op: &Op) -> Self {
        Self::new(k, &compute_opc(k, op))
    }

    /// The OPc in use.
    pub fn opc(&self) -> &Opc {
        &self.opc
    }

    /// TEMP = E_K(RAND xor OPc).
    fn temp(&self, rand: &[u8; 16]) -> [u8; 16] {
        let mut x = *rand;
        xor_in(&mut x, self.opc.as_bytes());
        let t = encrypt(&self.cipher, &x);
        x.zeroize();
        t
    }

    /// OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc, r1 = 64, c1 = 0.
    fn out1(&self, rand: &[u8; 16], sqn: &[u8; 6], amf: &[u8; 2]) -> [u8; 16] {
        let mut temp = self.temp(rand);
        let mut in1 = [0u8; 16];
        in1[0..6].copy_from_slice(sqn);
        in1[6..8].copy_from_slice(amf);
        in1[8..14].copy_from_slice(sqn);
        in1[14..16].copy_from_slice(amf);
        xor_in(&mut in1, self.opc.as_bytes());
        let mut x = rotate(&in1, 8);
        xor_in(&mut x, &temp);
        let mut out = encrypt(&self.cipher, &x);
        xor_in(&mut out, self.opc.as_bytes());
        temp.zeroize();
        x.zeroize();
        out
    }

    /// OUTn = E_K(rot(TEMP xor OPc, r) xor c) xor OPc for n = 2..5 (r in octets, c's last octet).
    fn out_n(&self, temp: &[u8; 16], r_octets: usize, c_last: u8) -> [u8; 16] {
        let mut x = *temp;
        xor_in(&mut x, self.opc.as_bytes());
        let mut y = rotate(&x, r_octets);
        y[15] ^= c_last;
        let mut out = encrypt(&self.cipher, &y);
        xor_in(&mut out, self.opc.as_bytes());
        x.zeroize();
        y.zeroize();
        out
    }

    /// f1: the network authentication code MAC-A (TS 35.206 §4.1).
    pub fn f1(&self, rand: &[u8; 16], sqn: &[u8; 6], amf: &[u8; 2]) -> [u8; 8] {
        let out = self.out1(rand, sqn, amf);
        out[0..8].try_into().expect("8 octets")
    }

    /// f1*: the resynchronisation authentication code MAC-S (TS 35.206 §4.1).
    pub fn f1_star(&self, rand: &[u8; 16], sqn: &[u8; 6], amf: &[u8; 2]) -> [u8; 8] {
        let out = self.out1(rand, sqn, amf);
        out[8..16].try_into().expect("8 octets")
    }

    /// f2 (RES), f3 (CK), f4 (IK) and f5 (AK) for one RAND (TS 35.206 §4.1).
    pub fn f2345(&self, rand: &[u8; 16]) -> F2345 {
        let mut temp = self.temp(rand);
        let mut out2 = self.out_n(&temp, 0, 1);
        let mut out3 = self.out_n(&temp, 4, 2);
        let mut out4 = self.out_n(&temp, 8, 4);
        let result = F2345 {
            res: out2[8..16].try_into().expect("8 octets"),
            ck: Ck::new(out3),
            ik: Ik::new(out4),
            ak: Ak::new(out2[0..6].try_into().expect("6 octets")),
        };
        temp.zeroize();
        out2.zeroize();
        out3.zeroize();
        out4.zeroize();
        result
    }

    /// f5*: the anonymity key for resynchronisation (TS 35.206 §4.1).
    pub fn f5_star(&self, rand: &[u8; 16]) -> Ak {
        let mut temp = self.temp(rand);
        let mut out5 = self.out_n(&temp, 12, 8);
        let ak = Ak::new(out5[0..6].try_into().expect("6 octets"));
        temp.zeroize();
        out5.zeroize();
        ak
    }
}

fn encrypt(cipher: &Aes128, input: &[u8; 16]) -> [u8; 16] {
    let mut block = GenericArray::clone_from_slice(input);
    cipher.encrypt_block(&mut block);
    block.into()
}

fn xor_in(a: &mut [u8; 16], b: &[u8; 16]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x ^= y);
}

/// Cyclic rotation towards the most significant end by `octets` octets (rot(x, 8*octets)).
fn rotate(x: &[u8; 16], octets: usize) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        *o = x[(i + octets) % 16];
    }
    out
}

#[cfg(test)]
mod tests;
