import { createRouter, createWebHistory } from 'vue-router'
import Home from './pages/Home.vue'

// The first screen is in the main bundle; every other screen is its own chunk,
// loaded when it is opened (the dashboard's charts never reach a phone that does
// not open it).
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: Home, meta: { title: 'appTitle' } },
    { path: '/valuation', name: 'valuation', component: () => import('./pages/Valuation.vue'), meta: { title: 'valuation' } },
    { path: '/tax', name: 'tax', component: () => import('./pages/Tax.vue'), meta: { title: 'tax' } },
    { path: '/officer', name: 'officer', component: () => import('./pages/officer/Officer.vue'), meta: { title: 'officerScan' } },
    { path: '/power', name: 'power', component: () => import('./pages/power/Power.vue'), meta: { title: 'power' } },
    { path: '/power/sessions/:id', name: 'power-session', component: () => import('./pages/power/PowerSession.vue'), meta: { title: 'power' } },
    { path: '/enterprise', name: 'enterprise', component: () => import('./pages/enterprise/Landing.vue'), meta: { title: 'checkin' } },
    { path: '/complaints', name: 'complaints', component: () => import('./pages/enterprise/Cases.vue'), meta: { title: 'complaints' } },
    { path: '/complaints/new', name: 'complaint-new', component: () => import('./pages/enterprise/NewComplaint.vue'), meta: { title: 'complaints' } },
    { path: '/complaints/:id', name: 'complaint', component: () => import('./pages/enterprise/CaseProgress.vue'), meta: { title: 'complaints' } },
    { path: '/ops', name: 'ops', component: () => import('./pages/ops/Ops.vue'), meta: { title: 'dashboardTitle' } },
    { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue'), meta: { title: 'signInTitle' } },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFound.vue') },
  ],
})
