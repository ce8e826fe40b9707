import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** LiveKit-style id: prefix (`PA_`, `TR_`, `RM_`) plus 12 random characters. */
export function newSid(prefix: "PA_" | "TR_" | "RM_"): string {
  const bytes = randomBytes(12);
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}
