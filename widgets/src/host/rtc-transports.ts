/**
 * Where a call's media goes: the homeserver's MatrixRTC transports endpoint (MSC4143) first,
 * then the `org.matrix.msc4143.rtc_foci` list of `/.well-known/matrix/client`. Pure parsing
 * plus a discovery function over injected fetchers.
 */
import type { IRtcTransport } from "matrix-widget-api";

export const WELL_KNOWN_FOCI_KEY = "org.matrix.msc4143.rtc_foci";

function isTransport(t: unknown): t is IRtcTransport {
  return typeof t === "object" && t !== null && typeof (t as { type?: unknown }).type === "string";
}

/** Transports from the homeserver's answer; accepts `rtc_transports` or `transports`. */
export function parseTransportsResponse(body: unknown): IRtcTransport[] {
  if (typeof body !== "object" || body === null) return [];
  const b = body as Record<string, unknown>;
  const list = Array.isArray(b.rtc_transports)
    ? b.rtc_transports
    : Array.isArray(b.transports)
      ? b.transports
      : [];
  return list.filter(isTransport);
}

/** Transports advertised in a client well-known document. */
export function parseWellKnownFoci(body: unknown): IRtcTransport[] {
  if (typeof body !== "object" || body === null) return [];
  const list = (body as Record<string, unknown>)[WELL_KNOWN_FOCI_KEY];
  return Array.isArray(list) ? list.filter(isTransport) : [];
}

export interface TransportSources {
  /** The homeserver endpoint's raw answer; throws when the homeserver lacks it. */
  fromHomeserver(): Promise<unknown>;
  /** The client well-known document, or null when there is none. */
  wellKnown(): Promise<unknown>;
}

export class NoRtcTransportError extends Error {
  readonly code = "no_rtc_transport";
  constructor(message: string) {
    super(message);
    this.name = "NoRtcTransportError";
  }
}

export async function discoverRtcTransports(
  sources: TransportSources,
): Promise<{ transports: IRtcTransport[]; source: "homeserver" | "well-known" }> {
  let homeserverError: unknown;
  try {
    const transports = parseTransportsResponse(await sources.fromHomeserver());
    if (transports.length > 0) return { transports, source: "homeserver" };
  } catch (err) {
    homeserverError = err;
  }
  const transports = parseWellKnownFoci(await sources.wellKnown().catch(() => null));
  if (transports.length > 0) return { transports, source: "well-known" };
  const why = homeserverError instanceof Error ? ` (homeserver: ${homeserverError.message})` : "";
  throw new NoRtcTransportError(
    `Neither the homeserver nor its .well-known advertise a MatrixRTC transport${why}`,
  );
}
