import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The H5 micro-app is served by erpd at /h5/ from the embedded dist/, which
// is committed: scripts/console-build --check rebuilds it and compares byte
// for byte, so the build must not depend on the machine or the time.
// `npm run dev` proxies the API to an erpd on :8080.
export default defineConfig({
  base: '/h5/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Phones in DingTalk's WebView (iOS 12+ WKWebView, Android Chrome 80+).
    target: ['es2019', 'safari12', 'chrome80'],
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/react') || id.includes('node_modules/scheduler')) return 'react'
          if (id.includes('node_modules/dingtalk-jsapi') || id.includes('node_modules/promise-polyfill')) return 'dingtalk'
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
