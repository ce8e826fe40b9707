import { describe, expect, it } from "vitest";
import {
  discoverServer,
  orderSrv,
  type DiscoveryNet,
  type SrvRecord,
} from "../../rtc/auth/discovery/resolve.ts";
import { formatHostPort, parseServerName } from "../../rtc/auth/discovery/server-name.ts";
import {
  parseWellKnown,
  WELL_KNOWN_DEFAULT_TTL_MS,
  WELL_KNOWN_ERROR_TTL_MS,
  WELL_KNOWN_MAX_TTL_MS,
  wellKnownTtlMs,
} from "../../rtc/auth/discovery/well-known.ts";

/** A scripted network that records what discovery asked for. */
function scriptedNet(
  wellKnown: Record<string, string> = {},
  srv: Record<string, SrvRecord[]> = {},
): DiscoveryNet & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async wellKnownServer(hostname) {
      asked.push(`well-known ${hostname}`);
      return wellKnown[hostname];
    },
    async srv(name) {
      asked.push(`srv ${name}`);
      return srv[name] ?? [];
    },
  };
}

const rec = (name: string, port: number, priority = 10, weight = 0): SrvRecord => ({
  name,
  port,
  priority,
  weight,
});

describe("server names", () => {
  it("parses DNS names, IPv4 and bracketed IPv6 literals, with or without a port", () => {
    expect(parseServerName("example.org")).toEqual({ host: "example.org", ipLiteral: false });
    expect(parseServerName("example.org:8449")).toEqual({
      host: "example.org",
      port: 8449,
      ipLiteral: false,
    });
    expect(parseServerName("1.2.3.4:1")).toEqual({ host: "1.2.3.4", port: 1, ipLiteral: true });
    expect(parseServerName("[::1]:8448")).toEqual({ host: "::1", port: 8448, ipLiteral: true });
    expect(parseServerName("[2001:db8::1]")).toEqual({ host: "2001:db8::1", ipLiteral: true });
  });

  it("refuses what is not a server name", () => {
    for (const bad of [
      "",
      "exa mple.org",
      "example.org:",
      "example.org:0",
      "example.org:65536",
      "example.org:80a",
      "[::1",
      "[not-ip]:80",
      "::1",
      "a..b",
      ".example.org",
      "user@example.org",
      "example.org/path",
    ]) {
      expect(parseServerName(bad), bad).toBeUndefined();
    }
  });

  it("writes Host headers with brackets around IPv6", () => {
    expect(formatHostPort("::1", 8448)).toBe("[::1]:8448");
    expect(formatHostPort("example.org")).toBe("example.org");
  });
});

describe("federation server discovery", () => {
  it("uses an IP literal as is, port 8448 unless given, asking nothing", async () => {
    const net = scriptedNet();
    expect(await discoverServer("127.0.0.2", net)).toEqual([
      {
        host: "127.0.0.2",
        port: 8448,
        hostHeader: "127.0.0.2",
        tlsName: "127.0.0.2",
        steps: ["ip-literal"],
      },
    ]);
    expect(await discoverServer("[::1]:9000", net)).toEqual([
      { host: "::1", port: 9000, hostHeader: "[::1]:9000", tlsName: "::1", steps: ["ip-literal"] },
    ]);
    expect(net.asked).toEqual([]);
  });

  it("uses an explicit port without .well-known or SRV; Host carries the port", async () => {
    const net = scriptedNet({ "example.org": "elsewhere.org" });
    expect(await discoverServer("example.org:8449", net)).toEqual([
      {
        host: "example.org",
        port: 8449,
        hostHeader: "example.org:8449",
        tlsName: "example.org",
        steps: ["explicit-port"],
      },
    ]);
    expect(net.asked).toEqual([]);
  });

  it("follows a .well-known delegation with a port; certificate for the delegated name", async () => {
    const net = scriptedNet({ "example.org": "matrix.example.net:443" });
    expect(await discoverServer("example.org", net)).toEqual([
      {
        host: "matrix.example.net",
        port: 443,
        hostHeader: "matrix.example.net:443",
        tlsName: "matrix.example.net",
        steps: ["well-known", "explicit-port"],
      },
    ]);
    expect(net.asked).toEqual(["well-known example.org"]);
  });

  it("follows a .well-known delegation to an IP literal", async () => {
    const net = scriptedNet({ "example.org": "10.0.0.7" });
    const [t] = await discoverServer("example.org", net);
    expect(t).toMatchObject({ host: "10.0.0.7", port: 8448, hostHeader: "10.0.0.7" });
  });

  it("looks up SRV for a delegated name without port; Host and certificate stay the delegated name", async () => {
    const net = scriptedNet(
      { "example.org": "matrix.example.net" },
      { "_matrix-fed._tcp.matrix.example.net": [rec("node1.example.net", 8450)] },
    );
    expect(await discoverServer("example.org", net)).toEqual([
      {
        host: "node1.example.net",
        port: 8450,
        hostHeader: "matrix.example.net",
        tlsName: "matrix.example.net",
        steps: ["well-known", "srv"],
      },
    ]);
  });

  it("falls back to the deprecated _matrix._tcp, then 8448, for a delegated name", async () => {
    const legacy = scriptedNet(
      { "example.org": "matrix.example.net" },
      { "_matrix._tcp.matrix.example.net": [rec("old.example.net", 8451)] },
    );
    expect((await discoverServer("example.org", legacy))[0]).toMatchObject({
      host: "old.example.net",
      port: 8451,
      steps: ["well-known", "srv-legacy"],
    });
    expect(legacy.asked).toEqual([
      "well-known example.org",
      "srv _matrix-fed._tcp.matrix.example.net",
      "srv _matrix._tcp.matrix.example.net",
    ]);
    const none = scriptedNet({ "example.org": "matrix.example.net" });
    expect(await discoverServer("example.org", none)).toEqual([
      {
        host: "matrix.example.net",
        port: 8448,
        hostHeader: "matrix.example.net",
        tlsName: "matrix.example.net",
        steps: ["well-known", "default-port"],
      },
    ]);
  });

  it("without .well-known: SRV of the server name, certificate for the server name", async () => {
    const net = scriptedNet({}, { "_matrix-fed._tcp.example.org": [rec("fed.example.org", 443)] });
    expect(await discoverServer("example.org", net)).toEqual([
      {
        host: "fed.example.org",
        port: 443,
        hostHeader: "example.org",
        tlsName: "example.org",
        steps: ["srv"],
      },
    ]);
  });

  it("without anything: the server name on 8448", async () => {
    const net = scriptedNet();
    expect(await discoverServer("ministere-a.localhost", net)).toEqual([
      {
        host: "ministere-a.localhost",
        port: 8448,
        hostHeader: "ministere-a.localhost",
        tlsName: "ministere-a.localhost",
        steps: ["default-port"],
      },
    ]);
    expect(net.asked).toEqual([
      "well-known ministere-a.localhost",
      "srv _matrix-fed._tcp.ministere-a.localhost",
      "srv _matrix._tcp.ministere-a.localhost",
    ]);
  });

  it("ignores an invalid delegation and an SRV record that says 'no service'", async () => {
    const net = scriptedNet(
      { "example.org": "not a name" },
      { "_matrix-fed._tcp.example.org": [rec(".", 0)] },
    );
    expect((await discoverServer("example.org", net))[0]).toMatchObject({
      host: "example.org",
      port: 8448,
      steps: ["default-port"],
    });
  });

  it("refuses an invalid server name before any lookup", async () => {
    const net = scriptedNet();
    await expect(discoverServer("bad name", net)).rejects.toThrow(/not a valid Matrix server name/);
    expect(net.asked).toEqual([]);
  });
});

describe("SRV order (RFC 2782)", () => {
  it("tries lower priority first, and within a priority picks by weight", () => {
    const records = [rec("c", 3, 20), rec("a", 1, 10, 0), rec("b", 2, 10, 100)];
    // random() = 0: the first record whose running weight exceeds 0 is "b" (weight 100).
    expect(orderSrv(records, () => 0).map((r) => r.name)).toEqual(["b", "a", "c"]);
    expect(orderSrv(records, () => 0.999).map((r) => r.name)).toEqual(["b", "a", "c"]);
    const even = [rec("x", 1, 5, 1), rec("y", 2, 5, 1)];
    expect(orderSrv(even, () => 0.75).map((r) => r.name)).toEqual(["y", "x"]);
    expect(orderSrv(even, () => 0.25).map((r) => r.name)).toEqual(["x", "y"]);
  });
});

describe(".well-known/matrix/server answers", () => {
  it("reads m.server from a 200 JSON answer", () => {
    expect(parseWellKnown(200, '{"m.server":"matrix.example.net:443"}')).toBe(
      "matrix.example.net:443",
    );
  });

  it("treats anything else as no delegation", () => {
    expect(parseWellKnown(404, '{"m.server":"a.org"}')).toBeUndefined();
    expect(parseWellKnown(200, "<html>")).toBeUndefined();
    expect(parseWellKnown(200, "[]")).toBeUndefined();
    expect(parseWellKnown(200, '{"m.server": 5}')).toBeUndefined();
    expect(parseWellKnown(200, '{"m.server": "bad name"}')).toBeUndefined();
  });

  it("caches by Cache-Control, 24 h by default, at most 48 h, errors 1 h", () => {
    expect(wellKnownTtlMs("a.org")).toBe(WELL_KNOWN_DEFAULT_TTL_MS);
    expect(wellKnownTtlMs("a.org", "public, max-age=600")).toBe(600_000);
    expect(wellKnownTtlMs("a.org", "max-age=999999999")).toBe(WELL_KNOWN_MAX_TTL_MS);
    expect(wellKnownTtlMs("a.org", "no-store")).toBe(0);
    expect(wellKnownTtlMs(undefined, "max-age=600")).toBe(WELL_KNOWN_ERROR_TTL_MS);
  });
});

describe("hosts files (split-horizon federation addresses)", () => {
  it("maps each name to the first address that lists it, ignoring comments", async () => {
    const { parseHostsFile } = await import("../../rtc/auth/discovery/hosts-file.ts");
    expect(
      parseHostsFile(
        "# local federation\n127.0.0.1 localhost\n127.0.44.2 Ministere-A.localhost hs-a # a\n" +
          "10.0.0.1 ministere-a.localhost\nnot-an-ip name\n::1 ip6-localhost\n",
      ),
    ).toEqual({
      localhost: "127.0.0.1",
      "ministere-a.localhost": "127.0.44.2",
      "hs-a": "127.0.44.2",
      "ip6-localhost": "::1",
    });
  });
});
