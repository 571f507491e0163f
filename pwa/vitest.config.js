import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'

// Unit tests of the framework-free modules (db, sync, api, pwa update logic): plain Node with
// fake-indexeddb standing in for the browser's IndexedDB.
export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.js'],
    setupFiles: ['fake-indexeddb/auto'],
    reporters: ['default'],
  },
})
