//! Every GeoReport v2 answer, in the format the path asked for. The root elements
//! are the spec's: `discovery`, `services`, `service_definition`, `service_requests`
//! (for requests, the POST receipt and the token lookup alike) and `errors`.

use super::discovery::Discovery;
use super::error::Open311Error;
use super::format::Format;
use super::request::{Receipt, ServiceRequest, TokenLookup};
use super::service::{Service, ServiceDefinition};
use super::spark::{Node, render};

/// GET discovery: `<discovery>…</discovery>`, a JSON object.
pub fn render_discovery(discovery: &Discovery, format: Format) -> String {
    render("discovery", &discovery.to_node(), format)
}

/// GET Service List: `<services><service>…</service></services>`, a JSON array.
pub fn render_services(services: &[Service], format: Format) -> String {
    let items = services.iter().map(Service::to_node).collect();
    render("services", &Node::List("service", items), format)
}

/// GET Service Definition: `<service_definition>…</service_definition>`, a JSON object.
pub fn render_service_definition(definition: &ServiceDefinition, format: Format) -> String {
    render("service_definition", &definition.to_node(), format)
}

/// GET Service Requests and GET Service Request (a list of one):
/// `<service_requests><request>…</request></service_requests>`, a JSON array.
pub fn render_requests(requests: &[ServiceRequest], format: Format) -> String {
    let items = requests.iter().map(ServiceRequest::to_node).collect();
    render("service_requests", &Node::List("request", items), format)
}

/// POST Service Request: the receipt as a list of one `request`, as the spec writes it.
pub fn render_receipt(receipt: &Receipt, format: Format) -> String {
    let items = vec![receipt.to_node()];
    render("service_requests", &Node::List("request", items), format)
}

/// GET service_request_id from a token: a list of one `request`.
pub fn render_token_lookup(lookup: &TokenLookup, format: Format) -> String {
    let items = vec![lookup.to_node()];
    render("service_requests", &Node::List("request", items), format)
}

/// An error answer: `<errors><error><code/><description/></error></errors>`, a JSON
/// array. The spec allows several errors in one answer.
pub fn render_errors(errors: &[Open311Error], format: Format) -> String {
    let items = errors
        .iter()
        .map(|e| {
            Node::Record(vec![
                ("code", Node::Int(u64::from(e.code))),
                ("description", Node::text(&e.description)),
            ])
        })
        .collect();
    render("errors", &Node::List("error", items), format)
}
