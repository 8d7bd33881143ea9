//! ferrocore-ngap: see the crate description.
