import { round, type Benchmark } from "../../tests/bench/harness.ts";
import { BUDGET_KB, measureBundle } from "./bundle-size.ts";

/** Web bundle sizes (gzip) against the budgets; builds the client if it is stale. */
export const webBundleSize: Benchmark = {
  name: "web bundle size",
  async run({ projectRoot }) {
    const s = await measureBundle(projectRoot);
    return [
      {
        metric: "login screen JS (gzip)",
        value: round(s.loginScreenKb),
        unit: "KB",
        target: `≤ ${BUDGET_KB.loginScreen}`,
        met: s.loginScreenKb <= BUDGET_KB.loginScreen,
      },
      {
        metric: "whole client JS+CSS, without crypto wasm (gzip)",
        value: round(s.wholeClientKb),
        unit: "KB",
        target: `≤ ${BUDGET_KB.wholeClient}`,
        met: s.wholeClientKb <= BUDGET_KB.wholeClient,
      },
      {
        metric: "crypto wasm, loaded after login (gzip)",
        value: round(s.cryptoWasmKb),
        unit: "KB",
      },
    ];
  },
};
