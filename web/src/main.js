import { createApp } from 'vue'
import {
  ActionSheet, Button, Cell, CellGroup, Checkbox, Col, Collapse, CollapseItem, ConfigProvider,
  Dialog, DropdownItem, DropdownMenu, Empty, Field, Form, Grid, GridItem, Icon, List, Loading,
  NavBar, NoticeBar, Picker, Popup, PullRefresh, Radio, RadioGroup, Rate, Row, Search,
  Skeleton, Step, Steps, Sticky, Tab, Tabbar, TabbarItem, Tabs, Tag,
} from 'vant'
import 'vant/lib/index.css'
import './styles.css'
import App from './App.vue'
import { router } from './router.js'
import { i18n } from './i18n.js'

const app = createApp(App)
for (const c of [
  ActionSheet, Button, Cell, CellGroup, Checkbox, Col, Collapse, CollapseItem, ConfigProvider,
  Dialog, DropdownItem, DropdownMenu, Empty, Field, Form, Grid, GridItem, Icon, List, Loading,
  NavBar, NoticeBar, Picker, Popup, PullRefresh, Radio, RadioGroup, Rate, Row, Search,
  Skeleton, Step, Steps, Sticky, Tab, Tabbar, TabbarItem, Tabs, Tag,
]) {
  app.use(c)
}
app.use(i18n).use(router).mount('#app')

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {})
  })
}
