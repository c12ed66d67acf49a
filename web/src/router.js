import { createRouter, createWebHistory } from 'vue-router'
import { session, signedIn } from './session.js'
import { hooks } from './api.js'
import { offline } from './offline.js'

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/SignIn.vue'), meta: { public: true } },
  { path: '/forgot', name: 'forgot', component: () => import('./views/ForgotPassword.vue'), meta: { public: true } },
  { path: '/password', name: 'password', component: () => import('./views/ChangePassword.vue'), meta: { allowedBeforeChange: true } },
  { path: '/', name: 'home', component: () => import('./views/HomePage.vue'), meta: { tab: 'home' } },
  { path: '/customers', name: 'customers', component: () => import('./views/CustomerList.vue'), meta: { tab: 'customers' } },
  { path: '/customers/delegations', name: 'delegations', component: () => import('./views/DelegationList.vue') },
  { path: '/customers/due', name: 'due-contacts', component: () => import('./views/DueContacts.vue') },
  { path: '/customers/:id', name: 'customer', component: () => import('./views/CustomerDetail.vue'), props: true },
  { path: '/prospects', name: 'prospects', component: () => import('./views/ProspectList.vue') },
  { path: '/prospects/new', name: 'prospect-new', component: () => import('./views/ProspectNew.vue') },
  { path: '/prospects/:id(\\d+)', name: 'prospect', component: () => import('./views/ProspectDetail.vue'), props: true },
  { path: '/products', name: 'products', component: () => import('./views/ProductList.vue'), meta: { tab: 'products' } },
  { path: '/products/:code', name: 'product', component: () => import('./views/ProductDetail.vue'), props: true },
  { path: '/tasks', name: 'tasks', component: () => import('./views/TaskList.vue'), meta: { tab: 'tasks' } },
  { path: '/tasks/new', name: 'task-new', component: () => import('./views/TaskNew.vue') },
  { path: '/tasks/:id', name: 'task', component: () => import('./views/TaskDetail.vue'), props: true },
  { path: '/assessment', name: 'assessment', component: () => import('./views/AssessmentPage.vue') },
  { path: '/income', name: 'income', component: () => import('./views/IncomePage.vue') },
  { path: '/checkins', name: 'checkins', component: () => import('./views/CheckinPage.vue') },
  { path: '/alerts', name: 'alerts', component: () => import('./views/AlertList.vue') },
  { path: '/approvals', name: 'approvals', component: () => import('./views/ApprovalList.vue') },
  { path: '/approvals/new/:kind(expense|collaboration)', name: 'approval-new', component: () => import('./views/ApprovalNew.vue'), props: true },
  { path: '/approvals/:id(\\d+)', name: 'approval', component: () => import('./views/ApprovalDetail.vue'), props: true },
  { path: '/assessment/rollup', name: 'assessment-rollup', component: () => import('./views/RollupPage.vue') },
  { path: '/assessment/ranking', name: 'assessment-ranking', component: () => import('./views/RankingPage.vue') },
  { path: '/assessment/runs', name: 'assessment-runs', component: () => import('./views/AssessmentRun.vue') },
  { path: '/assessment/schemes', name: 'assessment-schemes', component: () => import('./views/SchemesPage.vue') },
  { path: '/admin/resets', name: 'admin-resets', component: () => import('./views/ResetRequests.vue') },
  { path: '/admin/staff', name: 'admin-staff', component: () => import('./views/StaffAdmin.vue') },
  { path: '/team', name: 'team', component: () => import('./views/TeamPage.vue') },
  { path: '/team/activity', name: 'team-activity', component: () => import('./views/TeamActivity.vue') },
  { path: '/team/goals', name: 'team-goals', component: () => import('./views/TeamGoals.vue') },
  { path: '/team/:code', name: 'team-member', component: () => import('./views/TeamMember.vue'), props: true },
  { path: '/me', name: 'me', component: () => import('./views/MePage.vue'), meta: { tab: 'me' } },
  { path: '/security', name: 'security', component: () => import('./views/SecurityPage.vue'), meta: { allowedBeforeEnrolment: true } },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved || { top: 0 },
})

router.beforeEach((to) => {
  // The notice of kept answers belongs to the screen that showed them.
  offline.value = null
  if (to.meta.public) return true
  if (!signedIn()) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (session.mustChangePassword && !to.meta.allowedBeforeChange) {
    return { name: 'password', query: { forced: '1' } }
  }
  if (session.mustEnrolSecondFactor && !session.mustChangePassword && !to.meta.allowedBeforeEnrolment) {
    return { name: 'security', query: { forced: '1' } }
  }
  return true
})

hooks.signedOut = () => {
  const here = router.currentRoute.value
  if (!here.meta.public) router.replace({ name: 'login', query: { expired: '1' } })
}
hooks.passwordChangeRequired = () => {
  router.replace({ name: 'password', query: { forced: '1' } })
}
hooks.secondFactorEnrolmentRequired = () => {
  router.replace({ name: 'security', query: { forced: '1' } })
}
