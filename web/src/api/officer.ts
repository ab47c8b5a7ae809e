// The check-in function's API as an officer uses it (scan to enter, check out, his
// agency's inspections), typed from its OpenAPI document.
import type { paths } from './generated/checkin'
import { call } from './http'

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never

export type Inspection = Json<paths['/api/checkin/scans']['post']['responses'][201]>
export type Waiting = Json<paths['/api/checkin/scans']['post']['responses'][202]>
export type ScanPlan = paths['/api/checkin/scans']['post']['requestBody']['content']['application/json']
export type Landing = Json<paths['/api/checkin/landing/{token}']['get']['responses'][200]>
export type Agency = Json<paths['/api/checkin/agencies/{agency}']['get']['responses'][200]>
export type InspectionPage = Json<paths['/api/checkin/inspections']['get']['responses'][200]>
export type Outcome = 'no_issues' | 'rectification_ordered' | 'case_filed'

/** Whether a scan's answer is the first officer's, waiting for a second. */
export function isWaiting(answer: Inspection | Waiting): answer is Waiting {
  return (answer as Waiting).status === 'waiting'
}

/** What a scanned code opens: the enterprise it names. */
export function landing(token: string): Promise<Landing> {
  return call<Landing>('GET', `/api/checkin/landing/${encodeURIComponent(token)}`)
}

/** What the officer's agency publishes: its items and campaigns. */
export function agency(id: string): Promise<Agency> {
  return call<Agency>('GET', `/api/checkin/agencies/${encodeURIComponent(id)}`)
}

/** Scan to enter; `key` makes a retried scan answer the first answer again. */
export function scan(plan: ScanPlan, key: string): Promise<Inspection | Waiting> {
  return call<Inspection | Waiting>('POST', '/api/checkin/scans', { body: plan, headers: { 'Idempotency-Key': key } })
}

/** Check out of an inspection with its outcome. */
export function leave(id: string, outcome: Outcome, resultNote: string, followUp: string): Promise<Inspection> {
  return call<Inspection>('POST', `/api/checkin/inspections/${encodeURIComponent(id)}/leave`, {
    body: { outcome, result_note: resultNote, follow_up: followUp },
  })
}

/** The agency's inspections, newest first (optionally one enterprise's). */
export function inspections(enterprise?: string): Promise<InspectionPage> {
  return call<InspectionPage>('GET', '/api/checkin/inspections', { query: { enterprise, limit: '50' } })
}
