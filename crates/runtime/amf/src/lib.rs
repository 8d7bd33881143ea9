//! ferrocore-amf-io: runs the sans-IO AMF engine ([`ferrocore_amf::Amf`]) on tokio.
//!
//! One task owns the engine. Every association accepted on the N2 listener gets a task
//! that forwards its NGAP messages to the engine and writes the engine's messages back;
//! every SBI request the engine asks for runs as its own task on the service it names
//! (in-process or an HTTP/2 client: the same traits), and its reply returns as an event.
//! Timers are the engine's single earliest deadline. Namf_Communication N1N2MessageTransfer
//! is served by [`AmfCommunication`], which forwards into the engine task.

mod association;
mod communication;
mod engine_task;
mod services;

pub use communication::{AmfCommunication, CommunicationInbox};
pub use engine_task::{AmfHandle, spawn, spawn_with_communication};
pub use services::{AmfServices, NoSmf};
