// One action at a time on a page: the button shows `busy` while it runs, the previous
// problem is cleared when it starts, and whatever it throws becomes the page's problem
// (an API's RFC 9457 problem, or a client-side failure) instead of an unhandled
// rejection that would leave the button spinning.
import { ref } from 'vue'
import { asProblem, type ApiProblem } from './api/http'

export function useAttempt() {
  const busy = ref(false)
  const problem = ref<ApiProblem | null>(null)

  /** Runs `work`; true when it finished, false when it threw (its problem is shown). */
  async function attempt(work: () => Promise<void>): Promise<boolean> {
    busy.value = true
    problem.value = null
    try {
      await work()
      return true
    } catch (e) {
      problem.value = asProblem(e)
      return false
    } finally {
      busy.value = false
    }
  }

  return { busy, problem, attempt }
}
