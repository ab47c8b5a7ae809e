// The valuation register's places, for finding a dwelling by pickers (district →
// community → building → room), typed from the valuation function's OpenAPI document.
import type { paths } from './generated/valuation'
import { call } from './http'

type Ok<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer T } } } } }
  ? T
  : never

export type DivisionList = Ok<'/api/valuation/divisions'>
export type CommunityPage = Ok<'/api/valuation/divisions/{division_code}/communities'>
export type BuildingPage = Ok<'/api/valuation/communities/{community_id}/buildings'>
export type DwellingPage = Ok<'/api/valuation/communities/{community_id}/buildings/{building_id}/dwellings'>

export type Division = DivisionList['divisions'][number]
export type Community = CommunityPage['communities'][number]
export type Building = BuildingPage['buildings'][number]
export type DwellingEntry = DwellingPage['dwellings'][number]

const base = '/api/valuation'
const seg = encodeURIComponent

/** The districts that hold dwellings. */
export function listDivisions(): Promise<DivisionList> {
  return call<DivisionList>('GET', `${base}/divisions`)
}

/** One page of a district's communities, after `after`. */
export function listCommunities(division: string, after?: string): Promise<CommunityPage> {
  return call<CommunityPage>('GET', `${base}/divisions/${seg(division)}/communities`, { query: { after } })
}

/** One page of a community's buildings, after `after`. */
export function listBuildings(community: string, after?: string): Promise<BuildingPage> {
  return call<BuildingPage>('GET', `${base}/communities/${seg(community)}/buildings`, { query: { after } })
}

/** One page of a building's dwellings, after unit number `after`. */
export function listDwellings(community: string, building: string, after?: string): Promise<DwellingPage> {
  return call<DwellingPage>('GET', `${base}/communities/${seg(community)}/buildings/${seg(building)}/dwellings`, {
    query: { after },
  })
}
