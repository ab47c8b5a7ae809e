// The tax function's transfer-tax assessments, typed from its OpenAPI document.
import type { components, paths } from './generated/tax'
import { call } from './http'

type Create = paths['/api/tax/assessments']['post']
export type AssessmentRequest = Create['requestBody'] extends { content: { 'application/json': infer T } } ? T : never
export type TaxAssessment = Create['responses'][201]['content']['application/json']
export type TaxKind = components['schemas']['TaxKind']
export type TaxLine = components['schemas']['TaxLine']
export type Payer = components['schemas']['Payer']

/** Assesses (and stores) the taxes of a signed contract; `key` makes a retry safe. */
export function createTaxAssessment(body: AssessmentRequest, key: string): Promise<TaxAssessment> {
  return call<TaxAssessment>('POST', '/api/tax/assessments', { body, headers: { 'Idempotency-Key': key } })
}
