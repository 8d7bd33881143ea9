//! ferrocore-nas: see the crate description.
