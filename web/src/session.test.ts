import { describe, expect, it } from 'vitest'
import { claimsOf } from './session'

const b64url = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

describe('claimsOf', () => {
  it('reads the role, organisation and expiry of a token', () => {
    const jwt = `${b64url('{"alg":"HS256"}')}.${b64url('{"sub":"u-1","role":"enterprise","org":"91350100M000100Y43","exp":2000000000}')}.sig`
    expect(claimsOf(jwt)).toEqual({ subject: 'u-1', role: 'enterprise', org: '91350100M000100Y43', expiresAt: 2000000000 })
  })
  it('answers null for what is not a token', () => {
    expect(claimsOf('nonsense')).toBeNull()
    expect(claimsOf(`a.${b64url('{"sub":1}')}.c`)).toBeNull()
    expect(claimsOf('a.%%%.c')).toBeNull()
  })
})
