import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Tauri serves ui/dist; the dev server runs on a fixed port that tauri.conf.json can point at.
export default defineConfig({
  plugins: [
    vue(),
    // Element Plus components (and their CSS) are imported where templates use them.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: 'src/components.d.ts' }),
  ],
  define: {
    // vue-i18n: composition API only, no devtools; messages compile without eval (CSP).
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebView2 on Windows 10/11 and WebKitGTK 2.4x on UOS/Kylin.
    target: ['es2021', 'chrome100', 'safari14'],
    chunkSizeWarningLimit: 800,
  },
})
