//! The SBI services the AMF consumes: [`AmfServices`] lives in the engine crate (it is
//! pure async dispatch over the `ferrocore-sbi` traits, no I/O of its own), so that the
//! engine's tests and this runtime map requests to replies the same way.

pub use ferrocore_amf::{AmfServices, NoSmf};
