//! `grouped!` declares a struct whose fields are IEs, with its decoder and encoder.
//! Used for grouped IEs (TS 29.244 §8.1.1, e.g. Create PDR) and for message bodies
//! (which are the same: a sequence of IEs). Field kinds:
//! - `req T`: mandatory, one instance (missing: [`crate::Error::MissingIe`]);
//! - `some T`: mandatory, one or more instances (`Vec<T>`, empty is an error);
//! - `opt T`: optional, one instance;
//! - `list T`: optional, any number of instances (`Vec<T>`);
//! - `list1 T`: the same as a [`crate::List`] with the first inline (for IEs that
//!   usually come once, e.g. the SDF filter of a PDI: no allocation then);
//! - `ids T`: optional, any number of small `Copy` values, the first 4 inline ([`crate::Small`]);
//! - `boxed T`: optional, one instance, boxed (keeps large rarely-used IEs off the parent).
//!
//! Unknown IEs are skipped (TS 29.244 §7.6: an unexpected IE is ignored); when a
//! single-instance IE repeats, the last one wins.

macro_rules! grouped {
    (
        $(#[$m:meta])*
        pub struct $name:ident ($label:literal) {
            $( $(#[$fm:meta])* $field:ident : $kind:ident $ty:ty = $ie:ident ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$fm])* pub $field: grouped!(@ty $kind $ty), )*
        }

        impl $crate::tlv::Value for $name {
            #[inline]
            fn decode(
                _ie: $crate::ie_type::IeType,
                body: &[u8],
            ) -> Result<Self, $crate::error::Error> {
                use $crate::ie_type::IeType;
                $( let mut $field: grouped!(@slot $kind $ty) = Default::default(); )*
                let mut rest = body;
                while let Some(ie) = $crate::tlv::next_ie(&mut rest)? {
                    match ie.ty {
                        $( IeType::$ie => grouped!(@store $kind $field, ie, body), )*
                        _ => {}
                    }
                }
                Ok($name {
                    $( $field: grouped!(@finish $kind $field, $ie, $label), )*
                })
            }


            #[inline]
            fn encode(&self, w: &mut $crate::tlv::Writer) {
                use $crate::ie_type::IeType;
                $( grouped!(@emit $kind w, IeType::$ie, &self.$field); )*
            }
        }
    };
    (@ty req $t:ty) => { $t };
    (@ty some $t:ty) => { Vec<$t> };
    (@ty opt $t:ty) => { Option<$t> };
    (@ty list $t:ty) => { Vec<$t> };
    (@ty list1 $t:ty) => { $crate::List<$t> };
    (@ty boxed $t:ty) => { Option<Box<$t>> };
    (@ty ids $t:ty) => { $crate::Small<$t, 4> };
    (@slot req $t:ty) => { Option<$t> };
    (@slot some $t:ty) => { Vec<$t> };
    (@slot opt $t:ty) => { Option<$t> };
    (@slot list $t:ty) => { Vec<$t> };
    (@slot list1 $t:ty) => { $crate::List<$t> };
    (@slot boxed $t:ty) => { Option<Box<$t>> };
    (@slot ids $t:ty) => { $crate::Small<$t, 4> };
    (@store req $f:ident, $ie:ident, $b:ident) => { $f = Some($crate::tlv::get(&$ie)?) };
    (@store opt $f:ident, $ie:ident, $b:ident) => { $f = Some($crate::tlv::get(&$ie)?) };
    (@store some $f:ident, $ie:ident, $b:ident) => { $crate::tlv::push(&mut $f, &$ie)? };
    (@store list $f:ident, $ie:ident, $b:ident) => { $crate::tlv::push(&mut $f, &$ie)? };
    (@store list1 $f:ident, $ie:ident, $b:ident) => { $crate::tlv::push_list(&mut $f, &$ie)? };
    (@store ids $f:ident, $ie:ident, $b:ident) => { $crate::tlv::push_small(&mut $f, &$ie)? };
    (@store boxed $f:ident, $ie:ident, $b:ident) => {
        $f = Some(Box::new($crate::tlv::get(&$ie)?))
    };
    (@finish req $f:ident, $ie:ident, $label:literal) => {
        $crate::tlv::need($f, IeType::$ie, $label)?
    };
    (@finish some $f:ident, $ie:ident, $label:literal) => {
        if $f.is_empty() {
            return Err($crate::error::Error::MissingIe { ie: IeType::$ie, within: $label });
        } else {
            $f
        }
    };
    (@finish $k:ident $f:ident, $ie:ident, $label:literal) => { $f };
    (@emit req $w:ident, $ty:expr, $v:expr) => { $w.ie($ty, $v) };
    (@emit opt $w:ident, $ty:expr, $v:expr) => { $w.opt($ty, $v) };
    (@emit some $w:ident, $ty:expr, $v:expr) => { $w.all($ty, $v) };
    (@emit list $w:ident, $ty:expr, $v:expr) => { $w.all($ty, $v) };
    (@emit list1 $w:ident, $ty:expr, $v:expr) => { $w.all($ty, $v) };
    (@emit ids $w:ident, $ty:expr, $v:expr) => { $w.all($ty, $v.as_slice()) };
    (@emit boxed $w:ident, $ty:expr, $v:expr) => {
        if let Some(b) = $v {
            $w.ie($ty, &**b)
        }
    };
}
