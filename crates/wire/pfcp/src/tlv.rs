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
/// The same rules as [`Ies`], written as one straight loop step for the grouped-IE
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
    if ty.0 & 0x8000 != 0 {
        return vendor(ty, value, tail).map(Some);
    }
    Ok(Some(RawIe {
        ty,
        value,
        rest: tail,
    }))
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
    /// Parses the value octets of an IE of type `ie`.
    fn decode(ie: IeType, v: &[u8]) -> Result<Self, Error>;
    /// Appends the value octets.
    fn encode(&self, w: &mut Writer);
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

/// A mandatory IE's value, or the error naming it.
#[inline]
pub(crate) fn need<T>(v: Option<T>, ie: IeType, within: &'static str) -> Result<T, Error> {
    v.ok_or(Error::MissingIe { ie, within })
}

/// Decodes `V` from an IE's value (shorthand inside grouped-IE loops).
#[inline]
pub(crate) fn get<V: Value>(ie: &RawIe<'_>) -> Result<V, Error> {
    V::decode(ie.ty, ie.value)
}

/// Decodes an IE into a vector, sized without doubling slack so that a flood of small
/// IEs costs memory in proportion: the first instance reserves room for the run of
/// same-type IEs right after it (encoders group them); if the vector fills anyway, the
/// remaining instances are counted and it grows once, exactly.
#[inline]
pub(crate) fn push<V: Value>(list: &mut Vec<V>, ie: &RawIe<'_>) -> Result<(), Error> {
    let value = get(ie)?;
    if list.len() == list.capacity() {
        let more = if list.is_empty() {
            count_run(ie.rest, ie.ty)
        } else {
            count(ie.rest, ie.ty)
        };
        list.reserve_exact(1 + more);
    }
    list.push(value);
    Ok(())
}

/// How many IEs of type `ty` start `buf` back to back.
#[inline]
fn count_run(buf: &[u8], ty: IeType) -> usize {
    Ies::new(buf)
        .map_while(Result::ok)
        .take_while(|ie| ie.ty == ty)
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
