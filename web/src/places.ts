// The picker's tree of places (district → community → building → room) as Vant's
// Cascader options: what each level reads, the value that says which place an option
// is, and the pages of a long list followed to the end.
import type { Building, Community, Division, DwellingEntry } from './api/places'
import type { Lang } from './i18n'

export interface PlaceOption {
  text: string
  value: string
  /** Present (possibly empty, until loaded) on every level but the rooms. */
  children?: PlaceOption[]
}

export type Place =
  | { kind: 'division'; division: string }
  | { kind: 'community'; community: string }
  | { kind: 'building'; community: string; building: string }
  | { kind: 'dwelling'; unitCode: string }

// Ids are letters, digits and `. _ -` (the API's patterns), so `|` separates safely.
const tags = { division: 'd', community: 'c', building: 'b', dwelling: 'u' } as const

/** The option value of a place. */
export function encodePlace(p: Place): string {
  switch (p.kind) {
    case 'division':
      return `${tags.division}|${p.division}`
    case 'community':
      return `${tags.community}|${p.community}`
    case 'building':
      return `${tags.building}|${p.community}|${p.building}`
    case 'dwelling':
      return `${tags.dwelling}|${p.unitCode}`
  }
}

/** The place an option value stands for, or null for anything else. */
export function decodePlace(value: string): Place | null {
  const [tag, a, b, ...rest] = value.split('|')
  if (!a || rest.length) return null
  if (tag === tags.division && b === undefined) return { kind: 'division', division: a }
  if (tag === tags.community && b === undefined) return { kind: 'community', community: a }
  if (tag === tags.building && b) return { kind: 'building', community: a, building: b }
  if (tag === tags.dwelling && b === undefined) return { kind: 'dwelling', unitCode: a }
  return null
}

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

export function divisionOption(d: Division, lang: Lang): PlaceOption {
  const text =
    lang === 'en'
      ? `${d.name_zh} (${d.division_code}) · ${grouped(d.dwellings)} homes`
      : `${d.name_zh} · ${grouped(d.dwellings)} 户`
  return { text, value: encodePlace({ kind: 'division', division: d.division_code }), children: [] }
}

export function communityOption(c: Community, lang: Lang): PlaceOption {
  const text =
    lang === 'en' ? `${c.community_id} · ${c.buildings} buildings` : `${c.community_id} · ${c.buildings} 栋`
  return { text, value: encodePlace({ kind: 'community', community: c.community_id }), children: [] }
}

/** A building's id without its community's prefix (`C410302-00000-B01` → `B01`). */
export function shortBuilding(community: string, building: string): string {
  const prefix = `${community}-`
  return building.startsWith(prefix) && building.length > prefix.length ? building.slice(prefix.length) : building
}

export function buildingOption(community: string, b: Building, lang: Lang): PlaceOption {
  const name = shortBuilding(community, b.building_id)
  const text = lang === 'en' ? `${name} · ${b.storeys} storeys` : `${name} · ${b.storeys} 层`
  return {
    text,
    value: encodePlace({ kind: 'building', community, building: b.building_id }),
    children: [],
  }
}

export function dwellingOption(d: DwellingEntry, lang: Lang): PlaceOption {
  const text =
    lang === 'en'
      ? `Room ${d.room} · floor ${d.floor} · ${d.area_m2} m²`
      : `${d.room} 室 · ${d.floor} 层 · ${d.area_m2} 平方米`
  return { text, value: encodePlace({ kind: 'dwelling', unitCode: d.unit_code }) }
}

/** At most this many pages of one list are read (50,000 entries at the API's 500). */
export const MAX_PAGES = 100

/**
 * Every item of a paged list: `load(after)` answers a page, `items` its entries; the
 * next page starts after the page's `next_after`, until a page has none.
 */
export async function allPages<P extends { next_after?: string | null }, T>(
  load: (after?: string) => Promise<P>,
  items: (page: P) => T[],
  maxPages = MAX_PAGES,
): Promise<T[]> {
  const out: T[] = []
  let after: string | undefined
  for (let i = 0; i < maxPages; i++) {
    const page = await load(after)
    out.push(...items(page))
    if (!page.next_after) return out
    after = page.next_after
  }
  return out
}
