import { describe, expect, it } from 'vitest'
import { useAttempt } from './attempt'
import { ApiProblem } from './api/http'

describe('useAttempt', () => {
  it('is busy while the work runs and clears the previous problem when it starts', async () => {
    const { busy, problem, attempt } = useAttempt()
    problem.value = new ApiProblem(409, 'OLD', 'old')
    let release!: () => void
    const running = attempt(() => new Promise<void>((r) => (release = r)))
    expect(busy.value).toBe(true)
    expect(problem.value).toBeNull()
    release()
    expect(await running).toBe(true)
    expect(busy.value).toBe(false)
    expect(problem.value).toBeNull()
  })

  it('keeps an API problem as it was answered', async () => {
    const { busy, problem, attempt } = useAttempt()
    const answered = new ApiProblem(409, 'CHECKIN_ALREADY_INSIDE', '已在检查中')
    expect(await attempt(() => Promise.reject(answered))).toBe(false)
    expect(problem.value).toBe(answered)
    expect(busy.value).toBe(false)
  })

  it('turns anything else thrown into a client problem', async () => {
    const { problem, attempt } = useAttempt()
    expect(await attempt(() => Promise.reject(new TypeError('Failed to fetch')))).toBe(false)
    expect(problem.value?.status).toBe(0)
    expect(problem.value?.code).toBe('CLIENT')
    expect(problem.value?.title).toContain('Failed to fetch')
  })
})
