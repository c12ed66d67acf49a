// What the prospect screens (潜在客户, CUST-6) share: the status tag's colour and which
// steps of the development flow a prospect's status and requests allow its owner.

export const PROSPECT_TAG = { potential: 'warning', developing: 'primary', confirmed: 'success', dropped: 'default' }

/**
 * The owner's next steps: `develop` (file a 客户开发任务书) while potential, `confirm`
 * (file a 新客户确认) while developing, `drop` in either; none while one of its
 * requests is pending, as the API refuses them then.
 */
export function prospectActions(prospect, myCode) {
  const none = { develop: false, confirm: false, drop: false, pending: null }
  if (!prospect || !myCode || prospect.owner?.code !== myCode) return none
  const pending = (prospect.approvals || []).find((a) => a.status === 'pending') || null
  if (pending) return { ...none, pending }
  const open = prospect.status === 'potential' || prospect.status === 'developing'
  return {
    develop: prospect.status === 'potential',
    confirm: prospect.status === 'developing',
    drop: open,
    pending: null,
  }
}
