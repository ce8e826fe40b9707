import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { elementCallPlugin } from "./widgets/vite-plugin.ts";

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The web client. `web/` is the Vite root; the build goes to dist/web and is served by the
 * stack's `web` service (homeserver-config/src/stack/all-services.ts → web/server/).
 * Code splitting keeps the login screen small: matrix-js-sdk and the chat UI load after login,
 * the Rust crypto bindings and their wasm (a separate file, never inlined) after that.
 */
export default defineConfig({
  // The test runner sets NODE_ENV=test; the bundle must still be React's production build.
  mode: "production",
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  root: path.join(root, "web"),
  base: "./",
  publicDir: path.join(root, "web/public"),
  // Element Call (AGPL-3.0) served at /widgets/element-call/ and copied into the build.
  plugins: [elementCallPlugin()],
  build: {
    outDir: path.join(root, "dist/web"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The crypto wasm is ~7.8 MB raw: it must stay a file of its own.
    assetsInlineLimit: (file) => (file.endsWith(".wasm") ? false : undefined),
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
  worker: { format: "es" },
});
