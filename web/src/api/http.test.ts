import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiProblem, asProblem, call } from './http'
import { signIn, signOut } from '../session'

afterEach(() => {
  vi.unstubAllGlobals()
  signOut()
})

describe('call', () => {
  it('sends the token and the language, and answers the JSON', async () => {
    const fetch = vi.fn(async () => new Response('{"ok":true}', { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    signIn('a.b.c')
    expect(await call('GET', '/api/x', { query: { date: '2025-06-30', empty: '' } })).toEqual({ ok: true })
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/x?date=2025-06-30')
    const headers = init.headers as Record<string, string>
    expect(headers.authorization).toBe('Bearer a.b.c')
    expect(headers['accept-language']).toBe('zh-CN')
  })
  it('turns a problem+json answer into an ApiProblem with its code', async () => {
    vi.stubGlobal('fetch', async () =>
      new Response('{"status":404,"code":"VAL_UNIT_NOT_FOUND","title":"未找到该房屋"}', {
        status: 404,
        headers: { 'content-type': 'application/problem+json' },
      }),
    )
    const e = await call('GET', '/api/x').catch((e: unknown) => e)
    expect(e).toBeInstanceOf(ApiProblem)
    expect((e as ApiProblem).code).toBe('VAL_UNIT_NOT_FOUND')
    expect((e as ApiProblem).status).toBe(404)
  })
  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('offline')
    })
    const e = (await call('GET', '/api/x').catch((e: unknown) => e)) as ApiProblem
    expect(e.status).toBe(0)
    expect(e.code).toBe('NETWORK')
  })
})

describe('asProblem', () => {
  it('keeps an API problem and turns anything else into a client problem', () => {
    const p = new ApiProblem(404, 'VAL_UNIT_NOT_FOUND', 'Not found')
    expect(asProblem(p)).toBe(p)
    const c = asProblem(new TypeError('boom'))
    expect([c.status, c.code, c.title]).toEqual([0, 'CLIENT', 'TypeError: boom'])
  })
})
