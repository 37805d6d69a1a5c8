import { cpSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { compression } from "vite-plugin-compression2";
import { VitePWA } from "vite-plugin-pwa";

const here = dirname(fileURLToPath(import.meta.url));
// The Flask backend runs on 127.0.0.1:8000 during development.
const backend = "http://127.0.0.1:8000";

/** Self-host Swagger UI (for /api/v1/docs) instead of loading it from a CDN. */
function swaggerUiAssets(): Plugin {
  const files = ["swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"];
  return {
    name: "diandian-swagger-ui-assets",
    apply: "build",
    closeBundle() {
      const from = resolve(here, "node_modules/swagger-ui-dist");
      const to = resolve(here, "dist/vendor/swagger-ui");
      mkdirSync(to, { recursive: true });
      for (const file of files) cpSync(resolve(from, file), resolve(to, file));
    },
  };
}

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    target: "es2022",
    rollupOptions: {
      output: {
        // The organisation and court desks (src/app/staff/) go to assets/staff/, left out of the
        // service worker's precache so that citizens never download them.
        chunkFileNames: (chunk) =>
          chunk.moduleIds.length > 0 && chunk.moduleIds.every((id) => id.includes("/src/app/staff/"))
            ? "assets/staff/[name]-[hash].js"
            : "assets/[name]-[hash].js",
      },
    },
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  plugins: [
    // Brotli and gzip copies beside each text file, which the Flask app serves to browsers that
    // accept them (backend/web/pwa.py): the first load's JS is a third of its size on the wire.
    compression({ algorithms: ["brotliCompress", "gzip"], threshold: 1024 }),
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src/sw",
      filename: "sw.ts",
      injectRegister: false, // src/app/update.ts registers it and asks before reloading
      includeManifestIcons: false, // the browser fetches them to install; no need to precache 40 kB of PNGs
      manifest: {
        name: "点点 碳中和 Diandian",
        short_name: "点点",
        description: "点点碳中和：会议、航班、庭审与场馆的碳足迹计算、碳中和证书与碳积分",
        lang: "zh-CN",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#1b5e20",
        // PNGs drawn by scripts/icons.py: Android and Chrome need raster icons and a maskable one.
        icons: [
          { src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
          { src: "/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      injectManifest: {
        globPatterns: ["**/*.{js,css,html,svg,webmanifest}"],
        globIgnores: ["vendor/**", "assets/staff/**"],
      },
    }),
    swaggerUiAssets(),
  ],
  server: {
    proxy: {
      "/api": backend,
      "/healthz": backend,
      "/verify": backend,
    },
  },
});
