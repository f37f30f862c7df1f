import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The console is served by erpd at /console/ from the embedded dist/;
// `npm run dev` proxies the API to an erpd on :8080.
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (id.includes('node_modules')) return 'vendor'
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
    // The decimal helpers are the H5 app's (src/dec.js re-exports them).
    fs: { allow: ['.', '../mobile/src/dec.js'] },
  },
})
