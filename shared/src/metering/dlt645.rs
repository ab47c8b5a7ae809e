//! DL/T 645-2007 frames, for a gateway that talks to legacy meters:
//! `[FE…] 68 A0..A5 68 C L DATA CS 16`; address BCD low byte first; every data byte
//! sent +0x33; CS = sum mod 256 of the bytes from the first 68 to the end of DATA.

use time::PrimitiveDateTime;

use super::ids::MeterId;
use super::quantity::Wh;

/// Control code 0x11: read data (master → meter).
pub const CONTROL_READ: u8 = 0x11;
/// Control code 0x91: normal reply to a read.
pub const CONTROL_READ_REPLY: u8 = 0x91;
/// Control code 0xD1: error reply to a read.
pub const CONTROL_READ_ERROR: u8 = 0xD1;
/// Control code 0x1C: relay control (trip / allow close).
pub const CONTROL_RELAY: u8 = 0x1C;

/// A data identifier DI3 DI2 DI1 DI0 (sent DI0 first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataId(pub u32);

impl DataId {
    /// 00 01 00 00: total forward active energy, XXXXXX.XX kWh.
    pub const TOTAL_FORWARD_ACTIVE_ENERGY: DataId = DataId(0x0001_0000);
}

/// A frame: address, control code and the data with the +0x33 already removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The meter's address.
    pub address: MeterId,
    /// The control code.
    pub control: u8,
    /// The data field, plain (without +0x33).
    pub data: Vec<u8>,
}

/// A relay-control order (N1 of a 0x1C frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayOrder {
    /// 0x1A: trip (拉闸).
    Trip,
    /// 0x1B: allow closing (合闸允许).
    AllowClose,
}

/// A frame that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The text is not pairs of hex digits (spaces allowed).
    #[error("frame is not hex bytes")]
    BadHex,
    /// Fewer bytes than the smallest frame (12).
    #[error("frame too short: {len} bytes")]
    TooShort {
        /// Bytes after the wake-up bytes.
        len: usize,
    },
    /// The frame does not start `68 A0..A5 68`.
    #[error("frame does not start with 68 .. 68")]
    BadStart,
    /// The byte after CS is not 16, or there are bytes after it.
    #[error("frame does not end with 16 right after the checksum")]
    BadEnd,
    /// The length byte does not match the bytes present.
    #[error("length byte says {declared} data bytes but {present} are present")]
    LengthMismatch {
        /// The length byte.
        declared: usize,
        /// What the frame has room for.
        present: usize,
    },
    /// The checksum does not match.
    #[error("checksum {found:02X} does not match computed {computed:02X}")]
    BadChecksum {
        /// Computed from the frame.
        computed: u8,
        /// Carried by the frame.
        found: u8,
    },
    /// The address is not BCD.
    #[error("address is not BCD")]
    BadAddress,
    /// The reply comes from another meter.
    #[error("reply from meter {found}, expected {expected}")]
    WrongAddress {
        /// The meter asked.
        expected: String,
        /// The meter that answered.
        found: String,
    },
    /// The meter answered with an error reply.
    #[error("meter answered with error status {status:02X}")]
    ErrorReply {
        /// The error status byte (plain).
        status: u8,
    },
    /// The control code is not the one expected here.
    #[error("unexpected control code {control:02X}")]
    UnexpectedControl {
        /// The control code.
        control: u8,
    },
    /// The reply is for a data identifier this decoder does not know.
    #[error("unknown data identifier {di:08X}")]
    UnknownDataId {
        /// DI3 DI2 DI1 DI0.
        di: u32,
    },
    /// The value field has the wrong length for its data identifier.
    #[error("data field of {len} bytes does not fit the data identifier")]
    BadDataLength {
        /// Data bytes present.
        len: usize,
    },
    /// A value is not BCD.
    #[error("value is not BCD")]
    BadBcd,
    /// A value does not fit its field (energy above 999999.99 kWh).
    #[error("value does not fit the field")]
    ValueOutOfRange,
}

impl FrameError {
    /// Every code [`FrameError::code`] answers (for the API's documents).
    pub const CODES: &'static [&'static str] = &[
        "METER_FRAME_BAD_HEX",
        "METER_FRAME_TOO_SHORT",
        "METER_FRAME_BAD_START",
        "METER_FRAME_BAD_END",
        "METER_FRAME_LENGTH_MISMATCH",
        "METER_FRAME_BAD_CHECKSUM",
        "METER_FRAME_BAD_ADDRESS",
        "METER_FRAME_WRONG_ADDRESS",
        "METER_FRAME_ERROR_REPLY",
        "METER_FRAME_UNEXPECTED_CONTROL",
        "METER_FRAME_UNKNOWN_DI",
        "METER_FRAME_BAD_DATA_LENGTH",
        "METER_FRAME_BAD_BCD",
        "METER_FRAME_VALUE_OUT_OF_RANGE",
    ];

    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            FrameError::BadHex => "METER_FRAME_BAD_HEX",
            FrameError::TooShort { .. } => "METER_FRAME_TOO_SHORT",
            FrameError::BadStart => "METER_FRAME_BAD_START",
            FrameError::BadEnd => "METER_FRAME_BAD_END",
            FrameError::LengthMismatch { .. } => "METER_FRAME_LENGTH_MISMATCH",
            FrameError::BadChecksum { .. } => "METER_FRAME_BAD_CHECKSUM",
            FrameError::BadAddress => "METER_FRAME_BAD_ADDRESS",
            FrameError::WrongAddress { .. } => "METER_FRAME_WRONG_ADDRESS",
            FrameError::ErrorReply { .. } => "METER_FRAME_ERROR_REPLY",
            FrameError::UnexpectedControl { .. } => "METER_FRAME_UNEXPECTED_CONTROL",
            FrameError::UnknownDataId { .. } => "METER_FRAME_UNKNOWN_DI",
            FrameError::BadDataLength { .. } => "METER_FRAME_BAD_DATA_LENGTH",
            FrameError::BadBcd => "METER_FRAME_BAD_BCD",
            FrameError::ValueOutOfRange => "METER_FRAME_VALUE_OUT_OF_RANGE",
        }
    }

    /// A message for people, in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            FrameError::BadHex => "报文不是十六进制字节".to_owned(),
            FrameError::TooShort { len } => format!("报文过短：{len} 字节"),
            FrameError::BadStart => "报文未以 68 ... 68 开头".to_owned(),
            FrameError::BadEnd => "报文未在校验码后以 16 结束".to_owned(),
            FrameError::LengthMismatch { declared, present } => {
                format!("长度字节为 {declared}，实际数据 {present} 字节")
            }
            FrameError::BadChecksum { computed, found } => {
                format!("校验码 {found:02X} 与计算值 {computed:02X} 不符")
            }
            FrameError::BadAddress => "地址不是BCD码".to_owned(),
            FrameError::WrongAddress { expected, found } => {
                format!("应答来自电表 {found}，应为 {expected}")
            }
            FrameError::ErrorReply { status } => format!("电表异常应答，错误字 {status:02X}"),
            FrameError::UnexpectedControl { control } => format!("意外的控制码 {control:02X}"),
            FrameError::UnknownDataId { di } => format!("未知的数据标识 {di:08X}"),
            FrameError::BadDataLength { len } => format!("数据域 {len} 字节与数据标识不符"),
            FrameError::BadBcd => "数值不是BCD码".to_owned(),
            FrameError::ValueOutOfRange => "数值超出字段范围".to_owned(),
        }
    }

    /// A message for people, in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// Reads hex bytes; whitespace between (or inside) pairs is ignored.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, FrameError> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err(FrameError::BadHex);
    }
    let nibble = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    digits
        .chunks(2)
        .map(|p| match (nibble(p[0]), nibble(p[1])) {
            (Some(h), Some(l)) => Ok((h << 4) | l),
            _ => Err(FrameError::BadHex),
        })
        .collect()
}

/// Writes bytes as upper-case hex pairs separated by spaces.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |acc, b| acc.wrapping_add(*b))
}

/// Decodes a frame given as hex text.
pub fn decode_frame(hex: &str) -> Result<Frame, FrameError> {
    decode_frame_bytes(&parse_hex(hex)?)
}

/// Decodes a frame; leading FE wake-up bytes are skipped.
pub fn decode_frame_bytes(bytes: &[u8]) -> Result<Frame, FrameError> {
    let start = bytes.iter().take_while(|b| **b == 0xFE).count();
    let f = &bytes[start..];
    if f.len() < 12 {
        return Err(FrameError::TooShort { len: f.len() });
    }
    if f[0] != 0x68 || f[7] != 0x68 {
        return Err(FrameError::BadStart);
    }
    let declared = usize::from(f[9]);
    let present = f.len() - 12;
    if declared > present {
        return Err(FrameError::LengthMismatch { declared, present });
    }
    let end = 10 + declared;
    if f[end + 1] != 0x16 || f.len() != end + 2 {
        return Err(FrameError::BadEnd);
    }
    let computed = checksum(&f[..end]);
    if computed != f[end] {
        return Err(FrameError::BadChecksum {
            computed,
            found: f[end],
        });
    }
    let mut a = [0u8; 6];
    a.copy_from_slice(&f[1..7]);
    let address = MeterId::from_bcd_le(a).ok_or(FrameError::BadAddress)?;
    Ok(Frame {
        address,
        control: f[8],
        data: f[10..end].iter().map(|b| b.wrapping_sub(0x33)).collect(),
    })
}

/// Encodes a frame (no wake-up bytes). The data must be at most 255 bytes.
pub fn encode_frame(frame: &Frame) -> Vec<u8> {
    let len = u8::try_from(frame.data.len()).expect("DL/T 645 data is at most 255 bytes");
    let mut out = Vec::with_capacity(12 + frame.data.len());
    out.push(0x68);
    out.extend_from_slice(&frame.address.to_bcd_le());
    out.push(0x68);
    out.push(frame.control);
    out.push(len);
    out.extend(frame.data.iter().map(|b| b.wrapping_add(0x33)));
    out.push(checksum(&out));
    out.push(0x16);
    out
}

/// A read request for one data identifier.
pub fn encode_read_request(meter: &MeterId, di: DataId) -> Vec<u8> {
    encode_frame(&Frame {
        address: meter.clone(),
        control: CONTROL_READ,
        data: di.0.to_le_bytes().to_vec(),
    })
}

/// A normal reply carrying the total forward active energy (for tests and simulators).
/// The register counts 0.01 kWh, so `energy` is cut down to a multiple of 10 Wh.
pub fn encode_energy_reply(meter: &MeterId, energy: Wh) -> Result<Vec<u8>, FrameError> {
    let units = energy.get() / 10;
    if units > 99_999_999 {
        return Err(FrameError::ValueOutOfRange);
    }
    let mut data = DataId::TOTAL_FORWARD_ACTIVE_ENERGY.0.to_le_bytes().to_vec();
    data.extend_from_slice(&to_bcd_le::<4>(units));
    Ok(encode_frame(&Frame {
        address: meter.clone(),
        control: CONTROL_READ_REPLY,
        data,
    }))
}

/// An error reply with the given status byte (for tests and simulators).
pub fn encode_error_reply(meter: &MeterId, status: u8) -> Vec<u8> {
    encode_frame(&Frame {
        address: meter.clone(),
        control: CONTROL_READ_ERROR,
        data: vec![status],
    })
}

/// A relay-control frame (0x1C, 16 data bytes): password PA P0 P1 P2, operator code
/// C0..C3, N1 (the order), N2 (reserved, 0), N3..N8 the order's deadline as BCD
/// ss mm hh DD MM YY in the meter's local time. Layout as commonly implemented from
/// the standard; check it against the meter vendor's manual before field use.
pub fn encode_relay_control(
    meter: &MeterId,
    order: RelayOrder,
    password: [u8; 4],
    operator: [u8; 4],
    valid_until: PrimitiveDateTime,
) -> Vec<u8> {
    let bcd = |v: u8| ((v / 10) << 4) | (v % 10);
    let mut data = Vec::with_capacity(16);
    data.extend_from_slice(&password);
    data.extend_from_slice(&operator);
    data.push(match order {
        RelayOrder::Trip => 0x1A,
        RelayOrder::AllowClose => 0x1B,
    });
    data.push(0x00);
    data.extend([
        bcd(valid_until.second()),
        bcd(valid_until.minute()),
        bcd(valid_until.hour()),
        bcd(valid_until.day()),
        bcd(u8::from(valid_until.month())),
        bcd(valid_until.year().rem_euclid(100) as u8),
    ]);
    encode_frame(&Frame {
        address: meter.clone(),
        control: CONTROL_RELAY,
        data,
    })
}

/// Decodes a reply to "total forward active energy" from `expected`, into Wh.
pub fn decode_energy_reply(hex: &str, expected: &MeterId) -> Result<Wh, FrameError> {
    let frame = decode_frame(hex)?;
    if &frame.address != expected {
        return Err(FrameError::WrongAddress {
            expected: expected.to_string(),
            found: frame.address.to_string(),
        });
    }
    match frame.control {
        CONTROL_READ_REPLY => {}
        CONTROL_READ_ERROR => {
            return Err(FrameError::ErrorReply {
                status: frame.data.first().copied().unwrap_or(0),
            });
        }
        control => return Err(FrameError::UnexpectedControl { control }),
    }
    if frame.data.len() < 4 {
        return Err(FrameError::BadDataLength {
            len: frame.data.len(),
        });
    }
    let di = u32::from_le_bytes([frame.data[0], frame.data[1], frame.data[2], frame.data[3]]);
    if DataId(di) != DataId::TOTAL_FORWARD_ACTIVE_ENERGY {
        return Err(FrameError::UnknownDataId { di });
    }
    if frame.data.len() != 8 {
        return Err(FrameError::BadDataLength {
            len: frame.data.len(),
        });
    }
    let units = from_bcd_le(&frame.data[4..8]).ok_or(FrameError::BadBcd)?;
    Ok(Wh::from_centi_kwh(units))
}

fn to_bcd_le<const N: usize>(mut value: u64) -> [u8; N] {
    let mut out = [0u8; N];
    for byte in out.iter_mut() {
        let lo = (value % 10) as u8;
        value /= 10;
        let hi = (value % 10) as u8;
        value /= 10;
        *byte = (hi << 4) | lo;
    }
    out
}

fn from_bcd_le(bytes: &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for &b in bytes.iter().rev() {
        let (hi, lo) = (b >> 4, b & 0x0F);
        if hi > 9 || lo > 9 {
            return None;
        }
        value = value * 100 + u64::from(hi) * 10 + u64::from(lo);
    }
    Some(value)
}

#[cfg(test)]
#[path = "dlt645_tests.rs"]
mod tests;
