// Where a complaint stands, as the enterprise's pages show it: the loop's steps in
// order and the one the case is at (a refused case ends at acceptance; a reopened
// one is back with the lead department).

export const STEPS = ['received', 'logged', 'accepted', 'assigned', 'replied', 'feedback_given', 'called_back', 'closed'] as const
export type Step = (typeof STEPS)[number]

/** The index in [`STEPS`] of the step a case with `status` is at. */
export function stepOf(status: string): number {
  if (status === 'refused') return STEPS.indexOf('accepted')
  if (status === 'reopened') return STEPS.indexOf('assigned')
  const i = STEPS.indexOf(status as Step)
  return i < 0 ? 0 : i
}

/** The colour of a status tag: done, ended badly, waiting for the enterprise, or in hand. */
export function tagType(status: string): 'success' | 'danger' | 'warning' | 'primary' {
  if (status === 'closed' || status === 'called_back' || status === 'feedback_given') return 'success'
  if (status === 'refused') return 'danger'
  if (status === 'replied') return 'warning'
  return 'primary'
}
