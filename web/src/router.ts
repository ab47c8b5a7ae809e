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
    { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignIn.vue'), meta: { title: 'signInTitle' } },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFound.vue') },
  ],
})
