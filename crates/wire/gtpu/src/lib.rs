//! ferrocore-gtpu: see the crate description.
