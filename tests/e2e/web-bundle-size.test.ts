import { describe, expect, it, inject } from "vitest";
import { BUDGET_KB, measureBundle } from "../../web/bench/bundle-size.ts";

describe("web bundle budget", () => {
  it("keeps the login screen and the whole client within their gzip budgets", async () => {
    const sizes = await measureBundle(inject("projectRoot"));
    console.log(
      `web bundle: login ${sizes.loginScreenKb} KB, client ${sizes.wholeClientKb} KB, ` +
        `crypto wasm ${sizes.cryptoWasmKb} KB (gzip)`,
    );
    // The wasm must be its own file, not inlined into JavaScript.
    expect(sizes.cryptoWasmKb).toBeGreaterThan(500);
    expect(sizes.loginScreenKb).toBeLessThanOrEqual(BUDGET_KB.loginScreen);
    expect(sizes.wholeClientKb).toBeLessThanOrEqual(BUDGET_KB.wholeClient);
  });
});
