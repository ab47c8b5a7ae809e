// The Vant components the pages use, each with only its own styles, so the first
// phone screen does not download the whole library.
import type { App } from 'vue'
import { Button, Cascader, Cell, CellGroup, Empty, Field, Form, Grid, GridItem, Loading, NavBar, Picker, Popup, Progress, Radio, RadioGroup, Step, Steps, Tag, Uploader } from 'vant'
import 'vant/es/style/base.css'
import 'vant/es/button/style/index.mjs'
import 'vant/es/cascader/style/index.mjs'
import 'vant/es/cell/style/index.mjs'
import 'vant/es/cell-group/style/index.mjs'
import 'vant/es/empty/style/index.mjs'
import 'vant/es/field/style/index.mjs'
import 'vant/es/form/style/index.mjs'
import 'vant/es/grid/style/index.mjs'
import 'vant/es/grid-item/style/index.mjs'
import 'vant/es/loading/style/index.mjs'
import 'vant/es/nav-bar/style/index.mjs'
import 'vant/es/picker/style/index.mjs'
import 'vant/es/popup/style/index.mjs'
import 'vant/es/progress/style/index.mjs'
import 'vant/es/radio/style/index.mjs'
import 'vant/es/radio-group/style/index.mjs'
import 'vant/es/step/style/index.mjs'
import 'vant/es/steps/style/index.mjs'
import 'vant/es/tag/style/index.mjs'
import 'vant/es/uploader/style/index.mjs'

export function useVant(app: App): void {
  for (const c of [Button, Cascader, Cell, CellGroup, Empty, Field, Form, Grid, GridItem, Loading, NavBar, Picker, Popup, Progress, Radio, RadioGroup, Step, Steps, Tag, Uploader]) {
    app.use(c)
  }
}
