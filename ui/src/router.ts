// Screens and who may reach them. The first screen depends on appInfo: the database
// error page, the first-run form, or sign-in.
import { createRouter, createWebHashHistory } from 'vue-router'
import OpenError from './views/OpenError.vue'
import FirstRun from './views/FirstRun.vue'
import SignIn from './views/SignIn.vue'
import { actor, canManageAccounts } from './composables/session'
import { info, start } from './composables/startup'

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
        { path: 'registry', name: 'registry', component: () => import('./views/Registry.vue') },
        { path: 'facility/new', name: 'facility-new', component: () => import('./views/FacilityPage.vue') },
        { path: 'facility/:id(\\d+)', name: 'facility', component: () => import('./views/FacilityPage.vue') },
        { path: 'accounts', name: 'accounts', component: () => import('./views/Accounts.vue'), meta: { managers: true } },
        { path: 'audit', name: 'audit', component: () => import('./views/AuditLog.vue'), meta: { managers: true } },
      ],
    },
    { path: '/:rest(.*)', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  await start()
  const state = info.value
  if (state?.open_error) return to.name === 'open-error' || { name: 'open-error' }
  if (state?.needs_setup) return to.name === 'setup' || { name: 'setup' }
  if (to.name === 'open-error' || to.name === 'setup') return { name: actor.value ? 'home' : 'sign-in' }
  if (to.meta.public) return actor.value ? { name: 'home' } : true
  if (!actor.value) return { name: 'sign-in' }
  if (to.meta.managers && !canManageAccounts.value) return { name: 'home' }
  return true
})
