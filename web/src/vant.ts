// The Vant components the pages use, each with only its own styles, so the first
// phone screen does not download the whole library.
import type { App } from 'vue'
import { Button, Cell, CellGroup, Empty, Field, Form, Grid, GridItem, Loading, NavBar, Radio, RadioGroup, Tag } from 'vant'
import 'vant/es/style/base.css'
import 'vant/es/button/style/index.mjs'
import 'vant/es/cell/style/index.mjs'
import 'vant/es/cell-group/style/index.mjs'
import 'vant/es/empty/style/index.mjs'
import 'vant/es/field/style/index.mjs'
import 'vant/es/form/style/index.mjs'
import 'vant/es/grid/style/index.mjs'
import 'vant/es/grid-item/style/index.mjs'
import 'vant/es/loading/style/index.mjs'
import 'vant/es/nav-bar/style/index.mjs'
import 'vant/es/radio/style/index.mjs'
import 'vant/es/radio-group/style/index.mjs'
import 'vant/es/tag/style/index.mjs'

export function useVant(app: App): void {
  for (const c of [Button, Cell, CellGroup, Empty, Field, Form, Grid, GridItem, Loading, NavBar, Radio, RadioGroup, Tag]) {
    app.use(c)
  }
}
