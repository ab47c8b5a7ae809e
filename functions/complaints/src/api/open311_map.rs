//! The catalogue and the ledger as Open311 sees them: categories as services, cases
//! as public service requests — no enterprise identity, no description.

use super::party::catalogue;
use yingshang_core::complaints::CaseState;
use yingshang_core::open311::{
    RequestId, Service, ServiceCode, ServiceRequest, ServiceType, Status,
};

/// The catalogue's categories as Open311 services.
pub fn services() -> Vec<Service> {
    let c = catalogue();
    c.categories()
        .iter()
        .filter_map(|cat| {
            Some(Service {
                service_code: ServiceCode::parse(cat.code.as_str()).ok()?,
                service_name: cat.name_zh.clone(),
                description: Some(cat.name_en.clone()),
                metadata: false,
                r#type: ServiceType::Realtime,
                keywords: vec![cat.group.clone()],
                group: c
                    .groups()
                    .iter()
                    .find(|g| g.code == cat.group)
                    .map(|g| g.name_zh.clone()),
            })
        })
        .collect()
}

/// A case as a public service request: no enterprise, no description.
pub fn public(case: &CaseState) -> Option<ServiceRequest> {
    let c = catalogue();
    let category = c.category_by_code(&case.category)?;
    let closed = case.status.is_final();
    let updated = [
        case.closed_at,
        case.decision.as_ref().map(|d| d.at),
        case.replies.last().map(|r| r.at),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(case.received_at);
    Some(ServiceRequest {
        service_request_id: RequestId::parse(case.id.as_str()).ok()?,
        status: if closed { Status::Closed } else { Status::Open },
        status_notes: Some(case.status.name_zh().to_owned()),
        service_name: category.name_zh.clone(),
        service_code: ServiceCode::parse(case.category.as_str()).ok()?,
        description: None,
        agency_responsible: case
            .lead
            .as_ref()
            .and_then(|d| c.department_by_code(d))
            .map(|d| d.name_zh.clone()),
        service_notice: None,
        requested_datetime: case.received_at,
        updated_datetime: updated.max(case.received_at),
        expected_datetime: None,
        address: None,
        address_id: None,
        zipcode: None,
        coordinates: None,
        media_url: None,
    })
}
