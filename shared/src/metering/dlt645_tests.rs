use super::*;
use time::macros::datetime;

fn meter() -> MeterId {
    MeterId::parse("123456789012").unwrap()
}

#[test]
fn the_notes_read_request_is_reproduced_and_its_checksum_is_right() {
    // Sum 68+12+90+78+56+34+12+68+11+04+33+33+34+33 = 0x368 → CS 0x68: the note is right.
    let frame = encode_read_request(&meter(), DataId::TOTAL_FORWARD_ACTIVE_ENERGY);
    assert_eq!(
        to_hex(&frame),
        "68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16"
    );
    let back = decode_frame("68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16").unwrap();
    assert_eq!(back.control, CONTROL_READ);
    assert_eq!(back.data, vec![0x00, 0x00, 0x01, 0x00]);
}

#[test]
fn decodes_an_energy_reply_by_hand() {
    // 3.27 kWh = 000003.27 → BCD low first 27 03 00 00 → +33: 5A 36 33 33.
    // CS computed independently: 0xE2.
    let hex = "FE FE FE FE 68 12 90 78 56 34 12 68 91 08 33 33 34 33 5A 36 33 33 E2 16";
    assert_eq!(decode_energy_reply(hex, &meter()).unwrap(), Wh(3270));
    // Without spaces and wake-up bytes, lower case.
    let compact = "6812907856341268910833333433 5a363333e216";
    assert_eq!(decode_energy_reply(compact, &meter()).unwrap(), Wh(3270));
    // The encoder gives the same bytes.
    assert_eq!(
        to_hex(&encode_energy_reply(&meter(), Wh(3270)).unwrap()),
        "68 12 90 78 56 34 12 68 91 08 33 33 34 33 5A 36 33 33 E2 16"
    );
}

#[test]
fn large_registers_round_trip() {
    for wh in [0, 10, 1_234_560, 999_999_990] {
        let hex = to_hex(&encode_energy_reply(&meter(), Wh(wh)).unwrap());
        assert_eq!(decode_energy_reply(&hex, &meter()).unwrap(), Wh(wh));
    }
    assert_eq!(
        encode_energy_reply(&meter(), Wh(1_000_000_000)),
        Err(FrameError::ValueOutOfRange)
    );
}

#[test]
fn a_bad_checksum_is_refused() {
    let hex = "68 12 90 78 56 34 12 68 91 08 33 33 34 33 5A 36 33 33 E3 16";
    assert_eq!(
        decode_energy_reply(hex, &meter()),
        Err(FrameError::BadChecksum {
            computed: 0xE2,
            found: 0xE3
        })
    );
    // A flipped data byte breaks the checksum too.
    let hex = "68 12 90 78 56 34 12 68 91 08 33 33 34 33 5B 36 33 33 E2 16";
    assert_eq!(
        decode_energy_reply(hex, &meter()).unwrap_err().code(),
        "METER_FRAME_BAD_CHECKSUM"
    );
}

#[test]
fn a_reply_from_another_meter_is_refused() {
    let other = MeterId::parse("000000000001").unwrap();
    let hex = to_hex(&encode_energy_reply(&other, Wh(100)).unwrap());
    let err = decode_energy_reply(&hex, &meter()).unwrap_err();
    assert_eq!(
        err,
        FrameError::WrongAddress {
            expected: "123456789012".into(),
            found: "000000000001".into()
        }
    );
    assert!(err.message_zh().contains("000000000001"));
}

#[test]
fn broken_frames_say_what_is_wrong() {
    let code = |hex: &str| decode_energy_reply(hex, &meter()).unwrap_err().code();
    assert_eq!(code("68 1G"), "METER_FRAME_BAD_HEX");
    assert_eq!(code("68 1"), "METER_FRAME_BAD_HEX");
    assert_eq!(code("68 12 90 78 56 34 12 68 91"), "METER_FRAME_TOO_SHORT");
    assert_eq!(
        code("69 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16"),
        "METER_FRAME_BAD_START"
    );
    assert_eq!(
        code("68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 17"),
        "METER_FRAME_BAD_END"
    );
    assert_eq!(
        code("68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16 00"),
        "METER_FRAME_BAD_END"
    );
    assert_eq!(
        code("68 12 90 78 56 34 12 68 11 09 33 33 34 33 68 16"),
        "METER_FRAME_LENGTH_MISMATCH"
    );
    // A read request is not a reply.
    assert_eq!(
        code("68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16"),
        "METER_FRAME_UNEXPECTED_CONTROL"
    );
    // Error reply, status 02 (+33 = 35); CS computed independently: 0x8D.
    assert_eq!(
        decode_energy_reply("68 12 90 78 56 34 12 68 D1 01 35 8D 16", &meter()),
        Err(FrameError::ErrorReply { status: 0x02 })
    );
    let err = to_hex(&encode_error_reply(&meter(), 0x02));
    assert_eq!(err, "68 12 90 78 56 34 12 68 D1 01 35 8D 16");
}

#[test]
fn unknown_data_ids_and_bad_values_are_refused() {
    // DI 02 01 01 00 (phase A voltage) answered: not this decoder's.
    let frame = Frame {
        address: meter(),
        control: CONTROL_READ_REPLY,
        data: vec![0x00, 0x01, 0x01, 0x02, 0x20, 0x22],
    };
    let hex = to_hex(&encode_frame(&frame));
    assert_eq!(
        decode_energy_reply(&hex, &meter()),
        Err(FrameError::UnknownDataId { di: 0x0201_0100 })
    );
    let frame = Frame {
        address: meter(),
        control: CONTROL_READ_REPLY,
        data: vec![0x00, 0x00, 0x01, 0x00, 0x1A, 0x00, 0x00, 0x00],
    };
    let hex = to_hex(&encode_frame(&frame));
    assert_eq!(decode_energy_reply(&hex, &meter()), Err(FrameError::BadBcd));
    let frame = Frame {
        address: meter(),
        control: CONTROL_READ_REPLY,
        data: vec![0x00, 0x00, 0x01, 0x00, 0x11],
    };
    let hex = to_hex(&encode_frame(&frame));
    assert_eq!(
        decode_energy_reply(&hex, &meter()),
        Err(FrameError::BadDataLength { len: 5 })
    );
    // A non-BCD address (AA: the broadcast wildcard) with a correct checksum.
    let mut bytes = vec![0x68u8, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0x68, 0x11, 0x00];
    bytes.push(bytes.iter().fold(0u8, |a, b| a.wrapping_add(*b)));
    bytes.push(0x16);
    assert_eq!(decode_frame_bytes(&bytes), Err(FrameError::BadAddress));
}

#[test]
fn relay_control_frame_has_sixteen_data_bytes() {
    let bytes = encode_relay_control(
        &meter(),
        RelayOrder::Trip,
        [0x02, 0x00, 0x00, 0x00],
        [0x01, 0x00, 0x00, 0x00],
        datetime!(2025-06-10 16:30:05),
    );
    let frame = decode_frame_bytes(&bytes).unwrap();
    assert_eq!(frame.control, CONTROL_RELAY);
    assert_eq!(
        frame.data,
        vec![
            2, 0, 0, 0, 1, 0, 0, 0, 0x1A, 0x00, 0x05, 0x30, 0x16, 0x10, 0x06, 0x25
        ]
    );
}
