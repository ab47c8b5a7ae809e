// Money arrives in integer fen (分); it is shown in yuan without ever becoming a
// float, so 0.1 + 0.2 never shows up on a bill.

/** `123456789` fen → `"1,234,567.89"`. Throws on a non-integer. */
export function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`)
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  const whole = Math.floor(abs / 100)
  const cents = abs % 100
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}${grouped}.${String(cents).padStart(2, '0')}`
}
