// Data shaping for the operator dashboard: what the APIs answer → what the charts,
// their text alternatives and the progress bars show. Pure, so Vitest checks it.

/** How one deadline kind was kept (the complaints analysis' `OnTime`). */
export interface OnTimeLike {
  met: number
  late: number
}

/** `met / (met + late)` over every deadline kind, in ‰ (rounded down); null when nothing is judged yet. */
export function onTimePermille(onTime: Record<string, OnTimeLike | undefined> | undefined): number | null {
  let met = 0
  let judged = 0
  for (const k of Object.values(onTime ?? {})) {
    if (!k) continue
    met += k.met
    judged += k.met + k.late
  }
  return judged > 0 ? Math.floor((met * 1000) / judged) : null
}

/** 666 ‰ → `66.6%`; none → `—`. */
export function percentText(permille: number | null | undefined): string {
  return permille == null ? '—' : `${(permille / 10).toFixed(1)}%`
}

/** ‰ → a chart value in percent (none → 0, so the bar is empty). */
export function percentValue(permille: number | null | undefined): number {
  return permille == null ? 0 : permille / 10
}

/** The `n` months up to and including the month of `now` in China Standard Time, oldest first (`YYYY-MM`). */
export function lastMonths(now: Date, n: number): string[] {
  const cst = new Date(now.getTime() + 8 * 3600 * 1000)
  let year = cst.getUTCFullYear()
  let month = cst.getUTCMonth() + 1
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    out.unshift(`${year}-${String(month).padStart(2, '0')}`)
    month -= 1
    if (month === 0) {
      month = 12
      year -= 1
    }
  }
  return out
}

/** One month of inspection statistics (the check-in `MonthlyAnswer`, as far as used). */
export interface InspectionMonth {
  month: string
  agencies: { agency: string; inspections: number }[]
}

/** Inspections per agency per month: the agencies seen in any month (sorted), one value per month each. */
export function inspectionSeries(months: InspectionMonth[]): { months: string[]; agencies: { agency: string; data: number[] }[] } {
  const names = [...new Set(months.flatMap((m) => m.agencies.map((a) => a.agency)))].sort()
  return {
    months: months.map((m) => m.month),
    agencies: names.map((agency) => ({
      agency,
      data: months.map((m) => m.agencies.find((a) => a.agency === agency)?.inspections ?? 0),
    })),
  }
}

/** A run's progress in whole percent: finished is 100; otherwise processed of total, rounded down. */
export function runProgress(run: { status: string; processed: number; total: number }): number {
  if (run.status === 'finished') return 100
  return clampPercent(run.processed, run.total)
}

/** An import's progress in whole percent: applied or rejected is 100; otherwise rows staged of rows. */
export function importProgress(imp: { status: string; rows_staged: number; rows_total: number }): number {
  if (imp.status !== 'received') return 100
  return clampPercent(imp.rows_staged, imp.rows_total)
}

function clampPercent(done: number, total: number): number {
  if (total <= 0) return 0
  return Math.max(0, Math.min(99, Math.floor((done * 100) / total)))
}

/** Whether any listed job still runs (the page keeps polling while one does). */
export function anyRunning(jobs: { runs: { status: string }[]; imports: { status: string }[] }): boolean {
  return jobs.runs.some((r) => r.status === 'running') || jobs.imports.some((i) => i.status === 'received')
}

/** Wh → kWh with one decimal, rounded down, without floats: `1250` → `1.2`. */
export function kwhText(wh: number): string {
  const w = Math.max(0, Math.floor(wh))
  return `${Math.floor(w / 1000)}.${Math.floor((w % 1000) / 100)}`
}
