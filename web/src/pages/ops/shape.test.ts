import { describe, expect, it } from 'vitest'
import {
  anyRunning,
  importProgress,
  inspectionSeries,
  kwhText,
  lastMonths,
  onTimePermille,
  percentText,
  percentValue,
  runProgress,
} from './shape'

describe('dashboard shaping', () => {
  it('sums every deadline kind into one on-time rate, pending cases not judged', () => {
    expect(onTimePermille({ accept: { met: 2, late: 0 }, close: { met: 0, late: 1 } })).toBe(666)
    expect(onTimePermille({})).toBeNull()
    expect(onTimePermille(undefined)).toBeNull()
    expect(onTimePermille({ close: { met: 0, late: 0 } })).toBeNull()
  })

  it('shows rates as percent with one decimal, none as a dash', () => {
    expect(percentText(666)).toBe('66.6%')
    expect(percentText(1000)).toBe('100.0%')
    expect(percentText(null)).toBe('—')
    expect(percentValue(null)).toBe(0)
    expect(percentValue(250)).toBe(25)
  })

  it('counts months back in China Standard Time across a year', () => {
    // 2026-01-31 20:00 UTC is already February 1st in Beijing.
    expect(lastMonths(new Date('2026-01-31T20:00:00Z'), 3)).toEqual(['2025-12', '2026-01', '2026-02'])
    expect(lastMonths(new Date('2026-01-15T00:00:00Z'), 2)).toEqual(['2025-12', '2026-01'])
  })

  it('lines inspections up per agency and month, zero where an agency had none', () => {
    const s = inspectionSeries([
      { month: '2026-10', agencies: [{ agency: 'jy-market', inspections: 2 }] },
      { month: '2026-11', agencies: [] },
      { month: '2026-12', agencies: [{ agency: 'ly-tax', inspections: 1 }, { agency: 'jy-market', inspections: 5 }] },
    ])
    expect(s.months).toEqual(['2026-10', '2026-11', '2026-12'])
    expect(s.agencies).toEqual([
      { agency: 'jy-market', data: [2, 0, 5] },
      { agency: 'ly-tax', data: [0, 0, 1] },
    ])
  })

  it('reaches 100% only when a job is done', () => {
    expect(runProgress({ status: 'running', processed: 2000, total: 5000 })).toBe(40)
    expect(runProgress({ status: 'running', processed: 5000, total: 5000 })).toBe(99)
    expect(runProgress({ status: 'finished', processed: 5000, total: 5000 })).toBe(100)
    expect(runProgress({ status: 'running', processed: 0, total: 0 })).toBe(0)
    expect(importProgress({ status: 'received', rows_staged: 1, rows_total: 3 })).toBe(33)
    expect(importProgress({ status: 'rejected', rows_staged: 0, rows_total: 3 })).toBe(100)
    expect(anyRunning({ runs: [{ status: 'finished' }], imports: [{ status: 'applied' }] })).toBe(false)
    expect(anyRunning({ runs: [], imports: [{ status: 'received' }] })).toBe(true)
  })

  it('shows energy in kWh with one decimal, rounded down', () => {
    expect(kwhText(1000)).toBe('1.0')
    expect(kwhText(1299)).toBe('1.2')
    expect(kwhText(0)).toBe('0.0')
    expect(kwhText(123456)).toBe('123.4')
  })
})
