//! The power boundary's errors and their statuses: the one place that maps the
//! core's metering errors to problem+json. Nothing is logged here.

use yingshang_core::metering::{FrameError, MeteringInputError, ReadingError, SessionError};
use yingshang_core::problem::{ApiError, Lang};

/// Why a power request cannot be answered as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PowerError {
    /// An id or a configuration value is invalid (400).
    Input(MeteringInputError),
    /// A socket id is not 1–64 letters, digits, `-` or `_` (400).
    SocketIdInvalid,
    /// The device secret is shorter than 16 characters (400).
    SecretTooShort,
    /// A new socket needs a device secret (400).
    SecretRequired,
    /// A date parameter is not `YYYY-MM-DD` in 1900–2100, or the range is reversed (400).
    InvalidDate {
        /// The parameter.
        field: &'static str,
    },
    /// A session must be started with an `Idempotency-Key` (400).
    IdempotencyKeyRequired,
    /// A batch is empty or has more than [`super::readings::MAX_BATCH`] readings (400).
    BatchSize,
    /// The DL/T 645 frame cannot be used (400; a meter's error reply 422).
    Frame(FrameError),
    /// A reading is dated ahead of the server's clock (422) or outside the years the
    /// platform handles (400); nothing of the request is applied.
    Reading(ReadingError),
    /// No such site (404).
    SiteNotFound,
    /// No such socket (404).
    SocketNotFound,
    /// No such session (404).
    SessionNotFound,
    /// The session belongs to another customer (403).
    NotOwner,
    /// The site or socket belongs to another operator agency (403).
    NotOperator,
    /// Another socket already uses this meter (409).
    MeterTaken,
    /// The socket is in use by another session (409).
    SocketBusy,
    /// The session's life cycle does not allow this (400 for the prepay, else 409).
    Session(SessionError),
    /// The channel's transaction id was confirmed before for another session or amount (409).
    PaymentConflict,
    /// The paid amount is not the prepaid amount (422).
    AmountMismatch {
        /// What the session asked for.
        expected: i64,
        /// What the channel says was paid.
        paid: i64,
    },
    /// Others changed the same session at the same moment; retry (409).
    Contended,
}

impl ApiError for PowerError {
    fn status(&self) -> u16 {
        match self {
            Self::Input(_)
            | Self::SocketIdInvalid
            | Self::SecretTooShort
            | Self::SecretRequired
            | Self::InvalidDate { .. }
            | Self::IdempotencyKeyRequired
            | Self::BatchSize => 400,
            Self::Frame(FrameError::ErrorReply { .. }) => 422,
            Self::Frame(_) => 400,
            Self::Reading(ReadingError::InFuture { .. }) => 422,
            Self::Reading(ReadingError::DateOutOfRange { .. }) => 400,
            Self::SiteNotFound | Self::SocketNotFound | Self::SessionNotFound => 404,
            Self::NotOwner | Self::NotOperator => 403,
            Self::Session(SessionError::PrepaidOutOfRange { .. }) => 400,
            Self::MeterTaken
            | Self::SocketBusy
            | Self::Session(_)
            | Self::PaymentConflict
            | Self::Contended => 409,
            Self::AmountMismatch { .. } => 422,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Input(e) => e.code(),
            Self::SocketIdInvalid => "METER_SOCKET_ID_INVALID",
            Self::SecretTooShort => "METER_DEVICE_SECRET_TOO_SHORT",
            Self::SecretRequired => "METER_DEVICE_SECRET_REQUIRED",
            Self::InvalidDate { .. } => "METER_DATE_INVALID",
            Self::IdempotencyKeyRequired => "METER_IDEMPOTENCY_KEY_REQUIRED",
            Self::BatchSize => "METER_BATCH_SIZE",
            Self::Frame(e) => e.code(),
            Self::Reading(e) => e.code(),
            Self::SiteNotFound => "METER_SITE_NOT_FOUND",
            Self::SocketNotFound => "METER_SOCKET_NOT_FOUND",
            Self::SessionNotFound => "METER_SESSION_NOT_FOUND",
            Self::NotOwner => "METER_SESSION_NOT_OWNER",
            Self::NotOperator => "METER_NOT_OPERATOR",
            Self::MeterTaken => "METER_ID_TAKEN",
            Self::SocketBusy => "METER_SOCKET_BUSY",
            Self::Session(e) => e.code(),
            Self::PaymentConflict => "METER_PAYMENT_CONFLICT",
            Self::AmountMismatch { .. } => "METER_PAYMENT_AMOUNT_MISMATCH",
            Self::Contended => "METER_CONTENDED",
        }
    }

    fn title(&self, lang: Lang) -> String {
        let (zh, en) = match self.status() {
            400 => ("请求参数无效", "Invalid request"),
            403 => ("无权访问", "Forbidden"),
            404 => ("未找到", "Not found"),
            409 => ("状态冲突", "Conflict"),
            _ => ("无法处理", "Cannot process"),
        };
        lang.pick(zh, en).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        let pick = |zh: &str, en: &str| lang.pick(zh, en).to_owned();
        match self {
            Self::Input(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::Frame(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::Reading(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::Session(e) => lang.pick(e.message_zh(), e.message_en()),
            Self::SocketIdInvalid => pick(
                "插座编号应为1至64位字母、数字、“-”或“_”",
                "socket id must be 1-64 letters, digits, '-' or '_'",
            ),
            Self::SecretTooShort => pick(
                "设备密钥至少16个字符",
                "the device secret must be at least 16 characters",
            ),
            Self::SecretRequired => pick(
                "新插座需要提供设备密钥 device_secret",
                "a new socket needs a device_secret",
            ),
            Self::InvalidDate { field } => lang.pick(
                format!("{field} 应为1900至2100年间 YYYY-MM-DD 格式的日期，且起止顺序正确"),
                format!("{field} must be a date YYYY-MM-DD in the years 1900-2100, in order"),
            ),
            Self::IdempotencyKeyRequired => pick(
                "开始用电需要请求头 Idempotency-Key，以免重复下单",
                "starting a session needs an Idempotency-Key header, so a retry never orders twice",
            ),
            Self::BatchSize => pick(
                "批量读数应为1至500条",
                "a batch must hold 1 to 500 readings",
            ),
            Self::SiteNotFound => pick("没有该站点", "no such site"),
            Self::SocketNotFound => pick("没有该插座", "no such socket"),
            Self::SessionNotFound => pick("没有该用电订单", "no such session"),
            Self::NotOwner => pick(
                "只能查看或操作自己的用电订单",
                "only the customer who started a session may see or stop it",
            ),
            Self::NotOperator => pick(
                "该站点或插座属于另一运营机构，只有创建它的机构可以修改或查看其报表",
                "this site or socket belongs to another operator agency; only the agency that created it may change it or read its statements",
            ),
            Self::MeterTaken => pick(
                "该电表地址已绑定到另一个插座",
                "another socket already uses this meter id",
            ),
            Self::SocketBusy => pick(
                "该插座正在使用中，请稍后再试",
                "the socket is in use; try again later",
            ),
            Self::PaymentConflict => pick(
                "该支付流水号已用于另一笔订单或金额",
                "this transaction id was confirmed for another session or amount",
            ),
            Self::AmountMismatch { expected, paid } => lang.pick(
                format!("支付金额 {paid} 分与预付金额 {expected} 分不符"),
                format!("paid {paid} fen, but the session prepays {expected} fen"),
            ),
            Self::Contended => pick(
                "订单正被同时修改，请重试",
                "the session was changed at the same moment; retry",
            ),
        }
    }
}
