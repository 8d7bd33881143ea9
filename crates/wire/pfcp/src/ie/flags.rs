//! Printing flag-bit IEs by the spec's flag names.

use std::fmt;

/// Writes `Type(NAME1|NAME2|0x...)`: named bits (bit i = `names[i]`), then any unnamed rest.
pub(super) fn write(
    f: &mut fmt::Formatter<'_>,
    ty: &str,
    bits: u32,
    names: &[&str],
) -> fmt::Result {
    write!(f, "{ty}(")?;
    let mut first = true;
    let mut sep = |f: &mut fmt::Formatter<'_>| {
        let s = if first { "" } else { "|" };
        first = false;
        f.write_str(s)
    };
    for (i, name) in names.iter().enumerate() {
        if bits & (1 << i) != 0 {
            sep(f)?;
            f.write_str(name)?;
        }
    }
    let rest = bits & !((1u32 << names.len()) - 1);
    if rest != 0 || bits == 0 {
        sep(f)?;
        write!(f, "{rest:#x}")?;
    }
    f.write_str(")")
}
