import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { useVant } from './vant'
import { lang, setLang } from './i18n'
import './app.css'

setLang(lang.value)
const app = createApp(App)
useVant(app)
app.use(router)
app.mount('#app')
