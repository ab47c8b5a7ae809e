// What an enterprise's phone reads and does: its code's landing (checkin), the
// policies it enjoys and its dividend bill (tax), its complaints and their progress
// (complaints), typed from the functions' OpenAPI documents.
import type { paths as checkin } from './generated/checkin'
import type { paths as complaints } from './generated/complaints'
import type { paths as tax } from './generated/tax'
import { call } from './http'

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never

export type Landing = Json<checkin['/api/checkin/landing/{token}']['get']['responses'][200]>
export type Code = Json<checkin['/api/checkin/enterprises/{cc}/code']['get']['responses'][200]>
export type Policies = Json<tax['/api/tax/enterprises/{credit_code}/policies']['get']['responses'][200]>
export type Bill = Json<tax['/api/tax/enterprises/{credit_code}/dividend-bill']['get']['responses'][200]>
export type CaseView = Json<complaints['/api/complaints/cases/{id}']['get']['responses'][200]>
export type CaseList = Json<complaints['/api/complaints/cases']['get']['responses'][200]>
export type Filing = complaints['/api/complaints/cases']['post']['requestBody']['content']['application/json']
export type Action = complaints['/api/complaints/cases/{id}/actions']['post']['requestBody']['content']['application/json']
export type SlotAnswer = Json<complaints['/api/complaints/cases/{id}/attachments/slots']['post']['responses'][201]>

const seg = encodeURIComponent

/** The enterprise's current code (its own users). */
export function code(creditCode: string): Promise<Code> {
  return call<Code>('GET', `/api/checkin/enterprises/${seg(creditCode)}/code`)
}

/** What the code opens: the enterprise, its policies (its own users), complaints. */
export function landing(token: string): Promise<Landing> {
  return call<Landing>('GET', `/api/checkin/landing/${seg(token)}`)
}

/** The policies the enterprise enjoys, and why. */
export function policies(creditCode: string): Promise<Policies> {
  return call<Policies>('GET', `/api/tax/enterprises/${seg(creditCode)}/policies`)
}

/** What the enterprise saved per policy between two dates (inclusive). */
export function dividendBill(creditCode: string, from: string, until: string): Promise<Bill> {
  return call<Bill>('GET', `/api/tax/enterprises/${seg(creditCode)}/dividend-bill`, { query: { from, until } })
}

/** Files a complaint; `key` makes a retried filing answer the first. */
export function fileCase(filing: Filing, key: string): Promise<CaseView> {
  return call<CaseView>('POST', '/api/complaints/cases', { body: filing, headers: { 'Idempotency-Key': key } })
}

/** The caller's cases, newest first. */
export function cases(): Promise<CaseList> {
  return call<CaseList>('GET', '/api/complaints/cases', { query: { limit: '50' } })
}

/** One case: where it stands, its deadlines and what the caller may do. */
export function caseView(id: string): Promise<CaseView> {
  return call<CaseView>('GET', `/api/complaints/cases/${seg(id)}`)
}

/** Applies an action (for an enterprise: its feedback on the answer); the fields
 * another action needs are left out. */
export function act(id: string, action: Pick<Action, 'action'> & Partial<Action>): Promise<CaseView> {
  return call<CaseView>('POST', `/api/complaints/cases/${seg(id)}/actions`, { body: action })
}

/** The complaint categories of the public catalogue (Open311 services). */
export interface Category {
  service_code: string
  service_name: string
  group?: string
}
export function categories(): Promise<Category[]> {
  return call<Category[]>('GET', '/api/complaints/open311/v2/services.json')
}
