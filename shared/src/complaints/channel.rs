//! How a case reached the government: the enterprise's own channels (scanning the QR
//! code, the online form) and those staff enter on its behalf (a call, a letter, a
//! visit). One ledger holds them all ("1+N": one intake, many departments).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::input_error::InputError;

/// The intake channel.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The enterprise scanned the QR code (扫码).
    Qr,
    /// The enterprise used the online form.
    Online,
    /// A phone call, entered by staff.
    Phone,
    /// A letter, entered by staff.
    Letter,
    /// A visit in person, entered by staff.
    Visit,
}

impl Channel {
    /// Every channel, in a fixed order.
    pub const ALL: [Channel; 5] = [
        Channel::Qr,
        Channel::Online,
        Channel::Phone,
        Channel::Letter,
        Channel::Visit,
    ];

    /// Parses the wire text exactly (`qr`, `online`, `phone`, `letter`, `visit`).
    pub fn parse(text: &str) -> Result<Channel, InputError> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
            .ok_or_else(|| InputError::ChannelUnknown {
                field: "channel".to_owned(),
            })
    }

    /// The wire text.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Qr => "qr",
            Channel::Online => "online",
            Channel::Phone => "phone",
            Channel::Letter => "letter",
            Channel::Visit => "visit",
        }
    }

    /// Whether the enterprise files through this channel itself (`qr`, `online`);
    /// otherwise a staff member enters what it said or wrote.
    pub fn filed_by_enterprise(self) -> bool {
        matches!(self, Channel::Qr | Channel::Online)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly_the_five_channels() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{c}\""));
        }
        for bad in ["", "QR", "wechat", " qr", "email"] {
            let e = Channel::parse(bad).unwrap_err();
            assert_eq!(e.code(), "COMPLAINTS_CHANNEL_UNKNOWN");
            assert_eq!(e.field(), "channel");
        }
        let by_enterprise: Vec<_> = Channel::ALL
            .into_iter()
            .filter(|c| c.filed_by_enterprise())
            .collect();
        assert_eq!(by_enterprise, [Channel::Qr, Channel::Online]);
    }
}
