import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { configFromEnv } from "../../rtc/auth/env-config.ts";
import {
  authServiceEnv,
  liveKitKeyFile,
  liveKitYaml,
  renderLiveKitConfig,
} from "../../rtc/production/livekit-config.ts";
import { parseRtcDeployment } from "../../rtc/production/load-deployment.ts";

const exampleFile = path.resolve(import.meta.dirname, "../../rtc/production/rtc-deployment.yaml");
const example = parseRtcDeployment(readFileSync(exampleFile, "utf8"), exampleFile);

const minimal = (livekit: string) =>
  parseRtcDeployment(`version: 1\nlivekit:\n${livekit}`, "rtc.yaml");

describe("production livekit.yaml", () => {
  it("renders a multi-node cluster: Redis, no auto-created rooms, ports, keys from a file", () => {
    const config = parse(liveKitYaml(example, "rtc-deployment.yaml")) as Record<string, unknown>;
    expect(config).toEqual(renderLiveKitConfig(example));
    expect(config).toMatchObject({
      port: 7880,
      rtc: {
        tcp_port: 7881,
        port_range_start: 50000,
        port_range_end: 60000,
        use_external_ip: true,
      },
      redis: { address: "redis.rtc.internal:6379", db: 0, use_tls: true },
      room: { auto_create: false, empty_timeout: 300, departure_timeout: 20 },
      turn: { enabled: true, domain: "turn.tchap.gouv.fr", tls_port: 5349, external_tls: true },
      key_file: "/etc/livekit/keys.yaml",
    });
    expect(config).not.toHaveProperty("keys");
    expect(JSON.stringify(config)).not.toMatch(/password|secret/i);
  });

  it("renders a single node with defaults, and a node IP when given", () => {
    const d = minimal("  url: wss://lk.example\n  rtc: { nodeIp: 192.0.2.10 }\n");
    const config = renderLiveKitConfig(d);
    expect(config).not.toHaveProperty("redis");
    expect(config).not.toHaveProperty("turn");
    expect(config.rtc).toEqual({
      tcp_port: 7881,
      port_range_start: 50000,
      port_range_end: 60000,
      node_ip: "192.0.2.10",
    });
    expect(config.room).toMatchObject({ auto_create: false });
    expect(liveKitYaml(d, "rtc.yaml")).toMatch(/Single node/);
  });

  it("supports Redis Sentinel", () => {
    const d = minimal(
      "  url: wss://lk.example\n  redis:\n    sentinel: { masterName: lk, addresses: ['s1:26379', 's2:26379'] }\n",
    );
    expect(renderLiveKitConfig(d).redis).toEqual({
      sentinel_master_name: "lk",
      sentinel_addresses: ["s1:26379", "s2:26379"],
      db: 0,
      use_tls: true,
    });
  });

  it("points the authorization service at the cluster by environment alone", () => {
    const env = Object.fromEntries(
      authServiceEnv(example)
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    const secret = "s".repeat(43);
    // The key file LiveKit reads is the one the service reads through LIVEKIT_KEY_FILE.
    const config = configFromEnv(
      env,
      (file) => {
        expect(file).toBe("/etc/tchap/livekit-keys.yaml");
        return liveKitKeyFile("APIabc", secret);
      },
      "/unused",
    );
    expect(config).toEqual({
      host: "127.0.0.1",
      port: 8080,
      livekitUrl: "wss://livekit.tchap.gouv.fr",
      livekitApiUrl: "http://livekit.rtc.internal:7880",
      apiKey: "APIabc",
      apiSecret: secret,
      verifyTls: true,
      federationFile: "/etc/tchap/federation.yaml",
    });
  });

  it("says which line of the deployment file is wrong", () => {
    expect(() => minimal("  url: https://lk.example\n")).toThrow(
      "rtc.yaml:3: livekit.url: must be a wss:// URL",
    );
    expect(() =>
      minimal("  url: wss://lk.example\n  rtc:\n    udpPortRange: { start: 6000, end: 5000 }\n"),
    ).toThrow("rtc.yaml:5: livekit.rtc.udpPortRange: start must be below end");
    expect(() => minimal("  url: wss://lk.example\n  redis: { db: 1 }\n")).toThrow(
      /rtc\.yaml:4: livekit\.redis: give exactly one of/,
    );
    expect(() => minimal("  url: wss://lk.example\n  colour: blue\n")).toThrow(
      /rtc\.yaml:3: livekit: Unrecognized key: "colour"/,
    );
    expect(() => parseRtcDeployment("version: 1\nlivekit: [\n", "bad.yaml")).toThrow(
      /^bad\.yaml:\d+:\d+: /,
    );
  });
});
