import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
        },
      },
      {
        // Everything that needs the running federation (one stack for the whole run):
        // integration tests over HTTP and browser end-to-end tests.
        test: {
          name: "stack",
          include: ["tests/integration/**/*.test.ts", "tests/e2e/**/*.test.ts"],
          exclude: ["tests/e2e/sfu/**"],
          globalSetup: ["tests/fixtures/federation-global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        // The embedded SFU with real Chromium + livekit-client; needs no federation.
        test: {
          name: "e2e",
          include: ["tests/e2e/sfu/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
