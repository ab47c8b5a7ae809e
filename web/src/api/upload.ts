// Photos go from the phone straight to object storage: the complaints API issues an
// upload slot for the declared type, size and SHA-256 (hashed here, in the browser),
// the bytes are PUT to the slot's presigned URL (the store's origin, allowed by the
// pages' content security policy and the store's CORS rule), then the slot is attached.
import { ApiProblem, call } from './http'

/** The SHA-256 of `bytes`, 64 lower-case hex digits. */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Headers a browser sets itself and may not send from a script. */
const BROWSER_OWNED = new Set(['content-length', 'host', 'connection'])

export interface Presigned {
  method: string
  url: string
  headers: [string, string][] | string[][]
}

/** PUTs `bytes` to a presigned upload with exactly its signed headers. */
export async function putPresigned(upload: Presigned, bytes: ArrayBuffer): Promise<void> {
  const headers: Record<string, string> = {}
  for (const [name, value] of upload.headers) {
    if (name && value !== undefined && !BROWSER_OWNED.has(name.toLowerCase())) headers[name] = value
  }
  let response: Response
  try {
    response = await fetch(upload.url, { method: upload.method || 'PUT', headers, body: bytes })
  } catch (e) {
    throw new ApiProblem(0, 'UPLOAD_NETWORK', String(e))
  }
  if (!response.ok) throw new ApiProblem(response.status, 'UPLOAD_REFUSED', response.statusText || `HTTP ${response.status}`)
}

interface SlotAnswer {
  slot: unknown
  upload: Presigned
}

/** Uploads one file to a case and attaches it; answers what attaching answers. */
export async function attachFile<T>(caseId: string, file: Blob): Promise<T> {
  const bytes = await file.arrayBuffer()
  const path = `/api/complaints/cases/${encodeURIComponent(caseId)}/attachments`
  const issued = await call<SlotAnswer>('POST', `${path}/slots`, {
    body: { content_type: file.type, size: bytes.byteLength, sha256: await sha256Hex(bytes) },
  })
  await putPresigned(issued.upload, bytes)
  return call<T>('POST', path, { body: { slot: issued.slot } })
}
