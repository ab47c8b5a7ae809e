//! Why a category catalogue was refused. The catalogue is our own data, so a refusal
//! is a server-side fault (500): the built-in one is checked by the tests.

use crate::problem::{ApiError, Lang};

/// A catalogue that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// Not JSON of the catalogue's shape.
    #[error("the complaints catalogue cannot be read: {0}")]
    Malformed(String),
    /// No version.
    #[error("the complaints catalogue has no version")]
    NoVersion,
    /// No category at all.
    #[error("the complaints catalogue has no category")]
    NoCategories,
    /// A group code that is not a slug.
    #[error("code {0:?} is not a lower-case slug")]
    BadCode(String),
    /// A code used twice (within groups, departments or categories).
    #[error("code {0} appears twice")]
    DuplicateCode(String),
    /// An entry's name is empty, too long, or holds a control character.
    #[error("the {what} {code} has an empty, over-long or invalid name")]
    BadName {
        /// Which kind of entry.
        what: &'static str,
        /// Its code.
        code: String,
    },
    /// The supervising office is not among the departments.
    #[error("the supervising office {0} is not among the departments")]
    UnknownOffice(String),
    /// A category's reference or deadline is wrong.
    #[error("category {category}: {why}")]
    BadCategory {
        /// The category's code.
        category: String,
        /// What is wrong.
        why: &'static str,
    },
    /// The province-wide rules are out of bounds.
    #[error("catalogue rules: {0}")]
    BadRules(&'static str),
}

impl CatalogueError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "COMPLAINTS_CATALOGUE_MALFORMED",
            Self::NoVersion => "COMPLAINTS_CATALOGUE_NO_VERSION",
            Self::NoCategories => "COMPLAINTS_CATALOGUE_EMPTY",
            Self::BadCode(_) => "COMPLAINTS_CATALOGUE_CODE_INVALID",
            Self::DuplicateCode(_) => "COMPLAINTS_CATALOGUE_CODE_DUPLICATE",
            Self::BadName { .. } => "COMPLAINTS_CATALOGUE_NAME_INVALID",
            Self::UnknownOffice(_) => "COMPLAINTS_CATALOGUE_OFFICE_UNKNOWN",
            Self::BadCategory { .. } => "COMPLAINTS_CATALOGUE_CATEGORY_INVALID",
            Self::BadRules(_) => "COMPLAINTS_CATALOGUE_RULES_INVALID",
        }
    }

    /// The message in Chinese (zh-CN).
    pub fn message_zh(&self) -> String {
        match self {
            Self::Malformed(e) => format!("诉求类别目录无法读取：{e}"),
            Self::NoVersion => "诉求类别目录缺少版本号。".to_owned(),
            Self::NoCategories => "诉求类别目录中没有类别。".to_owned(),
            Self::BadCode(code) => format!("代码 {code} 应为小写字母、数字和连字符。"),
            Self::DuplicateCode(code) => format!("代码 {code} 重复。"),
            Self::BadName { code, .. } => format!("{code} 的名称为空、过长或含有控制字符。"),
            Self::UnknownOffice(code) => format!("督办部门 {code} 不在部门列表中。"),
            Self::BadCategory { category, why } => format!("类别 {category} 有误：{why}"),
            Self::BadRules(why) => format!("目录规则有误：{why}"),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

impl ApiError for CatalogueError {
    fn status(&self) -> u16 {
        500
    }

    fn code(&self) -> &'static str {
        CatalogueError::code(self)
    }

    fn title(&self, lang: Lang) -> String {
        lang.pick("诉求类别目录有误", "The complaints catalogue is invalid")
            .to_owned()
    }

    fn detail(&self, lang: Lang) -> String {
        lang.pick(self.message_zh(), self.message_en())
    }
}
