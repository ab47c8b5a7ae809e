// The transfer-tax screen's rules that are not layout: reading a price typed in yuan
// as integer fen (never through a float), rates in parts per million as percentages,
// the verified ID number the sign-in token carries, and the contract the tax API takes.

/** `"1,200,000.5"` yuan → `120000050` fen; null when it is not an amount of money. */
export function fenOfYuan(text: string): number | null {
  const m = /^\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$/.exec(text)
  if (!m || m[1] === undefined) return null
  const whole = Number(m[1].replace(/,/g, ''))
  const cents = Number((m[2] ?? '').padEnd(2, '0'))
  const fen = whole * 100 + cents
  return Number.isSafeInteger(fen) ? fen : null
}

/** `30000` ppm → `"3%"`, `12500` → `"1.25%"`, `5` → `"0.0005%"`. */
export function percentOfPpm(ppm: number): string {
  if (!Number.isSafeInteger(ppm)) throw new RangeError(`not a rate in ppm: ${ppm}`)
  const sign = ppm < 0 ? '-' : ''
  const abs = Math.abs(ppm)
  const whole = Math.floor(abs / 10_000)
  const frac = String(abs % 10_000).padStart(4, '0').replace(/0+$/, '')
  return `${sign}${whole}${frac ? `.${frac}` : ''}%`
}

/** The ID number the identity provider verified, from the token's `id_number` claim. */
export function verifiedIdNumber(jwt: string | null): string | null {
  const part = jwt?.split('.')[1]
  if (!part) return null
  try {
    const c = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
    return typeof c.id_number === 'string' ? c.id_number : null
  } catch {
    return null
  }
}

/** Today in China Standard Time (UTC+8), `YYYY-MM-DD`: the day contracts are dated. */
export function todayInChina(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

export type Location = 'city' | 'county' | 'other'

/** What the citizen enters (the buyer is the signed-in citizen). */
export interface TaxForm {
  unitCode: string
  priceYuan: string
  areaM2: string
  contractDate: string
  location: Location
  spouseIdNumber: string
  sellerIdNumber: string
  sellerName: string
  certificateDate: string
  familyOnlyHome: boolean
  homesOwned: number
}

/** The buyer: the signed-in citizen, with the verified ID number. */
export interface Buyer {
  account: string
  idNumber: string
}

/** A field the citizen must fix before asking. */
export type FormProblem = 'price' | 'seller' | 'certificateDate' | 'contractDate'

/**
 * The `POST /api/tax/assessments` body for the form, or the first field to fix. The
 * buyer's pledge of the family's homes goes with it: the API uses it only when the
 * housing registry has no answer for the family.
 */
export function contractOf(
  f: TaxForm,
  buyer: Buyer,
): { ok: true; body: Record<string, unknown> } | { ok: false; field: FormProblem } {
  const price = fenOfYuan(f.priceYuan)
  if (price === null || price <= 0) return { ok: false, field: 'price' }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.contractDate)) return { ok: false, field: 'contractDate' }
  if (!f.sellerIdNumber.trim()) return { ok: false, field: 'seller' }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.certificateDate)) return { ok: false, field: 'certificateDate' }
  const spouse = f.spouseIdNumber.trim().toUpperCase()
  return {
    ok: true,
    body: {
      unit_code: f.unitCode,
      contract_price_fen: price,
      area_m2: f.areaM2.trim(),
      contract_date: f.contractDate,
      usage: 'residential',
      location: f.location,
      buyer: {
        id_number: buyer.idNumber,
        account: buyer.account,
        ...(spouse ? { spouse_id_number: spouse } : {}),
      },
      seller: {
        id_number: f.sellerIdNumber.trim().toUpperCase(),
        ...(f.sellerName.trim() ? { name: f.sellerName.trim() } : {}),
        facts: { certificate_date: f.certificateDate, family_only_home: f.familyOnlyHome },
      },
      pledge: { signed_by: buyer.idNumber, signed_on: f.contractDate, homes_owned: f.homesOwned },
    },
  }
}
