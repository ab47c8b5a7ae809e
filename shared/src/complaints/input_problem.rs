//! Input errors as problem answers: one refused field, or every refused field of a
//! request at once (so a form can mark each), with the status they share.

use crate::problem::{ApiError, FieldError, Lang};

use super::input_error::InputError;

impl ApiError for InputError {
    fn status(&self) -> u16 {
        InputError::status(self)
    }

    fn code(&self) -> &'static str {
        InputError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        let (zh, en) = match self.status() {
            403 => ("无权以此方式提交", "Not allowed to file this way"),
            413 => ("附件过大", "Attachment too large"),
            415 => ("附件类型不被接受", "Attachment type not accepted"),
            _ => ("输入有误", "Invalid input"),
        };
        lang.pick(zh, en).to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }

    fn errors(&self, lang: Lang) -> Vec<FieldError> {
        vec![self.field_error(lang)]
    }
}

/// Every refused field of one request (an intake names all its problems at once, so
/// the form can mark each field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} invalid field(s)", .0.len())]
pub struct InputErrors(pub Vec<InputError>);

impl ApiError for InputErrors {
    /// The status all errors share, or 400 when they differ.
    fn status(&self) -> u16 {
        let mut statuses = self.0.iter().map(InputError::status);
        match statuses.next() {
            Some(first) if statuses.all(|s| s == first) => first,
            _ => 400,
        }
    }

    /// The single error's code, or `COMPLAINTS_INPUT_INVALID` for several.
    fn code(&self) -> &'static str {
        match self.0.as_slice() {
            [one] => one.code(),
            _ => "COMPLAINTS_INPUT_INVALID",
        }
    }

    fn title(&self, lang: Lang) -> String {
        lang.pick("诉求内容有误", "The request has invalid fields")
            .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        match self.0.as_slice() {
            [one] => lang.pick(one.message_zh(), one.message_en()),
            many => lang.pick(
                format!("有 {} 处内容需要修改，见 errors。", many.len()),
                format!("{} fields need correcting; see errors.", many.len()),
            ),
        }
    }

    fn errors(&self, lang: Lang) -> Vec<FieldError> {
        self.0.iter().map(|e| e.field_error(lang)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    #[test]
    fn several_errors_become_one_problem_listing_each_field() {
        let errors = InputErrors(vec![
            InputError::ChannelUnknown {
                field: "channel".into(),
            },
            InputError::AttachmentType {
                field: "attachments/0".into(),
            },
        ]);
        let p = Problem::from_error(&errors, Lang::En, None);
        assert_eq!(p.status, 400);
        assert_eq!(p.code, "COMPLAINTS_INPUT_INVALID");
        let pointers: Vec<_> = p.errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/channel", "/attachments/0"]);
        let one = InputErrors(vec![InputError::AttachmentType {
            field: "attachments/0".into(),
        }]);
        assert_eq!(ApiError::status(&one), 415);
        assert_eq!(
            ApiError::code(&one),
            "COMPLAINTS_ATTACHMENT_TYPE_NOT_ALLOWED"
        );
    }
}
