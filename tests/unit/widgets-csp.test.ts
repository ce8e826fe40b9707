import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CspConfigError,
  elementCallCspDirectives,
  hostCallCspDirectives,
  inlineScriptHashes,
  mergeCsp,
  rtcConnectSources,
  serializeCsp,
} from "../../widgets/src/csp.ts";
import {
  parseTransportsResponse,
  parseWellKnownFoci,
} from "../../widgets/src/host/rtc-transports.ts";

const html = `<html><head><script>window.global = window;</script><script>
  if (!x) { y(); }
</script><script type="module" crossorigin src="./assets/index.js"></script></head></html>`;

describe("Element Call CSP", () => {
  it("hashes exactly the inline scripts", () => {
    const sha = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
    expect(inlineScriptHashes(html)).toEqual([
      sha("window.global = window;"),
      sha("\n  if (!x) { y(); }\n"),
    ]);
  });

  it("allows wasm, blob workers, the homeservers and only the RTC services given", () => {
    const d = elementCallCspDirectives({
      indexHtml: html,
      rtcUrls: [
        "http://127.0.0.1:19088",
        "ws://127.0.0.1:19089",
        "https://rtc.ministere-a.gouv.fr/livekit/jwt",
      ],
      homeserverUrls: ["https://matrix.ministere-a.gouv.fr/", "https://matrix.ministere-a.gouv.fr"],
    });
    expect(d["default-src"]).toEqual(["'none'"]);
    expect(d["script-src"]).toContain("'wasm-unsafe-eval'");
    expect(d["script-src"]).not.toContain("'unsafe-inline'");
    expect(d["script-src"]).not.toContain("'unsafe-eval'");
    expect(d["worker-src"]).toEqual(["'self'", "blob:"]);
    expect(d["frame-ancestors"]).toEqual(["'self'"]);
    expect(d["connect-src"]).toEqual([
      "'self'",
      "https://matrix.ministere-a.gouv.fr",
      "http://127.0.0.1:19088",
      "ws://127.0.0.1:19088",
      "http://127.0.0.1:19089",
      "ws://127.0.0.1:19089",
      "https://rtc.ministere-a.gouv.fr",
      "wss://rtc.ministere-a.gouv.fr",
    ]);
    expect(serializeCsp(d)).toMatch(
      /^default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-/,
    );
  });

  it("rejects RTC URLs that are not absolute http(s)/ws(s)", () => {
    expect(() => rtcConnectSources(["/relative"])).toThrow(CspConfigError);
    expect(() => rtcConnectSources(["ftp://x"])).toThrow(/must be http/);
  });

  it("merges the host's frame-src for our widget and listed widget origins", () => {
    const merged = mergeCsp(
      { "default-src": ["'self'"], "frame-src": ["'self'"] },
      hostCallCspDirectives({ thirdPartyWidgetOrigins: ["https://widgets.example"] }),
    );
    expect(merged["frame-src"]).toEqual(["'self'", "https://widgets.example"]);
  });
});

describe("RTC transport answers", () => {
  it("accepts both rtc_transports and transports, keeping only typed entries", () => {
    expect(parseTransportsResponse({ rtc_transports: [{ type: "livekit" }, 3] })).toEqual([
      { type: "livekit" },
    ]);
    expect(parseTransportsResponse({ transports: [{ type: "livekit" }] })).toEqual([
      { type: "livekit" },
    ]);
    expect(parseTransportsResponse("nope")).toEqual([]);
    expect(parseWellKnownFoci({ "m.homeserver": {} })).toEqual([]);
  });
});

describe("Element Call config", () => {
  it("overrides only the settings we set, keeping the package's others", async () => {
    const { mergeConfig, TCHAP_ELEMENT_CALL_CONFIG } =
      await import("../../widgets/src/serve/element-call-files.ts");
    const base = { matrix_rtc_session: { wait_for_key_rotation_ms: 5000, other: 1 }, livekit: {} };
    expect(mergeConfig(base, TCHAP_ELEMENT_CALL_CONFIG)).toEqual({
      matrix_rtc_session: { wait_for_key_rotation_ms: 2000, other: 1 },
      livekit: {},
    });
    // Never analytics or crash reporting.
    expect(JSON.stringify(TCHAP_ELEMENT_CALL_CONFIG)).not.toMatch(/posthog|sentry|rageshake/);
  });
});
