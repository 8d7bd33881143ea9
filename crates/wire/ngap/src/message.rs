//! Any message this crate types, decoded fully: [`decode_message`].

use crate::msg::*;
use crate::{Error, NgapPdu, NgapPduRef};
use oxirush_ngap::NgapPduKind;

macro_rules! messages {
    ($($kind:ident => $variant:ident),* $(,)?) => {
        /// One typed NGAP message (TS 38.413 §9.2), every IE and nested transfer decoded.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Message {
            $($variant($variant),)*
        }

        impl Message {
            /// Reads the typed message a PDU holds.
            ///
            /// # Errors
            /// [`Error::UnsupportedMessage`] for a procedure this crate does not type,
            /// else as [`NgapMessage::from_pdu`].
            pub fn from_pdu(pdu: &NgapPduRef<'_>) -> Result<Self, Error> {
                match pdu.kind() {
                    $(NgapPduKind::$kind => $variant::from_pdu(pdu).map(Message::$variant),)*
                    _ => Err(Error::UnsupportedMessage {
                        code: pdu.procedure_code(),
                        direction: pdu.direction(),
                        name: pdu.procedure_name(),
                    }),
                }
            }

            /// Builds the NGAP-PDU of the message.
            ///
            /// # Errors
            /// As [`NgapMessage::to_pdu`].
            pub fn to_pdu(&self) -> Result<NgapPdu, Error> {
                match self {
                    $(Message::$variant(m) => m.to_pdu(),)*
                }
            }

            /// The ASN.1 name of the message.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Message::$variant(_) => <$variant as NgapMessage>::NAME,)*
                }
            }
        }

        $(impl From<$variant> for Message {
            fn from(m: $variant) -> Self {
                Message::$variant(m)
            }
        })*
    };
}

messages! {
    Initiating_NGSetup => NgSetupRequest,
    Successful_NGSetup => NgSetupResponse,
    Unsuccessful_NGSetup => NgSetupFailure,
    Initiating_NGReset => NgReset,
    Successful_NGReset => NgResetAcknowledge,
    Initiating_RANConfigurationUpdate => RanConfigurationUpdate,
    Successful_RANConfigurationUpdate => RanConfigurationUpdateAcknowledge,
    Initiating_AMFConfigurationUpdate => AmfConfigurationUpdate,
    Successful_AMFConfigurationUpdate => AmfConfigurationUpdateAcknowledge,
    Initiating_OverloadStart => OverloadStart,
    Initiating_OverloadStop => OverloadStop,
    Initiating_ErrorIndication => ErrorIndication,
    Initiating_InitialUEMessage => InitialUeMessage,
    Initiating_DownlinkNASTransport => DownlinkNasTransport,
    Initiating_UplinkNASTransport => UplinkNasTransport,
    Initiating_InitialContextSetup => InitialContextSetupRequest,
    Successful_InitialContextSetup => InitialContextSetupResponse,
    Unsuccessful_InitialContextSetup => InitialContextSetupFailure,
    Initiating_UEContextReleaseRequest => UeContextReleaseRequest,
    Initiating_UEContextRelease => UeContextReleaseCommand,
    Successful_UEContextRelease => UeContextReleaseComplete,
    Initiating_UERadioCapabilityInfoIndication => UeRadioCapabilityInfoIndication,
    Initiating_PDUSessionResourceSetup => PduSessionResourceSetupRequest,
    Successful_PDUSessionResourceSetup => PduSessionResourceSetupResponse,
    Initiating_PDUSessionResourceModify => PduSessionResourceModifyRequest,
    Successful_PDUSessionResourceModify => PduSessionResourceModifyResponse,
    Initiating_PDUSessionResourceRelease => PduSessionResourceReleaseCommand,
    Successful_PDUSessionResourceRelease => PduSessionResourceReleaseResponse,
    Initiating_Paging => Paging,
    Initiating_HandoverPreparation => HandoverRequired,
    Successful_HandoverPreparation => HandoverCommand,
    Initiating_HandoverResourceAllocation => HandoverRequest,
    Successful_HandoverResourceAllocation => HandoverRequestAcknowledge,
    Initiating_HandoverNotification => HandoverNotify,
    Initiating_PathSwitchRequest => PathSwitchRequest,
    Successful_PathSwitchRequest => PathSwitchRequestAcknowledge,
}

impl Message {
    /// Encodes the message.
    ///
    /// # Errors
    /// As [`NgapMessage::to_pdu`].
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        crate::encode(&self.to_pdu()?)
    }
}

/// Decodes octets into a typed [`Message`]: the envelope, every IE of the message and
/// every transfer nested in them.
///
/// # Errors
/// [`Error::TransferSyntax`], [`Error::UnsupportedMessage`], or the message's own error.
pub fn decode_message(bytes: &[u8]) -> Result<Message, Error> {
    // The common shape of an Initial UE Message is read by hand (`fast::initial_ue`),
    // giving what the generic path gives; anything else takes the generic path.
    if let Some(m) = crate::fast::initial_ue_message(bytes) {
        return Ok(Message::InitialUeMessage(m));
    }
    Message::from_pdu(&crate::decode_borrowed(bytes)?)
}
