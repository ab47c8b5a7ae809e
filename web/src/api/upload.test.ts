import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiProblem } from './http'
import { attachFile, putPresigned, sha256Hex } from './upload'

afterEach(() => {
  vi.unstubAllGlobals()
})

const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer

describe('sha256Hex', () => {
  it('hashes as S3 and the API expect (FIPS 180-2 test vectors)', async () => {
    expect(await sha256Hex(bytes('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(await sha256Hex(bytes(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })
})

describe('attachFile', () => {
  it('asks for a slot with the hash, PUTs the bytes with the signed headers, attaches the slot', async () => {
    const calls: [string, RequestInit][] = []
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      calls.push([url, init])
      if (url.endsWith('/attachments/slots')) {
        return new Response(
          JSON.stringify({
            slot: { key: 'k/1.png' },
            upload: {
              method: 'PUT',
              url: 'http://127.0.0.1:9000/b/k/1.png?X-Amz-Signature=s',
              headers: [
                ['content-type', 'image/png'],
                ['content-length', '3'],
                ['x-amz-checksum-sha256', 'ungA'],
              ],
            },
          }),
          { status: 201 },
        )
      }
      if (url.startsWith('http://127.0.0.1:9000/')) return new Response(null, { status: 200 })
      return new Response('{"case":{"attachments":[{"kind":"png"}]}}', { status: 201 })
    })
    vi.stubGlobal('fetch', fetch)
    const at = (i: number): RequestInit => {
      const c = calls[i]
      if (!c) throw new Error(`no call ${i}`)
      return c[1]
    }
    const answer = await attachFile<{ case: { attachments: { kind: string }[] } }>('C 1', new Blob(['abc'], { type: 'image/png' }))
    expect(answer.case.attachments[0]?.kind).toBe('png')
    expect(calls.map(([u, i]) => `${i.method} ${u}`)).toEqual([
      'POST /api/complaints/cases/C%201/attachments/slots',
      'PUT http://127.0.0.1:9000/b/k/1.png?X-Amz-Signature=s',
      'POST /api/complaints/cases/C%201/attachments',
    ])
    expect(JSON.parse(at(0).body as string)).toEqual({
      content_type: 'image/png',
      size: 3,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    })
    // The presigned PUT carries the signed headers the browser may send, no token.
    expect(at(1).headers).toEqual({ 'content-type': 'image/png', 'x-amz-checksum-sha256': 'ungA' })
    expect(new TextDecoder().decode(at(1).body as ArrayBuffer)).toBe('abc')
    expect(JSON.parse(at(2).body as string)).toEqual({ slot: { key: 'k/1.png' } })
  })

  it('does not attach when the store refuses the upload', async () => {
    const fetch = vi.fn(async (url: string) =>
      url.endsWith('/slots')
        ? new Response('{"slot":{},"upload":{"method":"PUT","url":"http://s/x","headers":[]}}', { status: 201 })
        : new Response('<Error/>', { status: 403, statusText: 'Forbidden' }),
    )
    vi.stubGlobal('fetch', fetch)
    const e = await attachFile('c1', new Blob(['x'], { type: 'image/png' })).catch((e: unknown) => e)
    expect(e).toBeInstanceOf(ApiProblem)
    expect((e as ApiProblem).status).toBe(403)
    expect((e as ApiProblem).code).toBe('UPLOAD_REFUSED')
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('reports an unreachable store as a network problem', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const e = (await putPresigned({ method: 'PUT', url: 'http://s/x', headers: [] }, bytes('x')).catch((e: unknown) => e)) as ApiProblem
    expect(e.status).toBe(0)
    expect(e.code).toBe('UPLOAD_NETWORK')
  })
})
