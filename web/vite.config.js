import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { serviceWorker } from './scripts/service-worker-plugin.js'

// The app is served by the `web` component at `/`; the API is on the same origin, so
// `npm run dev` proxies `/api` to a running `zhanye up` (ZHANYE_URL, default :3000).
// Vant's icon font is embedded (woff2 data URL) and also names copies on a CDN as
// fallbacks: drop those, so the client never loads anything from another origin.
const noCdnFonts = {
  name: 'zhanye-no-cdn-fonts',
  enforce: 'pre',
  transform(code, id) {
    if (!/node_modules[\\/]vant[\\/].*\.css$/.test(id)) return null
    return code.replace(/,\s*url\(["']?(https?:)?\/\/at\.alicdn\.com[^)]*\)\s*format\([^)]*\)/g, '')
  },
}

export default defineConfig({
  plugins: [noCdnFonts, vue(), serviceWorker()],
  define: {
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    target: 'es2020',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': process.env.ZHANYE_URL || 'http://127.0.0.1:3000' },
  },
})
