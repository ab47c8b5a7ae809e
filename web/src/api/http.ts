// Calls to the functions' APIs: the signed-in user's token, the page's language (the
// APIs answer problems in it), and RFC 9457 problems turned into `ApiProblem`s.
import { lang } from '../i18n'
import { token } from '../session'

/** An RFC 9457 problem answered by an API, or a network failure (status 0). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title)
  }
}

/** What a page shows for anything a call threw: the API's problem, or a client-side
 * failure (status 0). */
export function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : new ApiProblem(0, 'CLIENT', String(e))
}

export interface CallOptions {
  body?: unknown
  query?: Record<string, string | undefined>
  signal?: AbortSignal
  /** Further request headers, e.g. `Idempotency-Key`. */
  headers?: Record<string, string>
}

/** `method path` with JSON in and out. */
export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': lang.value }
  if (token.value) headers.authorization = `Bearer ${token.value}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  Object.assign(headers, options.headers)
  const query = Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined && v !== '')
  const url = query.length ? `${path}?${new URLSearchParams(query as [string, string][])}` : path
  let response: Response
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    })
  } catch (e) {
    throw new ApiProblem(0, 'NETWORK', String(e))
  }
  const text = await response.text()
  const json = text ? safeJson(text) : undefined
  if (!response.ok) {
    const p = (json ?? {}) as Record<string, unknown>
    throw new ApiProblem(
      response.status,
      typeof p.code === 'string' ? p.code : `HTTP_${response.status}`,
      typeof p.title === 'string' ? p.title : response.statusText,
      typeof p.detail === 'string' ? p.detail : undefined,
    )
  }
  return json as T
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
