// The operator dashboard's reads, typed from the functions' OpenAPI documents:
// valuation coverage and jobs, power per site (agency staff), the complaints monthly analysis and
// case list, and the check-in monthly statistics.
import type { components as checkin, paths as checkinPaths } from './generated/checkin'
import type { components as complaints, paths as complaintsPaths } from './generated/complaints'
import type { paths as powerPaths } from './generated/power'
import type { paths as valuationPaths } from './generated/valuation'
import { call } from './http'

export type CoverageView =
  valuationPaths['/api/valuation/dashboard/coverage']['get']['responses'][200]['content']['application/json']
export type JobsView =
  valuationPaths['/api/valuation/dashboard/jobs']['get']['responses'][200]['content']['application/json']
export type MonthlyReport = complaints['schemas']['MonthlyReport']
export type CaseList = complaints['schemas']['CaseList']
export type CaseStatus = complaints['schemas']['Status']
export type InspectionStats = checkin['schemas']['MonthlyAnswer']
export type SitesView =
  powerPaths['/api/power/dashboard/sites']['get']['responses'][200]['content']['application/json']

/** Dwellings registered and assessed per district. */
export function coverage(signal?: AbortSignal): Promise<CoverageView> {
  return call<CoverageView>('GET', '/api/valuation/dashboard/coverage', { signal })
}

/** The newest runs and imports the caller may see, optionally only running or finished ones. */
export function jobs(status?: 'running' | 'finished', signal?: AbortSignal): Promise<JobsView> {
  return call<JobsView>('GET', '/api/valuation/dashboard/jobs', { query: { status }, signal })
}

/** The complaints analysis of a month (the supervising office). */
export function complaintsMonthly(month: string, signal?: AbortSignal): Promise<MonthlyReport> {
  return call<MonthlyReport>('GET', '/api/complaints/analysis/monthly', { query: { month }, signal })
}

/** The cases the caller may see, newest first, optionally in one status. */
export function cases(status?: CaseStatus, signal?: AbortSignal): Promise<CaseList> {
  return call<CaseList>('GET', '/api/complaints/cases', { query: { status, limit: '20' }, signal })
}

/** A month's inspection statistics per agency. */
export function inspections(month: string, signal?: AbortSignal): Promise<InspectionStats> {
  return call<InspectionStats>('GET', '/api/checkin/stats/monthly', { query: { month }, signal })
}

/** Uses, energy and revenue per site over the last 30 days (the API's default span). */
export function powerSites(signal?: AbortSignal): Promise<SitesView> {
  return call<SitesView>('GET', '/api/power/dashboard/sites', { signal })
}

// The paths above exist in the documents (a removed route fails `vue-tsc` here).
export type _Paths = [
  complaintsPaths['/api/complaints/cases']['get'],
  checkinPaths['/api/checkin/stats/monthly']['get'],
]
