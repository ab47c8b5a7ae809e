import { describe, expect, it } from 'vitest'
import { contractOf, fenOfYuan, percentOfPpm, todayInChina, verifiedIdNumber, type TaxForm } from './taxForm'

describe('fenOfYuan', () => {
  it('reads yuan as integer fen, with or without grouping', () => {
    expect(fenOfYuan('1200000')).toBe(120_000_000)
    expect(fenOfYuan('1,200,000.5')).toBe(120_000_050)
    expect(fenOfYuan(' 0.07 ')).toBe(7)
    expect(fenOfYuan('19.99')).toBe(1999)
  })
  it('refuses what is not money', () => {
    for (const bad of ['', 'abc', '1.234', '-5', '1,20,000', '1e6', '12,', '99999999999999999999']) {
      expect(fenOfYuan(bad), bad).toBeNull()
    }
  })
})

describe('percentOfPpm', () => {
  it('shows a rate without trailing zeros', () => {
    expect(percentOfPpm(30_000)).toBe('3%')
    expect(percentOfPpm(12_500)).toBe('1.25%')
    expect(percentOfPpm(5)).toBe('0.0005%')
    expect(percentOfPpm(0)).toBe('0%')
    expect(percentOfPpm(1_000_000)).toBe('100%')
    expect(() => percentOfPpm(0.5)).toThrow(RangeError)
  })
})

describe('verifiedIdNumber', () => {
  const jwt = (claims: object) => `h.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.s`
  it('reads the id_number claim', () => {
    expect(verifiedIdNumber(jwt({ sub: 'dev-citizen', id_number: '410303198808080022' }))).toBe('410303198808080022')
  })
  it('is nothing without one', () => {
    expect(verifiedIdNumber(jwt({ sub: 'x' }))).toBeNull()
    expect(verifiedIdNumber(null)).toBeNull()
    expect(verifiedIdNumber('garbage')).toBeNull()
    expect(verifiedIdNumber('a.%%%.b')).toBeNull()
  })
})

describe('todayInChina', () => {
  it('is the date in UTC+8', () => {
    expect(todayInChina(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01')
    expect(todayInChina(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02')
  })
})

describe('contractOf', () => {
  const form: TaxForm = {
    unitCode: '410302001001GB00001F00010101',
    priceYuan: '1,200,000',
    areaM2: '89.50',
    contractDate: '2026-03-01',
    location: 'city',
    spouseIdNumber: '',
    sellerIdNumber: '410302197001090333',
    sellerName: ' 李四 ',
    certificateDate: '2020-03-01',
    familyOnlyHome: false,
    homesOwned: 0,
  }
  const buyer = { account: 'dev-citizen', idNumber: '410303198808080022' }

  it('is the contract with the signed-in buyer and the pledge', () => {
    const r = contractOf(form, buyer)
    expect(r).toEqual({
      ok: true,
      body: {
        unit_code: form.unitCode,
        contract_price_fen: 120_000_000,
        area_m2: '89.50',
        contract_date: '2026-03-01',
        usage: 'residential',
        location: 'city',
        buyer: { id_number: buyer.idNumber, account: 'dev-citizen' },
        seller: {
          id_number: '410302197001090333',
          name: '李四',
          facts: { certificate_date: '2020-03-01', family_only_home: false },
        },
        pledge: { signed_by: buyer.idNumber, signed_on: '2026-03-01', homes_owned: 0 },
      },
    })
  })

  it('names the spouse only when given', () => {
    const r = contractOf({ ...form, spouseIdNumber: '41030219910802022x' }, buyer)
    expect(r.ok && (r.body.buyer as Record<string, unknown>).spouse_id_number).toBe('41030219910802022X')
  })

  it('names the first field to fix', () => {
    expect(contractOf({ ...form, priceYuan: '0' }, buyer)).toEqual({ ok: false, field: 'price' })
    expect(contractOf({ ...form, priceYuan: 'lots' }, buyer)).toEqual({ ok: false, field: 'price' })
    expect(contractOf({ ...form, contractDate: '' }, buyer)).toEqual({ ok: false, field: 'contractDate' })
    expect(contractOf({ ...form, sellerIdNumber: ' ' }, buyer)).toEqual({ ok: false, field: 'seller' })
    expect(contractOf({ ...form, certificateDate: '' }, buyer)).toEqual({ ok: false, field: 'certificateDate' })
  })
})
