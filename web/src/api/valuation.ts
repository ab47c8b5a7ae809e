// The valuation function's API, typed from its OpenAPI document.
import type { components, paths } from './generated/valuation'
import { call } from './http'

export type AssessmentView =
  paths['/api/valuation/units/{unit_code}']['get']['responses'][200]['content']['application/json']
export type Dimension = components['schemas']['Dimension']
export type BasePriceLevel = components['schemas']['BasePriceLevel']

/** The assessed price of a registered dwelling on a date (today when absent). */
export function unitAssessment(unitCode: string, date?: string, signal?: AbortSignal): Promise<AssessmentView> {
  return call<AssessmentView>('GET', `/api/valuation/units/${encodeURIComponent(unitCode)}`, {
    query: { date },
    signal,
  })
}
