//! The IE container format (TS 29.244 §8.1.1): a 2-octet Type, a 2-octet Length and the
//! value; types with bit 16 set are vendor-specific and start with an Enterprise ID.
//! [`Ies`] walks a buffer of IEs, [`Writer`] emits them, [`Value`] ties a Rust type to
//! an IE's value part.

use crate::error::Error;
use crate::ie_type::IeType;
use crate::small::{List, Small};

/// One IE as found in a buffer: its type and value octets (Enterprise ID stripped).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawIe<'a> {
    pub ty: IeType,
    pub value: &'a [u8],
    /// The IEs after this one in the same container.
    pub rest: &'a [u8],
}

/// Iterates over the IEs of a message body or of a grouped IE's value.
/// Stops after the first error.
pub(crate) struct Ies<'a> {
    rest: &'a [u8],
}

impl<'a> Ies<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Ies { rest: buf }
    }
}

impl<'a> Iterator for Ies<'a> {
    type Item = Result<RawIe<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let r = self.rest;
        let [t0, t1, l0, l1, body @ ..] = r else {
            if r.is_empty() {
                return None;
            }
            self.rest = &[];
            return Some(Err(Error::TruncatedIeHeader { available: r.len() }));
        };
        let ty = IeType(u16::from_be_bytes([*t0, *t1]));
        let len = usize::from(u16::from_be_bytes([*l0, *l1]));
        let Some((value, rest)) = body.split_at_checked(len) else {
            self.rest = &[];
            return Some(Err(Error::IeOverrun {
                ie: ty,
                declared: len,
                available: body.len(),
            }));
        };
        self.rest = rest;
        if ty.0 & 0x8000 != 0 {
            return Some(vendor(ty, value, rest));
        }
        Some(Ok(RawIe { ty, value, rest }))
    }
}

/// Takes the next IE off the front of `rest`: `Ok(None)` at the end of the container.
/// The same rules as [`Ies`] (except that a vendor IE keeps its Enterprise ID, see
/// [`unknown`]), written as one straight loop step for the grouped-IE
/// decoders (no iterator state, no `Option<Result<..>>` to unpack per IE).
#[inline(always)]
pub(crate) fn next_ie<'a>(rest: &mut &'a [u8]) -> Result<Option<RawIe<'a>>, Error> {
    let r = *rest;
    let [t0, t1, l0, l1, body @ ..] = r else {
        if r.is_empty() {
            return Ok(None);
        }
        return Err(Error::TruncatedIeHeader { available: r.len() });
    };
    let ty = IeType(u16::from_be_bytes([*t0, *t1]));
    let len = usize::from(u16::from_be_bytes([*l0, *l1]));
    if body.len() < len {
        return Err(overrun(ty, len, body.len()));
    }
    let (value, tail) = body.split_at(len);
    *rest = tail;
    // A vendor-specific IE (type >= 32768) never matches a known type: the decoders
    // hand it to `unknown`, which checks its Enterprise ID, off the hot path.
    Ok(Some(RawIe {
        ty,
        value,
        rest: tail,
    }))
}

/// An IE the decoder does not use (TS 29.244 §7.6: skipped); a vendor-specific one must
/// still hold its Enterprise ID.
#[inline(always)]
pub(crate) fn unknown(ie: &RawIe<'_>) -> Result<(), Error> {
    if ie.ty.0 & 0x8000 != 0 {
        return vendor(ie.ty, ie.value, ie.rest).map(drop);
    }
    Ok(())
}

#[cold]
fn overrun(ie: IeType, declared: usize, available: usize) -> Error {
    Error::IeOverrun {
        ie,
        declared,
        available,
    }
}

/// A vendor-specific IE (TS 29.244 §8.1.1): strips the Enterprise ID.
#[cold]
fn vendor<'a>(ty: IeType, value: &'a [u8], rest: &'a [u8]) -> Result<RawIe<'a>, Error> {
    match value.get(2..) {
        Some(value) => Ok(RawIe { ty, value, rest }),
        None => Err(Error::IeTooShort {
            ie: ty,
            field: "Enterprise ID",
            len: value.len(),
        }),
    }
}

/// How many IEs of type `ty` a well-formed prefix of `buf` holds (to size vectors once).
#[inline]
pub(crate) fn count(buf: &[u8], ty: IeType) -> usize {
    Ies::new(buf)
        .map_while(Result::ok)
        .filter(|ie| ie.ty == ty)
        .count()
}

/// A Rust type that is the value part of an IE.
pub(crate) trait Value: Sized {
    /// The fewest value octets a valid instance can have (sizes list reservations, so
    /// that a run of IEs too short to decode reserves nothing).
    const MIN: usize = 0;
    /// Parses the value octets of an IE of type `ie`.
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error>;
    /// Parses into `out`, which holds a blank value ([`Blank`]); grouped IEs fill
    /// their fields in place instead of moving a finished struct.
    #[inline]
    fn decode_into(out: &mut Self, ie: IeType, v: &[u8]) -> Result<(), Error> {
        *out = Self::decode(ie, v)?;
        Ok(())
    }
    /// Parses into an optional slot (replacing what it held: the last instance wins).
    #[inline]
    fn decode_opt(out: &mut Option<Self>, ie: IeType, v: &[u8]) -> Result<(), Error> {
        *out = Some(Self::decode(ie, v)?);
        Ok(())
    }
    /// Appends octets.
    fn encode(&self, w: &mut Writer);
}

/// A placeholder value that a decode overwrites (for `req` fields and list slots of
/// grouped IEs decoded in place); never handed out by a successful decode.
pub(crate) trait Blank {
    fn blank() -> Self;
}

impl<T: Default> Blank for T {
    #[inline(always)]
    fn blank() -> T {
        T::default()
    }
}

/// Appends IEs to a buffer, patching lengths when each IE is complete.
pub(crate) struct Writer {
    pub buf: Vec<u8>,
    pub too_long: Option<IeType>,
}

impl Writer {
    pub fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
            too_long: None,
        }
    }

    #[inline]
    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    #[inline]
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// Writes one IE of type `ty` holding `v`.
    #[inline]
    pub fn ie<V: Value>(&mut self, ty: IeType, v: &V) {
        let start = self.buf.len();
        self.buf.extend_from_slice(&ty.0.to_be_bytes());
        self.buf.extend_from_slice(&[0, 0]);
        v.encode(self);
        let len = self.buf.len() - start - 4;
        match u16::try_from(len) {
            Ok(l) => self.buf[start + 2..start + 4].copy_from_slice(&l.to_be_bytes()),
            Err(_) => self.too_long = self.too_long.or(Some(ty)),
        }
    }

    #[inline]
    pub fn opt<V: Value>(&mut self, ty: IeType, v: &Option<V>) {
        if let Some(v) = v {
            self.ie(ty, v);
        }
    }

    #[inline]
    pub fn all<V: Value>(&mut self, ty: IeType, vs: &[V]) {
        for v in vs {
            self.ie(ty, v);
        }
    }
}

/// Takes `n` octets from the front of `v`, or names the missing field.
#[inline]
pub(crate) fn take<'a>(
    ie: IeType,
    v: &mut &'a [u8],
    n: usize,
    field: &'static str,
    total: usize,
) -> Result<&'a [u8], Error> {
    if v.len() < n {
        return Err(Error::IeTooShort {
            ie,
            field,
            len: total,
        });
    }
    let (head, tail) = v.split_at(n);
    *v = tail;
    Ok(head)
}

/// Decodes `V` from an IE's value (shorthand inside grouped-IE loops).
#[inline]
pub(crate) fn get<V: Value>(ie: &RawIe<'_>) -> Result<V, Error> {
    V::decode(ie.ty, ie.value)
}

/// Decodes a mandatory single-instance IE into its field; `seen` says whether an
/// earlier instance filled it already (then it is blanked first: the last one wins).
#[inline]
pub(crate) fn get_into<V: Value + Blank>(
    slot: &mut V,
    seen: bool,
    ie: &RawIe<'_>,
) -> Result<(), Error> {
    if seen {
        *slot = V::blank();
    }
    V::decode_into(slot, ie.ty, ie.value)
}

/// Decodes an optional single-instance IE into its field.
#[inline]
pub(crate) fn get_opt<V: Value>(slot: &mut Option<V>, ie: &RawIe<'_>) -> Result<(), Error> {
    V::decode_opt(slot, ie.ty, ie.value)
}

/// Decodes an IE into a vector, in place in a blank slot at its end, sized without
/// doubling slack so that a flood of small IEs costs memory in proportion: the first
/// instance reserves room for the run of same-type IEs from it on (encoders group
/// them); if the vector fills anyway, the remaining instances are counted and it grows
/// once, exactly. Only IEs long enough to decode ([`Value::MIN`]) are counted.
#[inline]
pub(crate) fn push<V: Value + Blank>(list: &mut Vec<V>, ie: &RawIe<'_>) -> Result<(), Error> {
    if list.len() == list.capacity() {
        if ie.value.len() < V::MIN {
            // Too short to decode: the error, without reserving anything (should a
            // `MIN` ever be too high, the value is still kept).
            list.push(V::decode(ie.ty, ie.value)?);
            return Ok(());
        }
        if list.is_empty() {
            *list = Vec::with_capacity(1 + count_run(ie.rest, ie.ty, V::MIN));
        } else {
            list.reserve_exact(1 + count_min(ie.rest, ie.ty, V::MIN));
        }
    }
    list.push(V::blank());
    match list.last_mut() {
        Some(slot) => V::decode_into(slot, ie.ty, ie.value),
        None => Ok(()),
    }
}

/// How many IEs of type `ty` with at least `min` value octets a well-formed prefix of
/// `buf` holds.
#[inline]
fn count_min(buf: &[u8], ty: IeType, min: usize) -> usize {
    Ies::new(buf)
        .map_while(Result::ok)
        .filter(|ie| ie.ty == ty && ie.value.len() >= min)
        .count()
}

/// How many IEs of type `ty` (with at least `min` value octets) start `buf` back to back.
#[inline]
fn count_run(buf: &[u8], ty: IeType, min: usize) -> usize {
    Ies::new(buf)
        .map_while(Result::ok)
        .take_while(|ie| ie.ty == ty && ie.value.len() >= min)
        .count()
}

/// Decodes an IE into a [`List`]: the first inline, and when the list spills to the
/// heap the remaining instances are counted so that it allocates once, exactly.
#[inline]
pub(crate) fn push_list<V: Value>(list: &mut List<V>, ie: &RawIe<'_>) -> Result<(), Error> {
    let value = get(ie)?;
    list.push_expecting(value, || count(ie.rest, ie.ty));
    Ok(())
}

/// Decodes an IE into a [`Small`] list (see [`push`] for the sizing).
#[inline]
pub(crate) fn push_small<V: Value + Copy + Default, const N: usize>(
    list: &mut Small<V, N>,
    ie: &RawIe<'_>,
) -> Result<(), Error> {
    let value = get(ie)?;
    list.push_expecting(value, || count(ie.rest, ie.ty));
    Ok(())
}

macro_rules! int_value {
    ($t:ty, $n:literal) => {
        impl Value for $t {
            const MIN: usize = $n;
            #[inline]
            fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error> {
                let b = v.get(..$n).ok_or(Error::IeTooShort {
                    ie,
                    field: "value",
                    len: v.len(),
                })?;
                let mut a = [0u8; $n];
                a.copy_from_slice(b);
                Ok(<$t>::from_be_bytes(a))
            }
            #[inline]
            fn encode(&self, w: &mut Writer) {
                w.bytes(&self.to_be_bytes());
            }
        }
    };
}

int_value!(u8, 1);
int_value!(u16, 2);
int_value!(u32, 4);
int_value!(u64, 8);
