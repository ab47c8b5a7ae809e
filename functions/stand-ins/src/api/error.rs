//! The stand-ins' refusals, as the real systems would answer them.

use yingshang_core::problem::{ApiError, Lang};

/// Why a stand-in refuses a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandInError {
    /// No `Idempotency-Key`: the real systems require one (400).
    IdempotencyKeyRequired,
    /// The key was used before for a different refund or record (409).
    KeyReused,
    /// The cashier takes pretend payments only on a development run (404).
    CashierClosed,
}

impl ApiError for StandInError {
    fn status(&self) -> u16 {
        match self {
            Self::IdempotencyKeyRequired => 400,
            Self::KeyReused => 409,
            Self::CashierClosed => 404,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::IdempotencyKeyRequired => "STANDIN_IDEMPOTENCY_KEY_REQUIRED",
            Self::KeyReused => "STANDIN_KEY_REUSED",
            Self::CashierClosed => "STANDIN_CASHIER_CLOSED",
        }
    }

    fn title(&self, lang: Lang) -> String {
        match self {
            Self::IdempotencyKeyRequired => lang.pick("缺少幂等键", "Idempotency key required"),
            Self::KeyReused => lang.pick("幂等键已用于其他请求", "Idempotency key reused"),
            Self::CashierClosed => lang.pick("本地收银台未开启", "No local cashier here"),
        }
        .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        match self {
            Self::IdempotencyKeyRequired => lang.pick(
                "请求必须带有 Idempotency-Key 请求头。",
                "The request must carry an Idempotency-Key header.",
            ),
            Self::KeyReused => lang.pick(
                "该幂等键已用于内容不同的请求。",
                "This idempotency key was used for a different request.",
            ),
            Self::CashierClosed => lang.pick(
                "仅在使用开发密钥运行时可用；请在支付渠道完成支付。",
                "Only on a run with development secrets: pay with the payment channel.",
            ),
        }
        .to_owned()
    }
}
