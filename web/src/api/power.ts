// The shared-power function's API as a customer uses it (a socket, a prepaid
// session, stop), typed from its OpenAPI document.
import type { paths } from './generated/power'
import { call } from './http'

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never

export type Socket = Json<paths['/api/power/sockets/{socket_id}']['get']['responses'][200]>
export type Session = Json<paths['/api/power/sessions/{id}']['get']['responses'][200]>

/** A socket's status and price now (anyone). */
export function socket(id: string): Promise<Socket> {
  return call<Socket>('GET', `/api/power/sockets/${encodeURIComponent(id)}`)
}

/** Orders a prepaid session; `key` makes a retried order answer the first order. */
export function order(socketId: string, prepaidFen: number, key: string): Promise<Session> {
  return call<Session>('POST', '/api/power/sessions', {
    body: { socket_id: socketId, prepaid_fen: prepaidFen },
    headers: { 'Idempotency-Key': key },
  })
}

/** The session: energy, charge, balance, refund. */
export function session(id: string, signal?: AbortSignal): Promise<Session> {
  return call<Session>('GET', `/api/power/sessions/${encodeURIComponent(id)}`, { signal })
}

/** Stops the session: settled and the rest refunded (or cancelled when unpaid). */
export function stop(id: string): Promise<Session> {
  return call<Session>('POST', `/api/power/sessions/${encodeURIComponent(id)}/stop`)
}

/**
 * Pays at the payment channel's cashier. On a local run that is the stand-in cashier
 * (`/stand-ins/cashier/…`, open only with development secrets), which confirms to
 * meter-billing as the channel does and passes its answer back: the session, active.
 */
export function payAtCashier(reference: string, amountFen: number): Promise<Session> {
  return call<Session>('POST', '/stand-ins/cashier/power-payments', {
    body: { reference, amount_fen: amountFen },
  })
}
