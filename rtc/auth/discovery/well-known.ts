/** `/.well-known/matrix/server`: reading the answer and how long to believe it (pure). */
import { parseServerName } from "./server-name.ts";

const HOUR = 3_600_000;
/** Spec defaults: 24 h when the answer names no lifetime, at most 48 h, errors up to 1 h. */
export const WELL_KNOWN_DEFAULT_TTL_MS = 24 * HOUR;
export const WELL_KNOWN_MAX_TTL_MS = 48 * HOUR;
export const WELL_KNOWN_ERROR_TTL_MS = HOUR;

/** The delegated server name of a 200 answer, or undefined when the answer is unusable. */
export function parseWellKnown(status: number, body: string): string | undefined {
  if (status !== 200) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null) return undefined;
  const server = (json as Record<string, unknown>)["m.server"];
  if (typeof server !== "string" || !parseServerName(server)) return undefined;
  return server;
}

/** Milliseconds to cache an answer, from its Cache-Control header. */
export function wellKnownTtlMs(delegated: string | undefined, cacheControl?: string): number {
  if (delegated === undefined) return WELL_KNOWN_ERROR_TTL_MS;
  const directives = (cacheControl ?? "").toLowerCase();
  if (/(^|[,\s])(no-store|no-cache)\b/.test(directives)) return 0;
  const maxAge = /(?:^|[,\s])max-age\s*=\s*"?(\d+)/.exec(directives);
  if (!maxAge) return WELL_KNOWN_DEFAULT_TTL_MS;
  return Math.min(Number(maxAge[1]) * 1000, WELL_KNOWN_MAX_TTL_MS);
}
