//! ferrocore-pfcp: see the crate description.
