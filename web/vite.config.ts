/// <reference types="vitest/config" />
// The pages are built into dist/, which spin.toml mounts into the `web` component.
// Text files also get a `.gz` twin (written here, once, at build time) so that the
// component sends them compressed without compressing per request.
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { gzipSync } from 'node:zlib'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const COMPRESSIBLE = /\.(html|js|mjs|css|json|svg|txt|webmanifest)$/

function gzipTwins(): Plugin {
  return {
    name: 'yingshang-gzip-twins',
    apply: 'build',
    closeBundle() {
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name)
          if (statSync(path).isDirectory()) walk(path)
          else if (COMPRESSIBLE.test(name)) writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }))
        }
      }
      walk('dist')
    },
  }
}

// Vant's icon font is inlined in its CSS, which also names a copy on a public CDN as
// a fallback. The pages load nothing from outside their origin (their CSP forbids
// it, and a citizen's phone should not tell a CDN what it opens): the fallback goes.
function noCdnFonts(): Plugin {
  const cdn = /,\s*url\(["']?(?:https?:)?\/\/at\.alicdn\.com\/[^)]*\)\s*format\([^)]*\)/g
  return {
    name: 'yingshang-no-cdn-fonts',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('vant') || !/\.css($|\?)/.test(id) || !cdn.test(code)) return null
      cdn.lastIndex = 0
      return { code: code.replace(cdn, ''), map: null }
    },
  }
}

export default defineConfig({
  plugins: [noCdnFonts(), vue(), gzipTwins()],
  build: {
    target: 'es2020',
    // Hashed names under assets/: the component caches them for a year.
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npm run dev` beside `yingshang up`: the APIs are the gateway's.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
})
