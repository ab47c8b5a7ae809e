import { describe, expect, it } from 'vitest'
import { STALE, newest } from './newest'

// A promise settled by hand, to decide the order in which answers arrive.
function later<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('newest', () => {
  it('applies the newest answer even when an older one arrives after it', async () => {
    const line = newest()
    const first = later<string>()
    const second = later<string>()
    const a = line.take(first.promise)
    const b = line.take(second.promise)
    second.resolve('checked out')
    expect(await b).toBe('checked out')
    first.resolve('in progress')
    expect(await a).toBe(STALE)
  })

  it('drops an older call’s error and passes on the newest one’s', async () => {
    const line = newest()
    const first = later<string>()
    const a = line.take(first.promise)
    const b = line.take(Promise.reject(new Error('offline')))
    await expect(b).rejects.toThrow('offline')
    first.reject(new Error('timed out'))
    expect(await a).toBe(STALE)
  })

  it('makes a call under way stale when cancelled, and is pending only while the newest waits', async () => {
    const line = newest()
    expect(line.pending).toBe(false)
    const first = later<number>()
    const a = line.take(first.promise)
    expect(line.pending).toBe(true)
    line.cancel()
    expect(line.pending).toBe(false)
    first.resolve(1)
    expect(await a).toBe(STALE)
    const b = line.take(Promise.resolve(2))
    expect(await b).toBe(2)
    expect(line.pending).toBe(false)
  })
})
