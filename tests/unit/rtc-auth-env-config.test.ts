import { describe, expect, it } from "vitest";
import { configFromEnv, SKIP_VERIFY_TLS_VALUE } from "../../rtc/auth/env-config.ts";

const SECRET = "0123456789abcdef0123456789abcdef";
const files: Record<string, string> = {
  "/k/keys.yaml": `APIabc: ${SECRET}\n`,
  "/k/key": "APIfromfile\n",
  "/k/secret": `${SECRET}\n`,
};
const read = (f: string) => {
  const text = files[f];
  if (text === undefined) throw new Error("ENOENT");
  return text;
};
const base = {
  LIVEKIT_URL: "wss://livekit.example",
  LIVEKIT_KEY: "APIenv",
  LIVEKIT_SECRET: SECRET,
};
const parse = (env: Record<string, string | undefined>) =>
  configFromEnv(env, read, "/default/federation.yaml");

describe("authorization service settings from the environment (lk-jwt-service names)", () => {
  it("reads LIVEKIT_URL, key and secret; binds :8080 and verifies TLS by default", () => {
    expect(parse(base)).toEqual({
      host: "0.0.0.0",
      port: 8080,
      livekitUrl: "wss://livekit.example",
      apiKey: "APIenv",
      apiSecret: SECRET,
      verifyTls: true,
      federationFile: "/default/federation.yaml",
    });
  });

  it("reads keys from LiveKit's key file, or key and secret files", () => {
    expect(
      parse({ LIVEKIT_URL: base.LIVEKIT_URL, LIVEKIT_KEY_FILE: "/k/keys.yaml" }),
    ).toMatchObject({
      apiKey: "APIabc",
      apiSecret: SECRET,
    });
    expect(
      parse({
        LIVEKIT_URL: base.LIVEKIT_URL,
        LIVEKIT_KEY_FROM_FILE: "/k/key",
        LIVEKIT_SECRET_FROM_FILE: "/k/secret",
      }),
    ).toMatchObject({ apiKey: "APIfromfile", apiSecret: SECRET });
  });

  it("takes a bind address, an internal API URL, a federation file and the TLS escape hatch", () => {
    expect(
      parse({
        ...base,
        LIVEKIT_JWT_BIND: "127.0.0.1:9000",
        LIVEKIT_API_URL: "http://livekit.internal:7880",
        TCHAP_FEDERATION_FILE: "/etc/tchap/federation.yaml",
        LIVEKIT_INSECURE_SKIP_VERIFY_TLS: SKIP_VERIFY_TLS_VALUE,
      }),
    ).toMatchObject({
      host: "127.0.0.1",
      port: 9000,
      livekitApiUrl: "http://livekit.internal:7880",
      federationFile: "/etc/tchap/federation.yaml",
      verifyTls: false,
    });
    expect(parse({ ...base, LIVEKIT_JWT_BIND: "[::1]:8081" })).toMatchObject({ host: "::1" });
    // Only the exact phrase turns verification off.
    expect(parse({ ...base, LIVEKIT_INSECURE_SKIP_VERIFY_TLS: "yes" }).verifyTls).toBe(true);
  });

  it("says what is wrong", () => {
    expect(() => parse({ ...base, LIVEKIT_URL: undefined })).toThrow("LIVEKIT_URL must be set");
    expect(() => parse({ ...base, LIVEKIT_URL: "http://x" })).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => parse({ ...base, LIVEKIT_SECRET: "short" })).toThrow(/at least 32/);
    expect(() => parse({ LIVEKIT_URL: base.LIVEKIT_URL })).toThrow(/key and secret must be set/);
    expect(() => parse({ ...base, LIVEKIT_KEY_FILE: "/missing" })).toThrow(/cannot read \/missing/);
    expect(() => parse({ ...base, LIVEKIT_JWT_BIND: "8080" })).toThrow(/LIVEKIT_JWT_BIND/);
    expect(() => parse({ ...base, LIVEKIT_JWT_BIND: ":1", LIVEKIT_JWT_PORT: "2" })).toThrow(
      /not be set together/,
    );
    expect(() => parse({ ...base, LIVEKIT_FULL_ACCESS_HOMESERVERS: "*" })).toThrow(
      /federation file decides/,
    );
  });
});
