import { describe, expect, it } from 'vitest'
import { yuan } from './money'

describe('yuan', () => {
  it('shows fen as yuan with grouping and two decimals, exactly', () => {
    expect(yuan(0)).toBe('0.00')
    expect(yuan(5)).toBe('0.05')
    expect(yuan(123456789)).toBe('1,234,567.89')
    expect(yuan(-1050)).toBe('-10.50')
    expect(yuan(Number.MAX_SAFE_INTEGER)).toBe('90,071,992,547,409.91')
  })
  it('refuses what is not an integer amount of fen', () => {
    expect(() => yuan(0.1 + 0.2)).toThrow(RangeError)
    expect(() => yuan(Number.NaN)).toThrow(RangeError)
  })
})
