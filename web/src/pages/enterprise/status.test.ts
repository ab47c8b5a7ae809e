import { describe, expect, it } from 'vitest'
import { STEPS, stepOf, tagType } from './status'

describe('stepOf', () => {
  it('follows the loop in order', () => {
    STEPS.forEach((s, i) => expect(stepOf(s)).toBe(i))
  })
  it('puts a refused case at acceptance and a reopened one back with the lead', () => {
    expect(STEPS[stepOf('refused')]).toBe('accepted')
    expect(STEPS[stepOf('reopened')]).toBe('assigned')
    expect(stepOf('something-new')).toBe(0)
  })
  it('marks what waits for the enterprise', () => {
    expect(tagType('replied')).toBe('warning')
    expect(tagType('refused')).toBe('danger')
    expect(tagType('closed')).toBe('success')
    expect(tagType('assigned')).toBe('primary')
  })
})
