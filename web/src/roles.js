// What the caller's roles open beyond their own work, as the API grants it: roll-ups and
// rankings for leads and above (ASSESS-6), running and publishing months, schemes and
// ranks for HQ (ASSESS-1), manual password resets and staff status for the branch
// admins (AUTH-5, AUTH-7).
import { computed, ref } from 'vue'
import { loadMe } from './me.js'

/** Roles that may see roll-ups and rankings (a rep's are refused). */
export const RANKING_ROLES = ['lead', 'branch_manager', 'hq_admin']
/** 总部营销管理岗: runs, publishes, edits schemes and ranks. */
export const HQ_ROLES = ['hq_admin']
/** The password and status admins of GET/POST /api/auth/admin/…. */
export const STAFF_ADMIN_ROLES = ['broker_admin', 'branch_manager', 'hq_admin', 'sysadmin']

/** Whether `roles` holds any of `wanted`. */
export const holdsAny = (roles, wanted) => (roles || []).some((r) => wanted.includes(r))

/** The caller's roles (empty until the profile is loaded) and what they open. */
export function useRoles() {
  const roles = ref([])
  loadMe()
    .then((me) => (roles.value = me.roles || []))
    .catch(() => {})
  return {
    roles,
    seesRankings: computed(() => holdsAny(roles.value, RANKING_ROLES)),
    isHq: computed(() => holdsAny(roles.value, HQ_ROLES)),
    isStaffAdmin: computed(() => holdsAny(roles.value, STAFF_ADMIN_ROLES)),
  }
}
