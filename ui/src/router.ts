// Screens and who may reach them. The first screen depends on appInfo: the database
// error page, the first-run form, or sign-in.
import { createRouter, createWebHashHistory } from 'vue-router'
import OpenError from './views/OpenError.vue'
import FirstRun from './views/FirstRun.vue'
import SignIn from './views/SignIn.vue'
import { actor, canManageAccounts, landingRoute } from './composables/session'
import { info, start } from './composables/startup'
import { installLeaveGuards } from './composables/unsavedGuard'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** Facility managers and the city administrator only. */
    managers?: boolean
  }
}

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/error', name: 'open-error', component: OpenError, meta: { public: true } },
    { path: '/setup', name: 'setup', component: FirstRun, meta: { public: true } },
    { path: '/sign-in', name: 'sign-in', component: SignIn, meta: { public: true } },
    {
      path: '/',
      component: () => import('./views/AppShell.vue'),
      children: [
        { path: '', name: 'home', component: () => import('./views/Home.vue') },
        { path: 'desk', name: 'desk', component: () => import('./views/FrontDesk.vue') },
        { path: 'people', name: 'people', component: () => import('./views/People.vue') },
        { path: 'people/client/new', name: 'client-new', component: () => import('./views/ClientPage.vue') },
        { path: 'people/client/:id(\\d+)', name: 'client', component: () => import('./views/ClientPage.vue') },
        { path: 'people/child/new', name: 'child-new', component: () => import('./views/ChildPage.vue') },
        { path: 'people/child/:id(\\d+)', name: 'child', component: () => import('./views/ChildPage.vue') },
        { path: 'people/staff/new', name: 'staff-new', component: () => import('./views/StaffPage.vue') },
        { path: 'people/staff/:id(\\d+)', name: 'staff', component: () => import('./views/StaffPage.vue') },
        { path: 'meals', name: 'meals', component: () => import('./views/Meals.vue') },
        { path: 'visits', name: 'visits', component: () => import('./views/Visits.vue') },
        { path: 'health', name: 'health', component: () => import('./views/Health.vue') },
        { path: 'fees', name: 'fees', component: () => import('./views/Fees.vue') },
        { path: 'registry', name: 'registry', component: () => import('./views/Registry.vue') },
        { path: 'facility/new', name: 'facility-new', component: () => import('./views/FacilityPage.vue') },
        { path: 'facility/:id(\\d+)', name: 'facility', component: () => import('./views/FacilityPage.vue') },
        { path: 'accounts', name: 'accounts', component: () => import('./views/Accounts.vue'), meta: { managers: true } },
        { path: 'reports', name: 'reports', component: () => import('./views/Reports.vue'), meta: { managers: true } },
        { path: 'audit', name: 'audit', component: () => import('./views/AuditLog.vue'), meta: { managers: true } },
        { path: 'backups', name: 'backups', component: () => import('./views/Backups.vue'), meta: { managers: true } },
        { path: 'sync', name: 'sync', component: () => import('./views/Sync.vue'), meta: { managers: true } },
      ],
    },
    { path: '/:rest(.*)', redirect: '/' },
  ],
})

// Unsaved forms ask first: nothing else runs for a navigation the user takes back.
installLeaveGuards(router)

router.beforeEach(async (to) => {
  await start()
  const state = info.value
  if (state?.open_error) return to.name === 'open-error' || { name: 'open-error' }
  if (state?.needs_setup) return to.name === 'setup' || { name: 'setup' }
  if (to.name === 'open-error' || to.name === 'setup') return actor.value ? landingRoute() : { name: 'sign-in' }
  if (to.meta.public) return actor.value ? landingRoute() : true
  if (!actor.value) return { name: 'sign-in' }
  if (to.meta.managers && !canManageAccounts.value) return { name: 'home' }
  return true
})
