import { describe, expect, it } from 'vitest'
import { qrDetector, tokenOf } from './scanner'

const camera = { mediaDevices: { getUserMedia: () => Promise.resolve() } }

class Detector {
  constructor(readonly options?: { formats: string[] }) {}
  static formats = ['qr_code', 'ean_13']
  static getSupportedFormats() {
    return Promise.resolve(Detector.formats)
  }
  detect() {
    return Promise.resolve([])
  }
}

describe('qrDetector', () => {
  it('is the camera when BarcodeDetector reads QR codes and there is a camera', async () => {
    const d = await qrDetector({ BarcodeDetector: Detector, navigator: camera })
    expect(d).toBeInstanceOf(Detector)
    expect((d as Detector).options).toEqual({ formats: ['qr_code'] })
  })

  it('is null without BarcodeDetector (headless Chromium, Firefox, Safari before 17)', async () => {
    expect(await qrDetector({ navigator: camera })).toBeNull()
  })

  it('is null without a camera API', async () => {
    expect(await qrDetector({ BarcodeDetector: Detector, navigator: {} })).toBeNull()
    expect(await qrDetector({ BarcodeDetector: Detector })).toBeNull()
  })

  it('is null when the detector cannot read QR codes', async () => {
    class NoQr extends Detector {
      static getSupportedFormats() {
        return Promise.resolve(['ean_13'])
      }
    }
    expect(await qrDetector({ BarcodeDetector: NoQr, navigator: camera })).toBeNull()
  })

  it('is null when the detector refuses to be made', async () => {
    class Broken {
      constructor() {
        throw new TypeError('not supported')
      }
    }
    expect(await qrDetector({ BarcodeDetector: Broken, navigator: camera })).toBeNull()
  })
})

describe('tokenOf', () => {
  const token = '91411502MA4000000H.1.AAAAAAAAAAAAAAAAAAAAAA'
  it('takes the token from the code URL, or the token itself', () => {
    expect(tokenOf(`http://127.0.0.1:3000/api/checkin/landing/${token}`)).toBe(token)
    expect(tokenOf(`  https://gov.example/api/checkin/landing/${token}?from=poster#x `)).toBe(token)
    expect(tokenOf(token)).toBe(token)
  })

  it('refuses what is no code', () => {
    expect(tokenOf('')).toBeNull()
    expect(tokenOf('   ')).toBeNull()
    expect(tokenOf('http://x/landing/')).toBeNull()
    expect(tokenOf('two words')).toBeNull()
  })
})

describe('beijing', () => {
  it('shows a time in Beijing time to the minute', async () => {
    const { beijing } = await import('./time')
    expect(beijing('2026-12-04T02:05:09Z')).toBe('2026-12-04 10:05')
    expect(beijing('2026-12-31T23:59:59.999+00:00')).toBe('2027-01-01 07:59')
    expect(beijing('not a time')).toBe('not a time')
  })
})
