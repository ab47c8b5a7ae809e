// Reading an enterprise code: the camera where the browser offers `BarcodeDetector`
// (with QR codes) and a camera, else the officer types or pastes the code or its URL.

/** The part of `BarcodeDetector` the officer screen uses. */
export interface QrDetector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>
}

interface DetectorClass {
  new (options?: { formats: string[] }): QrDetector
  getSupportedFormats?: () => Promise<string[]>
}

/** What the feature detection looks at (the browser's globals; a test's fakes). */
export interface ScanEnvironment {
  BarcodeDetector?: unknown
  navigator?: { mediaDevices?: { getUserMedia?: unknown } }
}

/**
 * A QR detector when this browser can scan with its camera — `BarcodeDetector` that
 * reads `qr_code`, and `getUserMedia` — else `null` (the typed path).
 */
export async function qrDetector(env: ScanEnvironment = globalThis as ScanEnvironment): Promise<QrDetector | null> {
  const Detector = env.BarcodeDetector as DetectorClass | undefined
  if (typeof Detector !== 'function') return null
  if (typeof env.navigator?.mediaDevices?.getUserMedia !== 'function') return null
  try {
    if (Detector.getSupportedFormats) {
      const formats = await Detector.getSupportedFormats()
      if (!formats.includes('qr_code')) return null
    }
    return new Detector({ formats: ['qr_code'] })
  } catch {
    return null
  }
}

/**
 * The code's token in what was scanned, typed or pasted: the code's URL (its last path
 * segment, without query or fragment) or the token itself; `null` when there is none.
 * The API accepts either; the token names the enterprise's landing.
 */
export function tokenOf(text: string): string | null {
  const s = text.trim().split(/[?#]/)[0] ?? ''
  const token = s.split('/').pop() ?? ''
  return /^[A-Za-z0-9._~-]{1,512}$/.test(token) ? token : null
}
