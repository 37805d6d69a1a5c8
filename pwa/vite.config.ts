import { cpSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

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
  },
  plugins: [swaggerUiAssets()],
  server: {
    proxy: {
      "/api": backend,
      "/healthz": backend,
      "/readyz": backend,
    },
  },
});
