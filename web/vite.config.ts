import { defineConfig } from "vite";

// The chat page `npm start` serves at /. Built by `npm run build` (and by the browser test) into web/dist.
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  build: { outDir: "dist", emptyOutDir: true },
  logLevel: "error", // the SDK's "use client" directives only warn
});
