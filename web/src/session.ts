// Who is signed in: the bearer token the identity provider (or, locally, the
// development sign-in) issued, kept for the browser session only.
import { ref, computed } from 'vue'

const KEY = 'yingshang.token'

export interface Identity {
  subject: string
  role: string
  org?: string
  expiresAt: number
}

export const token = ref<string | null>(globalThis.sessionStorage?.getItem(KEY) ?? null)

/** The token's claims, read for display only (the APIs verify it). */
export function claimsOf(jwt: string): Identity | null {
  const part = jwt.split('.')[1]
  if (!part) return null
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0))
    const c = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>
    if (typeof c.sub !== 'string' || typeof c.role !== 'string' || typeof c.exp !== 'number') return null
    return { subject: c.sub, role: c.role, org: typeof c.org === 'string' ? c.org : undefined, expiresAt: c.exp }
  } catch {
    return null
  }
}

export const identity = computed(() => {
  const id = token.value ? claimsOf(token.value) : null
  return id && id.expiresAt * 1000 > Date.now() ? id : null
})

export function signIn(jwt: string): void {
  token.value = jwt
  globalThis.sessionStorage?.setItem(KEY, jwt)
}

export function signOut(): void {
  token.value = null
  globalThis.sessionStorage?.removeItem(KEY)
}
