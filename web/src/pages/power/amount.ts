// Amounts a customer types in yuan become integer fen without floating point;
// energy in Wh is shown in kWh the same way.

/** `"12.3"` → `1230` fen; `null` unless 0.01–10,000.00 yuan with at most two decimals. */
export function fenOf(yuanText: string): number | null {
  const m = /^(\d{1,5})(?:\.(\d{1,2}))?$/.exec(yuanText.trim())
  if (!m) return null
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return fen >= 1 && fen <= 1_000_000 ? fen : null
}

/** `1234` Wh → `"1.234"` kWh. */
export function kwh(wh: number): string {
  if (!Number.isSafeInteger(wh) || wh < 0) throw new RangeError(`not an amount of Wh: ${wh}`)
  return `${Math.floor(wh / 1000)}.${String(wh % 1000).padStart(3, '0')}`
}
