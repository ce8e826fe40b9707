/**
 * Federation server discovery (Matrix server-server API, "Resolving server names"): IP literal,
 * explicit port, `/.well-known/matrix/server` delegation, SRV `_matrix-fed._tcp` then the
 * deprecated `_matrix._tcp`, then port 8448. Pure: the network is behind `DiscoveryNet`.
 */
import { formatHostPort, parseServerName, type ServerName } from "./server-name.ts";

export const DEFAULT_FEDERATION_PORT = 8448;

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** The lookups discovery needs. Implementations never throw: a failure is `undefined` / `[]`. */
export interface DiscoveryNet {
  /** `m.server` of `https://<hostname>/.well-known/matrix/server`, or undefined on any failure. */
  wellKnownServer(hostname: string): Promise<string | undefined>;
  /** SRV records of `name` (e.g. `_matrix-fed._tcp.example.org`), empty when none. */
  srv(name: string): Promise<SrvRecord[]>;
}

export type DiscoveryStep =
  "ip-literal" | "explicit-port" | "well-known" | "srv" | "srv-legacy" | "default-port";

/** Where to send federation requests for a server name. */
export interface FederationTarget {
  /** IP literal or DNS name to connect to (resolved by A/AAAA lookups). */
  host: string;
  port: number;
  /** Value of the Host header. */
  hostHeader: string;
  /** Name the server's certificate must be valid for (also the SNI when not an IP). */
  tlsName: string;
  /** How discovery arrived here, for logs and tests. */
  steps: DiscoveryStep[];
}

/** Targets in the order to try them (several only with SRV). */
export async function discoverServer(
  serverName: string,
  net: DiscoveryNet,
): Promise<FederationTarget[]> {
  const parsed = parseServerName(serverName);
  if (!parsed) throw new Error(`"${serverName}" is not a valid Matrix server name`);
  const direct = literalOrExplicit(parsed, []);
  if (direct) return [direct];

  const delegated = await net.wellKnownServer(parsed.host);
  const delegation = delegated === undefined ? undefined : parseServerName(delegated);
  if (delegation) {
    const steps: DiscoveryStep[] = ["well-known"];
    return (
      maybe(literalOrExplicit(delegation, steps)) ??
      (await viaSrv(delegation.host, net, steps)) ?? [
        fixed(delegation.host, undefined, delegation.host, [...steps, "default-port"]),
      ]
    );
  }
  return (
    (await viaSrv(parsed.host, net, [])) ?? [
      fixed(parsed.host, undefined, parsed.host, ["default-port"]),
    ]
  );
}

function maybe(t: FederationTarget | undefined): FederationTarget[] | undefined {
  return t ? [t] : undefined;
}

/** Steps 1 and 2 (and 3.1, 3.2 for a delegated name): no lookup needed beyond A/AAAA. */
function literalOrExplicit(name: ServerName, steps: DiscoveryStep[]): FederationTarget | undefined {
  if (name.ipLiteral) {
    return fixed(name.host, name.port, name.host, [...steps, "ip-literal"]);
  }
  if (name.port !== undefined) {
    return fixed(name.host, name.port, name.host, [...steps, "explicit-port"]);
  }
  return undefined;
}

/**
 * A target without SRV. The Host header carries a port only when the name (or its
 * delegation) gave one explicitly; otherwise the port is 8448.
 */
function fixed(
  host: string,
  explicitPort: number | undefined,
  tlsName: string,
  steps: DiscoveryStep[],
): FederationTarget {
  return {
    host,
    port: explicitPort ?? DEFAULT_FEDERATION_PORT,
    hostHeader: formatHostPort(host, explicitPort),
    tlsName,
    steps,
  };
}

/** Steps 4/5 (and 3.3/3.4): SRV records; certificate and Host stay the name looked up. */
async function viaSrv(
  hostname: string,
  net: DiscoveryNet,
  steps: DiscoveryStep[],
): Promise<FederationTarget[] | undefined> {
  for (const [prefix, step] of [
    ["_matrix-fed._tcp.", "srv"],
    ["_matrix._tcp.", "srv-legacy"],
  ] as const) {
    const records = usable(await net.srv(prefix + hostname));
    if (records.length > 0) {
      return orderSrv(records).map((r) => ({
        host: r.name,
        port: r.port,
        hostHeader: hostname,
        tlsName: hostname,
        steps: [...steps, step],
      }));
    }
  }
  return undefined;
}

/** A single record whose target is "." means "no service here" (RFC 2782). */
function usable(records: SrvRecord[]): SrvRecord[] {
  return records.filter((r) => r.name !== "" && r.name !== ".");
}

/**
 * RFC 2782 order: lowest priority first; within a priority, weighted random order.
 * `random` is injectable so the order is testable.
 */
export function orderSrv(records: SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const pool = [...byPriority.get(priority)!];
    while (pool.length > 0) {
      const total = pool.reduce((sum, r) => sum + r.weight, 0);
      let pick = 0;
      if (total > 0) {
        let point = random() * total;
        pick = pool.findIndex((r) => (point -= r.weight) < 0);
        if (pick < 0) pick = pool.length - 1;
      }
      out.push(pool.splice(pick, 1)[0]!);
    }
  }
  return out;
}
