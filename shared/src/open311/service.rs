//! The catalogue as GeoReport v2 shows it: a [`Service`] per request type (GET
//! Service List) and, for a service with `metadata` true, its [`ServiceDefinition`]
//! (GET Service Definition): the extra form fields a client must ask its user for.

use std::collections::HashSet;
use std::num::NonZeroU32;

use super::ids::{AttributeCode, ServiceCode};
use super::spark::Node;

/// What a client gets back from POST Service Request for this service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceType {
    /// The `service_request_id`, immediately.
    Realtime,
    /// A `token`, later exchanged for the id.
    Batch,
    /// Neither.
    Blackbox,
}

impl ServiceType {
    /// The spec's word: `realtime`, `batch`, `blackbox`.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::Realtime => "realtime",
            ServiceType::Batch => "batch",
            ServiceType::Blackbox => "blackbox",
        }
    }
}

/// One service request type of GET Service List, fields in the spec's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The unique identifier of the request type.
    pub service_code: ServiceCode,
    /// Its human-readable name.
    pub service_name: String,
    /// A brief description.
    pub description: Option<String>,
    /// Whether it has a [`ServiceDefinition`] (extra fields) to fetch before posting.
    pub metadata: bool,
    /// What POST answers for it.
    pub r#type: ServiceType,
    /// Tags or synonyms, written as the spec's comma-separated list (`a, b`); a comma
    /// inside one keyword would split it for the client.
    pub keywords: Vec<String>,
    /// The category it is grouped under.
    pub group: Option<String>,
}

impl Service {
    pub(crate) fn to_node(&self) -> Node {
        let keywords: Vec<&str> = self
            .keywords
            .iter()
            .map(|k| k.trim())
            .filter(|k| !k.is_empty())
            .collect();
        Node::Record(vec![
            ("service_code", Node::text(self.service_code.as_str())),
            ("service_name", Node::text(&self.service_name)),
            ("description", Node::opt_text(self.description.as_deref())),
            ("metadata", Node::Bool(self.metadata)),
            ("type", Node::text(self.r#type.as_str())),
            ("keywords", Node::text(&keywords.join(", "))),
            ("group", Node::opt_text(self.group.as_deref())),
        ])
    }
}

/// One option of a `singlevaluelist` or `multivaluelist` (an HTML `<option>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeValue {
    /// What the client posts when the option is chosen (the option's `value`).
    pub key: String,
    /// What the user reads.
    pub name: String,
}

/// The kind of input an attribute asks for; the list kinds carry their options, so
/// that only they can have `values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Datatype {
    /// One line of text.
    String,
    /// A number.
    Number,
    /// A date-time (ISO 8601).
    Datetime,
    /// Text that may contain line breaks.
    Text,
    /// Exactly one of the options.
    SingleValueList(Vec<AttributeValue>),
    /// Any of the options.
    MultiValueList(Vec<AttributeValue>),
}

impl Datatype {
    /// The spec's word for it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Datatype::String => "string",
            Datatype::Number => "number",
            Datatype::Datetime => "datetime",
            Datatype::Text => "text",
            Datatype::SingleValueList(_) => "singlevaluelist",
            Datatype::MultiValueList(_) => "multivaluelist",
        }
    }

    /// The options of a list kind; `None` for the others.
    pub fn values(&self) -> Option<&[AttributeValue]> {
        match self {
            Datatype::SingleValueList(v) | Datatype::MultiValueList(v) => Some(v),
            _ => None,
        }
    }
}

/// One extra field of a service definition, fields in the spec's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// `true`: the user answers it; `false`: it only shows `description`.
    pub variable: bool,
    /// Its identifier, posted as `attribute[code]`.
    pub code: AttributeCode,
    /// The input it asks for (and, for lists, the options).
    pub datatype: Datatype,
    /// Whether a request without it is refused.
    pub required: bool,
    /// Help on the expected input.
    pub datatype_description: Option<String>,
    /// Its position in the form, 1 first; unique within the definition.
    pub order: NonZeroU32,
    /// The question or information shown to the user.
    pub description: String,
}

impl Attribute {
    fn to_node(&self) -> Node {
        let mut fields = vec![
            ("variable", Node::Bool(self.variable)),
            ("code", Node::text(self.code.as_str())),
            ("datatype", Node::text(self.datatype.as_str())),
            ("required", Node::Bool(self.required)),
            (
                "datatype_description",
                Node::opt_text(self.datatype_description.as_deref()),
            ),
            ("order", Node::Int(u64::from(self.order.get()))),
            ("description", Node::text(&self.description)),
        ];
        // `values` only for the list kinds, as the spec's example and FixMyStreet's
        // Open311 endpoint write it.
        if let Some(values) = self.datatype.values() {
            let options = values
                .iter()
                .map(|v| {
                    Node::Record(vec![
                        ("key", Node::text(&v.key)),
                        ("name", Node::text(&v.name)),
                    ])
                })
                .collect();
            fields.push(("values", Node::List("value", options)));
        }
        Node::Record(fields)
    }
}

/// A catalogue entry that cannot be shown as a service definition: a data error on
/// our side (a 500 for the caller), never the caller's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// Two attributes share a code.
    #[error("attribute code {0} is used twice")]
    DuplicateCode(String),
    /// Two attributes share an `order`.
    #[error("attribute order {0} is used twice")]
    DuplicateOrder(u32),
    /// A list attribute without options.
    #[error("list attribute {0} has no values")]
    NoValues(String),
    /// Two options of one list share a key.
    #[error("list attribute {code} has the key {key:?} twice")]
    DuplicateKey {
        /// The attribute.
        code: String,
        /// The repeated key.
        key: String,
    },
    /// An informational attribute (`variable` false) marked required: no user could
    /// ever answer it.
    #[error("attribute {0} is required but not variable")]
    RequiredNotVariable(String),
}

impl DefinitionError {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DuplicateCode(_) => "OPEN311_DEFINITION_DUPLICATE_CODE",
            Self::DuplicateOrder(_) => "OPEN311_DEFINITION_DUPLICATE_ORDER",
            Self::NoValues(_) => "OPEN311_DEFINITION_NO_VALUES",
            Self::DuplicateKey { .. } => "OPEN311_DEFINITION_DUPLICATE_KEY",
            Self::RequiredNotVariable(_) => "OPEN311_DEFINITION_REQUIRED_NOT_VARIABLE",
        }
    }
}

/// The extra fields of one service (GET Service Definition); consistent once built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDefinition {
    service_code: ServiceCode,
    attributes: Vec<Attribute>,
}

impl ServiceDefinition {
    /// A definition whose attributes have distinct codes and orders, lists with
    /// distinct, non-empty options, and no required attribute that is not variable.
    /// Attributes are kept as given; `order` tells the client how to sort them.
    pub fn new(
        service_code: ServiceCode,
        attributes: Vec<Attribute>,
    ) -> Result<ServiceDefinition, DefinitionError> {
        let mut codes = HashSet::new();
        let mut orders = HashSet::new();
        for a in &attributes {
            let code = a.code.as_str();
            if !codes.insert(code) {
                return Err(DefinitionError::DuplicateCode(code.to_owned()));
            }
            if !orders.insert(a.order) {
                return Err(DefinitionError::DuplicateOrder(a.order.get()));
            }
            if a.required && !a.variable {
                return Err(DefinitionError::RequiredNotVariable(code.to_owned()));
            }
            if let Some(values) = a.datatype.values() {
                if values.is_empty() {
                    return Err(DefinitionError::NoValues(code.to_owned()));
                }
                let mut keys = HashSet::new();
                if let Some(v) = values.iter().find(|v| !keys.insert(v.key.as_str())) {
                    return Err(DefinitionError::DuplicateKey {
                        code: code.to_owned(),
                        key: v.key.clone(),
                    });
                }
            }
        }
        Ok(ServiceDefinition {
            service_code,
            attributes,
        })
    }

    /// The service the definition belongs to.
    pub fn service_code(&self) -> &ServiceCode {
        &self.service_code
    }

    /// Its attributes.
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }

    pub(crate) fn to_node(&self) -> Node {
        Node::Record(vec![
            ("service_code", Node::text(self.service_code.as_str())),
            (
                "attributes",
                Node::List(
                    "attribute",
                    self.attributes.iter().map(Attribute::to_node).collect(),
                ),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> ServiceCode {
        ServiceCode::parse(text).unwrap()
    }

    #[test]
    fn definitions_that_contradict_themselves_are_refused() {
        let attribute = |c: &str, order: u32, datatype: Datatype| Attribute {
            variable: true,
            code: AttributeCode::parse(c).unwrap(),
            datatype,
            required: false,
            datatype_description: None,
            order: NonZeroU32::new(order).unwrap(),
            description: String::new(),
        };
        let make = |attributes| ServiceDefinition::new(code("S"), attributes).map(|_| ());
        let value = |key: &str| AttributeValue {
            key: key.into(),
            name: key.into(),
        };
        let e = make(vec![
            attribute("a", 1, Datatype::Text),
            attribute("a", 2, Datatype::Text),
        ]);
        assert_eq!(e, Err(DefinitionError::DuplicateCode("a".into())));
        let e = make(vec![
            attribute("a", 1, Datatype::Text),
            attribute("b", 1, Datatype::Text),
        ]);
        assert_eq!(e.unwrap_err().code(), "OPEN311_DEFINITION_DUPLICATE_ORDER");
        let e = make(vec![attribute("a", 1, Datatype::MultiValueList(vec![]))]);
        assert_eq!(e, Err(DefinitionError::NoValues("a".into())));
        let twice = Datatype::SingleValueList(vec![value("k"), value("k")]);
        let e = make(vec![attribute("a", 1, twice)]);
        assert_eq!(e.unwrap_err().code(), "OPEN311_DEFINITION_DUPLICATE_KEY");
        let mut info = attribute("a", 1, Datatype::Text);
        (info.variable, info.required) = (false, true);
        assert_eq!(
            make(vec![info]),
            Err(DefinitionError::RequiredNotVariable("a".into()))
        );
        assert!(
            make(vec![
                attribute("a", 2, Datatype::Text),
                attribute("b", 1, Datatype::Number)
            ])
            .is_ok()
        );
    }
}
