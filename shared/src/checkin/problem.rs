//! The check-in rules' refusals as problem answers.

use super::code::CodeError;
use super::error::RuleError;
use crate::problem::{ApiError, FieldError, Lang};

impl ApiError for RuleError {
    fn status(&self) -> u16 {
        RuleError::status(self)
    }

    fn code(&self) -> &'static str {
        RuleError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        let (zh, en) = match self.status() {
            403 => ("不能扫码入企", "Not allowed to inspect"),
            409 => (
                "与检查规则或当前状态冲突",
                "Conflicts with the inspection rules",
            ),
            _ => ("输入有误", "Invalid input"),
        };
        lang.pick(zh, en).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }

    fn errors(&self, lang: Lang) -> Vec<FieldError> {
        match self {
            RuleError::Field { field, .. } | RuleError::Duplicate { field } => vec![FieldError {
                pointer: field.clone(),
                code: self.code().to_owned(),
                message: self.detail(lang),
            }],
            _ => Vec::new(),
        }
    }
}

impl ApiError for CodeError {
    fn status(&self) -> u16 {
        match self {
            CodeError::Malformed => 400,
            CodeError::Forged => 403,
            CodeError::Revoked => 410,
            CodeError::Unknown => 404,
        }
    }

    fn code(&self) -> &'static str {
        CodeError::code(*self)
    }

    fn title(&self, lang: Lang) -> String {
        lang.pick("企业码无效", "Invalid enterprise code")
            .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en()).to_owned()
    }
}

impl ApiError for super::qr::QrError {
    fn status(&self) -> u16 {
        match self {
            super::qr::QrError::Scale { .. } => 400,
            _ => 500,
        }
    }

    fn code(&self) -> &'static str {
        super::qr::QrError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        lang.pick("无法生成二维码", "Cannot render the QR code")
            .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }
}
