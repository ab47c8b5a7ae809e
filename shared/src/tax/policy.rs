//! The 免申即享 policy catalogue: preferential policies enjoyed without application.
//! The catalogue is data from the tax bureau (JSON): each policy holds an all-of list of
//! typed conditions over enterprise attributes. [`match_policies`] tells an enterprise
//! which policies it qualifies for, and why.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::industry::IndustryCode;
use crate::codes::DivisionCode;
use crate::money::Fen;

/// The three groups of the Xinyang catalogue.
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
pub enum PolicyGroup {
    /// 稳就业.
    Employment,
    /// 惠民生.
    Livelihood,
    /// 促创新.
    Innovation,
}

/// Groups of hires that policies reward.
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
pub enum KeyGroup {
    /// 高校毕业生.
    CollegeGraduates,
    /// 退役士兵.
    RetiredSoldiers,
    /// 脱贫人口.
    PovertyAlleviated,
    /// 登记失业人员.
    RegisteredUnemployed,
    /// 残疾人.
    Disabled,
}

impl KeyGroup {
    fn name_zh(self) -> &'static str {
        match self {
            KeyGroup::CollegeGraduates => "高校毕业生",
            KeyGroup::RetiredSoldiers => "退役士兵",
            KeyGroup::PovertyAlleviated => "脱贫人口",
            KeyGroup::RegisteredUnemployed => "登记失业人员",
            KeyGroup::Disabled => "残疾人",
        }
    }
}

/// The enterprise attributes conditions look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enterprise {
    /// Unified social credit code.
    pub credit_code: String,
    /// Industry code (GB/T 4754, e.g. `C3311`).
    pub industry_code: IndustryCode,
    /// Division code (GB/T 2260) of the registered address.
    pub region_code: DivisionCode,
    /// Employees.
    pub employees: u32,
    /// Annual revenue.
    pub annual_revenue: Fen,
    /// 小型微利企业.
    pub small_micro: bool,
    /// Hires in the year per key group.
    #[serde(default)]
    pub key_group_hires: BTreeMap<KeyGroup, u32>,
}

/// One typed condition; a policy applies when all of its conditions hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The industry code starts with one of the prefixes.
    IndustryPrefix {
        /// Prefixes.
        any_of: Vec<String>,
    },
    /// The region code starts with one of the prefixes.
    RegionPrefix {
        /// Prefixes.
        any_of: Vec<String>,
    },
    /// Employees within an inclusive range.
    EmployeeCount {
        /// Minimum, inclusive.
        #[serde(default)]
        min: Option<u32>,
        /// Maximum, inclusive.
        #[serde(default)]
        max: Option<u32>,
    },
    /// Annual revenue within an inclusive range, in fen.
    AnnualRevenue {
        /// Minimum, inclusive.
        #[serde(default)]
        min: Option<Fen>,
        /// Maximum, inclusive.
        #[serde(default)]
        max: Option<Fen>,
    },
    /// At least `at_least` hires of a key group.
    KeyGroupHires {
        /// Group.
        group: KeyGroup,
        /// Minimum hires.
        at_least: u32,
    },
    /// Is (or is not) a small low-profit enterprise.
    SmallMicro {
        /// Required value.
        is: bool,
    },
}

fn in_range<T: PartialOrd + Copy>(v: T, min: Option<T>, max: Option<T>) -> bool {
    min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
}

fn range_zh<T: std::fmt::Display>(min: &Option<T>, max: &Option<T>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a}至{b}"),
        (Some(a), None) => format!("不少于{a}"),
        (None, Some(b)) => format!("不超过{b}"),
        (None, None) => "不限".to_owned(),
    }
}

impl Condition {
    /// True when the enterprise meets the condition.
    pub fn holds(&self, e: &Enterprise) -> bool {
        match self {
            Condition::IndustryPrefix { any_of } => {
                any_of.iter().any(|p| e.industry_code.starts_with(p))
            }
            Condition::RegionPrefix { any_of } => {
                any_of.iter().any(|p| e.region_code.starts_with(p))
            }
            Condition::EmployeeCount { min, max } => in_range(e.employees, *min, *max),
            Condition::AnnualRevenue { min, max } => in_range(e.annual_revenue, *min, *max),
            Condition::KeyGroupHires { group, at_least } => {
                e.key_group_hires.get(group).copied().unwrap_or(0) >= *at_least
            }
            Condition::SmallMicro { is } => e.small_micro == *is,
        }
    }

    /// The condition in words (Chinese), used as the reason of a match.
    pub fn describe_zh(&self) -> String {
        match self {
            Condition::IndustryPrefix { any_of } => format!("行业代码属于{}", any_of.join("、")),
            Condition::RegionPrefix { any_of } => format!("注册地区划属于{}", any_of.join("、")),
            Condition::EmployeeCount { min, max } => format!("从业人数{}人", range_zh(min, max)),
            Condition::AnnualRevenue { min, max } => {
                format!("年营业收入{}元", range_zh(min, max))
            }
            Condition::KeyGroupHires { group, at_least } => {
                format!("招用{}不少于{at_least}人", group.name_zh())
            }
            Condition::SmallMicro { is: true } => "属于小型微利企业".to_owned(),
            Condition::SmallMicro { is: false } => "不属于小型微利企业".to_owned(),
        }
    }

    fn check(&self, policy: &str) -> Result<(), CatalogueError> {
        let bad = |why: &str| CatalogueError::BadCondition {
            policy: policy.to_owned(),
            why: why.to_owned(),
        };
        match self {
            Condition::IndustryPrefix { any_of } | Condition::RegionPrefix { any_of } => {
                if any_of.is_empty()
                    || any_of
                        .iter()
                        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
                {
                    return Err(bad("prefixes must be non-empty letters or digits"));
                }
            }
            Condition::EmployeeCount { min, max } => {
                if min.zip(*max).is_some_and(|(a, b)| a > b) || (min.is_none() && max.is_none()) {
                    return Err(bad("employee range is empty or unbounded on both sides"));
                }
            }
            Condition::AnnualRevenue { min, max } => {
                if min.zip(*max).is_some_and(|(a, b)| a > b) || (min.is_none() && max.is_none()) {
                    return Err(bad("revenue range is empty or unbounded on both sides"));
                }
            }
            Condition::KeyGroupHires { at_least, .. } => {
                if *at_least == 0 {
                    return Err(bad("at_least must be at least 1"));
                }
            }
            Condition::SmallMicro { .. } => {}
        }
        Ok(())
    }
}

/// One preferential policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Policy {
    /// Stable id (1 to 64 printable ASCII characters).
    #[schemars(extend("pattern" = "^[!-~]{1,64}$"))]
    pub id: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Group.
    pub group: PolicyGroup,
    /// Legal basis.
    pub basis_zh: String,
    /// All must hold.
    pub conditions: Vec<Condition>,
}

/// The catalogue, checked on load: unique ids, at least one condition per policy,
/// well-formed conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawCatalogue")]
pub struct PolicyCatalogue {
    version: String,
    policies: Vec<Policy>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawCatalogue {
    /// The version, immutable once published (1 to 64 printable ASCII characters).
    #[schemars(extend("pattern" = "^[!-~]{1,64}$"))]
    version: String,
    policies: Vec<Policy>,
}

impl TryFrom<RawCatalogue> for PolicyCatalogue {
    type Error = CatalogueError;
    fn try_from(raw: RawCatalogue) -> Result<Self, Self::Error> {
        PolicyCatalogue::new(raw.version, raw.policies)
    }
}

/// A version or policy id as stored and named by savings records: 1 to
/// [`MAX_ID_LEN`] printable ASCII characters (no spaces, no control characters).
pub fn printable_id(text: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic())
}

/// The longest catalogue version or policy id.
pub const MAX_ID_LEN: usize = 64;

impl PolicyCatalogue {
    /// Builds and checks a catalogue.
    pub fn new(version: String, policies: Vec<Policy>) -> Result<PolicyCatalogue, CatalogueError> {
        if version.trim().is_empty() {
            return Err(CatalogueError::NoVersion);
        }
        if !printable_id(&version) {
            return Err(CatalogueError::VersionInvalid(version));
        }
        let mut ids = BTreeSet::new();
        for p in &policies {
            if p.id.trim().is_empty() {
                return Err(CatalogueError::EmptyId);
            }
            if !printable_id(&p.id) {
                return Err(CatalogueError::IdInvalid(p.id.clone()));
            }
            if !ids.insert(p.id.as_str()) {
                return Err(CatalogueError::DuplicateId(p.id.clone()));
            }
            if p.conditions.is_empty() {
                return Err(CatalogueError::NoConditions(p.id.clone()));
            }
            for c in &p.conditions {
                c.check(&p.id)?;
            }
        }
        Ok(PolicyCatalogue { version, policies })
    }

    /// Reads a catalogue from JSON.
    pub fn from_json(text: &str) -> Result<PolicyCatalogue, CatalogueError> {
        let raw: RawCatalogue =
            serde_json::from_str(text).map_err(|e| CatalogueError::Malformed(e.to_string()))?;
        PolicyCatalogue::try_from(raw)
    }

    /// Version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Policies, in catalogue order.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The policy with this id.
    pub fn get(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }
}

/// A policy the enterprise qualifies for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyMatch {
    /// Policy id.
    pub policy_id: String,
    /// Policy name.
    pub name_zh: String,
    /// Group.
    pub group: PolicyGroup,
    /// Legal basis.
    pub basis_zh: String,
    /// The conditions met, in words.
    pub reasons_zh: Vec<String>,
}

/// Every policy of the catalogue whose conditions all hold for the enterprise.
pub fn match_policies(catalogue: &PolicyCatalogue, enterprise: &Enterprise) -> Vec<PolicyMatch> {
    catalogue
        .policies
        .iter()
        .filter(|p| p.conditions.iter().all(|c| c.holds(enterprise)))
        .map(|p| PolicyMatch {
            policy_id: p.id.clone(),
            name_zh: p.name_zh.clone(),
            group: p.group,
            basis_zh: p.basis_zh.clone(),
            reasons_zh: p.conditions.iter().map(Condition::describe_zh).collect(),
        })
        .collect()
}

/// Why a catalogue cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// Not JSON of the catalogue's shape (or a check failed while reading).
    #[error("the policy catalogue cannot be read: {0}")]
    Malformed(String),
    /// No version.
    #[error("the policy catalogue has no version")]
    NoVersion,
    /// A version that is not 1 to 64 printable ASCII characters.
    #[error("the catalogue version {0:?} must be 1 to 64 printable ASCII characters")]
    VersionInvalid(String),
    /// A policy without an id.
    #[error("a policy has an empty id")]
    EmptyId,
    /// A policy id that is not 1 to 64 printable ASCII characters.
    #[error("the policy id {0:?} must be 1 to 64 printable ASCII characters")]
    IdInvalid(String),
    /// Two policies share an id.
    #[error("policy id {0} appears twice")]
    DuplicateId(String),
    /// A policy without conditions would match every enterprise.
    #[error("policy {0} has no conditions")]
    NoConditions(String),
    /// A condition is ill-formed.
    #[error("policy {policy}: {why}")]
    BadCondition {
        /// Policy id.
        policy: String,
        /// What is wrong.
        why: String,
    },
}

impl CatalogueError {
    /// Every code [`Self::code`] answers (the operations' OpenAPI descriptions list them).
    pub const CODES: &'static [&'static str] = &[
        "POLICY_CATALOGUE_MALFORMED",
        "POLICY_CATALOGUE_NO_VERSION",
        "POLICY_CATALOGUE_VERSION_INVALID",
        "POLICY_ID_EMPTY",
        "POLICY_ID_INVALID",
        "POLICY_ID_DUPLICATE",
        "POLICY_NO_CONDITIONS",
        "POLICY_CONDITION_INVALID",
    ];

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogueError::Malformed(_) => "POLICY_CATALOGUE_MALFORMED",
            CatalogueError::NoVersion => "POLICY_CATALOGUE_NO_VERSION",
            CatalogueError::VersionInvalid(_) => "POLICY_CATALOGUE_VERSION_INVALID",
            CatalogueError::EmptyId => "POLICY_ID_EMPTY",
            CatalogueError::IdInvalid(_) => "POLICY_ID_INVALID",
            CatalogueError::DuplicateId(_) => "POLICY_ID_DUPLICATE",
            CatalogueError::NoConditions(_) => "POLICY_NO_CONDITIONS",
            CatalogueError::BadCondition { .. } => "POLICY_CONDITION_INVALID",
        }
    }
    /// Human message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            CatalogueError::Malformed(e) => format!("政策目录无法读取：{e}"),
            CatalogueError::NoVersion => "政策目录缺少版本号".to_owned(),
            CatalogueError::VersionInvalid(v) => {
                format!("政策目录版本号{v:?}应为1至64个可见ASCII字符")
            }
            CatalogueError::EmptyId => "政策编号为空".to_owned(),
            CatalogueError::IdInvalid(id) => format!("政策编号{id:?}应为1至64个可见ASCII字符"),
            CatalogueError::DuplicateId(id) => format!("政策编号{id}重复"),
            CatalogueError::NoConditions(id) => format!("政策{id}没有适用条件"),
            CatalogueError::BadCondition { policy, why } => {
                format!("政策{policy}的适用条件无效：{why}")
            }
        }
    }
    /// Human message in English.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const CATALOGUE: &str = r#"{
      "version": "xinyang-2026-01",
      "policies": [
        {"id": "EMP-01", "name_zh": "招用重点群体扣减增值税", "group": "employment",
         "basis_zh": "财政部 税务总局 人力资源社会保障部 农业农村部公告2023年第15号",
         "conditions": [
           {"type": "key_group_hires", "group": "poverty_alleviated", "at_least": 1}
         ]},
        {"id": "INN-01", "name_zh": "制造业研发费用加计扣除", "group": "innovation",
         "basis_zh": "财政部 税务总局公告2023年第7号",
         "conditions": [
           {"type": "industry_prefix", "any_of": ["C"]},
           {"type": "region_prefix", "any_of": ["4115"]}
         ]},
        {"id": "LIV-01", "name_zh": "小型微利企业所得税优惠", "group": "livelihood",
         "basis_zh": "财政部 税务总局公告2023年第12号",
         "conditions": [
           {"type": "small_micro", "is": true},
           {"type": "employee_count", "max": 300},
           {"type": "annual_revenue", "min": 0, "max": 500000000}
         ]}
      ]
    }"#;

    pub(crate) fn enterprise() -> Enterprise {
        Enterprise {
            credit_code: "91411500MA9XXXXX1X".to_owned(),
            industry_code: IndustryCode::parse("C3311").unwrap(),
            region_code: DivisionCode::parse("411502").unwrap(),
            employees: 300,
            annual_revenue: Fen::from_yuan(5_000_000),
            small_micro: true,
            key_group_hires: BTreeMap::new(),
        }
    }

    fn matched(e: &Enterprise) -> Vec<String> {
        let cat = PolicyCatalogue::from_json(CATALOGUE).unwrap();
        match_policies(&cat, e)
            .into_iter()
            .map(|m| m.policy_id)
            .collect()
    }

    #[test]
    fn matches_all_of_the_conditions_at_the_bounds() {
        assert_eq!(matched(&enterprise()), ["INN-01", "LIV-01"]);
        let mut e = enterprise();
        e.employees = 301;
        e.industry_code = IndustryCode::parse("I6510").unwrap();
        assert!(matched(&e).is_empty());
        let mut e = enterprise();
        e.annual_revenue = Fen::from_yuan(5_000_000) + Fen(1);
        e.region_code = DivisionCode::parse("410302").unwrap();
        e.key_group_hires.insert(KeyGroup::PovertyAlleviated, 1);
        assert_eq!(matched(&e), ["EMP-01"]);
    }

    #[test]
    fn explains_a_match() {
        let cat = PolicyCatalogue::from_json(CATALOGUE).unwrap();
        let m = match_policies(&cat, &enterprise());
        assert_eq!(m[1].group, PolicyGroup::Livelihood);
        assert_eq!(
            m[1].reasons_zh,
            [
                "属于小型微利企业",
                "从业人数不超过300人",
                "年营业收入0.00至5000000.00元"
            ]
        );
    }

    #[test]
    fn codes_match_by_prefix_at_any_level() {
        let industry = |any_of: &[&str]| Condition::IndustryPrefix {
            any_of: any_of.iter().map(|p| (*p).to_owned()).collect(),
        };
        let region = |any_of: &[&str]| Condition::RegionPrefix {
            any_of: any_of.iter().map(|p| (*p).to_owned()).collect(),
        };
        let e = enterprise();
        assert!(industry(&["C"]).holds(&e) && industry(&["C33"]).holds(&e));
        assert!(industry(&["I", "C3311"]).holds(&e));
        assert!(!industry(&["C34", "D"]).holds(&e));
        assert!(region(&["41"]).holds(&e) && region(&["411502"]).holds(&e));
        assert!(!region(&["4103", "4115020"]).holds(&e));
    }

    #[test]
    fn an_enterprise_is_stored_with_its_codes_as_strings() {
        let e = enterprise();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["industry_code"], "C3311");
        assert_eq!(json["region_code"], "411502");
        assert_eq!(
            serde_json::from_value::<Enterprise>(json.clone()).unwrap(),
            e
        );
        let mut bad = json.clone();
        bad["industry_code"] = "c3311".into();
        assert!(serde_json::from_value::<Enterprise>(bad).is_err());
        let mut bad = json;
        bad["region_code"] = "41150".into();
        assert!(serde_json::from_value::<Enterprise>(bad).is_err());
    }

    #[test]
    fn rejects_bad_catalogues() {
        let err = |json: &str| PolicyCatalogue::from_json(json).unwrap_err();
        let dup = CATALOGUE.replace("\"INN-01\"", "\"EMP-01\"");
        assert_eq!(err(&dup), CatalogueError::DuplicateId("EMP-01".to_owned()));
        // Through plain serde the check runs too.
        assert!(serde_json::from_str::<PolicyCatalogue>(&dup).is_err());
        let unknown = CATALOGUE.replace("\"small_micro\", \"is\"", "\"giant\", \"is\"");
        assert_eq!(err(&unknown).code(), "POLICY_CATALOGUE_MALFORMED");
        let reversed =
            CATALOGUE.replace("\"min\": 0, \"max\": 500000000", "\"min\": 9, \"max\": 1");
        assert_eq!(err(&reversed).code(), "POLICY_CONDITION_INVALID");
        assert!(err(&reversed).message_zh().contains("LIV-01"));
        assert!(matches!(
            PolicyCatalogue::new(
                "v".into(),
                vec![Policy {
                    id: "X".into(),
                    name_zh: "x".into(),
                    group: PolicyGroup::Employment,
                    basis_zh: "x".into(),
                    conditions: vec![],
                }]
            ),
            Err(CatalogueError::NoConditions(_))
        ));
        assert_eq!(
            PolicyCatalogue::new(" ".into(), vec![]).unwrap_err().code(),
            "POLICY_CATALOGUE_NO_VERSION"
        );
    }
}
