// The names of a complaint's statuses, deadlines and deadline states in both
// languages (shared by the enterprise's case list and case pages).
import { messages } from '../../i18n'

export const label = messages(
  {
    received: '已收件',
    logged: '已登记',
    accepted: '已受理',
    refused: '不予受理',
    assigned: '办理中',
    replied: '已答复',
    reopened: '重新办理',
    feedback_given: '已评价',
    called_back: '已回访',
    closed: '已办结',
    d_log: '登记',
    d_decide: '受理决定',
    d_respond: '首次响应',
    d_reply: '答复',
    d_rereply: '再次答复',
    s_met: '按时完成',
    s_missed: '超时完成',
    s_pending: '进行中',
    s_overdue: '已超期',
    s_unknown: '待定',
  },
  {
    received: 'Received',
    logged: 'Logged',
    accepted: 'Accepted',
    refused: 'Refused',
    assigned: 'In hand',
    replied: 'Answered',
    reopened: 'Reopened',
    feedback_given: 'Rated',
    called_back: 'Called back',
    closed: 'Closed',
    d_log: 'Logging',
    d_decide: 'Acceptance decision',
    d_respond: 'First response',
    d_reply: 'Answer',
    d_rereply: 'Second answer',
    s_met: 'Met',
    s_missed: 'Late',
    s_pending: 'Pending',
    s_overdue: 'Overdue',
    s_unknown: 'Unknown',
  },
)

type Label = Parameters<typeof label>[0]

/** The name of a status (or the raw value when the pages do not know it yet). */
export function statusName(status: string): string {
  return isLabel(status) ? label(status) : status
}

/** The name of a deadline kind or a deadline state. */
export function deadlineName(kind: string): string {
  const key = `d_${kind}`
  return isLabel(key) ? label(key) : kind
}
export function deadlineState(state: string): string {
  const key = `s_${state}`
  return isLabel(key) ? label(key) : state
}

const KNOWN = new Set<string>([
  'received', 'logged', 'accepted', 'refused', 'assigned', 'replied', 'reopened', 'feedback_given', 'called_back', 'closed',
  'd_log', 'd_decide', 'd_respond', 'd_reply', 'd_rereply', 's_met', 's_missed', 's_pending', 's_overdue', 's_unknown',
])
function isLabel(key: string): key is Label {
  return KNOWN.has(key)
}
