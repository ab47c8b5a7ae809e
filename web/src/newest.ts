// Answers that arrive out of order. A page that asks the same question again (a
// poll's next tick, a filter changed, a list refreshed after an action) must show the
// answer to the newest question: on a slow network an older answer can arrive last,
// and applying it would put back what the person has just changed (an inspection
// that was checked out shown in progress again, a form reset under their fingers).

/** What a call answers when a newer call began, or `cancel` ran, while it waited. */
export const STALE: unique symbol = Symbol('stale')

/** A line of calls where only the newest one's answer (or error) counts. */
export interface Newest {
  /** Waits for `work`; answers its value, or `STALE` if it is no longer the newest. A
   *  stale call's error is dropped too: nobody is waiting for that answer any more. */
  take<T>(work: Promise<T>): Promise<T | typeof STALE>
  /** Makes every call under way stale (a poll that was stopped). */
  cancel(): void
  /** Whether a call is under way that is still the newest. */
  readonly pending: boolean
}

export function newest(): Newest {
  let turn = 0
  let open = 0
  return {
    async take<T>(work: Promise<T>): Promise<T | typeof STALE> {
      const mine = ++turn
      open = mine
      try {
        const value = await work
        return mine === turn ? value : STALE
      } catch (e) {
        if (mine !== turn) return STALE
        throw e
      } finally {
        if (open === mine) open = 0
      }
    },
    cancel() {
      turn += 1
      open = 0
    },
    get pending() {
      return open !== 0 && open === turn
    },
  }
}
