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

        impl $crate::tlv::Blank for $name {
            #[inline(always)]
            fn blank() -> Self {
                $name {
                    $( $field: grouped!(@blank $kind $ty), )*
                }
            }
        }

        impl $crate::tlv::Value for $name {
            const MIN: usize = 0 $( + grouped!(@min $kind $ty) )*;

            #[inline]
            fn decode(
                ie: $crate::ie_type::IeType,
                body: &[u8],
            ) -> Result<Self, $crate::error::Error> {
                let mut out = <Self as $crate::tlv::Blank>::blank();
                <Self as $crate::tlv::Value>::decode_into(&mut out, ie, body)?;
                Ok(out)
            }

            /// Decodes in place: every field is written where it lives (no moves of
            /// the finished struct); `out` must be blank.
            // `out` and `w` are unused, and `IeType` too, in a body without IEs
            // (Version Not Supported Response).
            #[inline]
            #[allow(unused_variables, unused_imports)]
            fn decode_into(
                out: &mut Self,
                _ie: $crate::ie_type::IeType,
                body: &[u8],
            ) -> Result<(), $crate::error::Error> {
                use $crate::ie_type::IeType;
                // For a `req` field: whether it was seen; otherwise unused.
                $( #[allow(unused_mut, unused_variables)] let mut $field = false; )*
                let mut rest = body;
                while let Some(ie) = $crate::tlv::next_ie(&mut rest)? {
                    match ie.ty {
                        $( IeType::$ie => grouped!(@store $kind out.$field, $field, ie), )*
                        _ => $crate::tlv::unknown(&ie)?,
                    }
                }
                $( grouped!(@finish $kind out.$field, $field, $ie, $label); )*
                Ok(())
            }

            #[inline]
            fn decode_opt(
                out: &mut Option<Self>,
                ie: $crate::ie_type::IeType,
                body: &[u8],
            ) -> Result<(), $crate::error::Error> {
                let slot = out.insert(<Self as $crate::tlv::Blank>::blank());
                <Self as $crate::tlv::Value>::decode_into(slot, ie, body)
            }

            #[inline]
            #[allow(unused_variables, unused_imports)]
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
    (@min req $t:ty) => { 4 + <$t as $crate::tlv::Value>::MIN };
    (@min some $t:ty) => { 4 + <$t as $crate::tlv::Value>::MIN };
    (@min $k:ident $t:ty) => { 0 };
    (@blank req $t:ty) => { <$t as $crate::tlv::Blank>::blank() };
    (@blank $k:ident $t:ty) => { Default::default() };
    (@store req $f:expr, $seen:ident, $ie:ident) => {{
        $crate::tlv::get_into(&mut $f, $seen, &$ie)?;
        $seen = true;
    }};
    (@store opt $f:expr, $seen:ident, $ie:ident) => { $crate::tlv::get_opt(&mut $f, &$ie)? };
    (@store some $f:expr, $seen:ident, $ie:ident) => { $crate::tlv::push(&mut $f, &$ie)? };
    (@store list $f:expr, $seen:ident, $ie:ident) => { $crate::tlv::push(&mut $f, &$ie)? };
    (@store list1 $f:expr, $seen:ident, $ie:ident) => { $crate::tlv::push_list(&mut $f, &$ie)? };
    (@store ids $f:expr, $seen:ident, $ie:ident) => { $crate::tlv::push_small(&mut $f, &$ie)? };
    (@store boxed $f:expr, $seen:ident, $ie:ident) => {
        $f = Some(Box::new($crate::tlv::get(&$ie)?))
    };
    (@finish req $f:expr, $seen:ident, $ie:ident, $label:literal) => {
        if !$seen {
            return Err($crate::error::Error::MissingIe { ie: IeType::$ie, within: $label });
        }
    };
    (@finish some $f:expr, $seen:ident, $ie:ident, $label:literal) => {
        if $f.is_empty() {
            return Err($crate::error::Error::MissingIe { ie: IeType::$ie, within: $label });
        }
    };
    (@finish $k:ident $f:expr, $seen:ident, $ie:ident, $label:literal) => {};
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
