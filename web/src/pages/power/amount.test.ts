import { describe, expect, it } from 'vitest'
import { fenOf, kwh } from './amount'

describe('fenOf', () => {
  it('reads yuan as integer fen', () => {
    expect(fenOf('20')).toBe(2000)
    expect(fenOf(' 12.3 ')).toBe(1230)
    expect(fenOf('0.01')).toBe(1)
    expect(fenOf('0.29')).toBe(29)
    expect(fenOf('10000.00')).toBe(1_000_000)
  })
  it('refuses what the API would refuse, and what is no amount', () => {
    for (const bad of ['', '0', '0.00', '10000.01', '1.234', '-5', '1e3', 'abc', '1,000', '.5']) {
      expect(fenOf(bad), bad).toBeNull()
    }
  })
})

describe('kwh', () => {
  it('shows Wh as kWh with three decimals', () => {
    expect(kwh(0)).toBe('0.000')
    expect(kwh(5)).toBe('0.005')
    expect(kwh(1234)).toBe('1.234')
    expect(kwh(12_000)).toBe('12.000')
  })
  it('throws on what is no amount', () => {
    expect(() => kwh(-1)).toThrow(RangeError)
    expect(() => kwh(0.5)).toThrow(RangeError)
  })
})
