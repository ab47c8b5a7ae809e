import { describe, expect, it } from 'vitest'
import {
  allPages,
  buildingOption,
  decodePlace,
  divisionOption,
  dwellingOption,
  encodePlace,
  shortBuilding,
  type Place,
} from './places'

describe('place values', () => {
  it('say which place an option is, and back', () => {
    const places: Place[] = [
      { kind: 'division', division: '410302' },
      { kind: 'community', community: 'C410302-00000' },
      { kind: 'building', community: 'C410302-00000', building: 'C410302-00000-B01' },
      { kind: 'dwelling', unitCode: '410302001001GB00001F00010101' },
    ]
    for (const p of places) expect(decodePlace(encodePlace(p))).toEqual(p)
    expect(new Set(places.map(encodePlace)).size).toBe(places.length)
  })

  it('are nothing when malformed', () => {
    for (const v of ['', '410302', 'x|1', 'd|', 'b|C1', 'd|1|2', 'u|a|b|c']) expect(decodePlace(v)).toBeNull()
  })
})

describe('options', () => {
  it('read as a person says them, in either language', () => {
    const d = divisionOption({ division_code: '410302', name_zh: '老城区', dwellings: 1234 }, 'zh-CN')
    expect(d.text).toBe('老城区 · 1,234 户')
    expect(d.children).toEqual([])
    expect(divisionOption({ division_code: '410302', name_zh: '老城区', dwellings: 5 }, 'en').text).toBe(
      '老城区 (410302) · 5 homes',
    )
    const b = buildingOption('C1', { building_id: 'C1-B02', storeys: 18, dwellings: 72 }, 'zh-CN')
    expect(b.text).toBe('B02 · 18 层')
    expect(decodePlace(b.value)).toEqual({ kind: 'building', community: 'C1', building: 'C1-B02' })
    const room = { unit_code: '410302001001GB00001F00010101', floor: 1, room: '101', area_m2: '89.50' }
    expect(dwellingOption(room, 'zh-CN').text).toBe('101 室 · 1 层 · 89.50 平方米')
    expect(dwellingOption(room, 'en').text).toBe('Room 101 · floor 1 · 89.50 m²')
    expect(dwellingOption(room, 'en').children).toBeUndefined()
  })

  it('shorten a building only by its own community', () => {
    expect(shortBuilding('C1', 'C1-B01')).toBe('B01')
    expect(shortBuilding('C1', 'C2-B01')).toBe('C2-B01')
    expect(shortBuilding('C1', 'C1-')).toBe('C1-')
  })
})

describe('allPages', () => {
  const pages: Record<string, { items: number[]; next_after: string | null }> = {
    '': { items: [1, 2], next_after: 'b' },
    b: { items: [3, 4], next_after: 'd' },
    d: { items: [5], next_after: null },
  }

  it('follows next_after to the last page', async () => {
    const asked: (string | undefined)[] = []
    const all = await allPages(
      async (after?: string) => {
        asked.push(after)
        const page = pages[after ?? '']
        if (!page) throw new Error(`no page after ${after}`)
        return page
      },
      (p) => p.items,
    )
    expect(all).toEqual([1, 2, 3, 4, 5])
    expect(asked).toEqual([undefined, 'b', 'd'])
  })

  it('stops after the most pages it may read', async () => {
    let calls = 0
    const all = await allPages(
      async () => {
        calls++
        return { items: [calls], next_after: 'again' }
      },
      (p) => p.items,
      3,
    )
    expect(all).toEqual([1, 2, 3])
    expect(calls).toBe(3)
  })
})
