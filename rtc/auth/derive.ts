/**
 * LiveKit room names and identities, derived exactly as lk-jwt-service 0.5 does (Go):
 * unpadded standard base64 of SHA-256 over Go's `json.Marshal([]string{…})`.
 * Element Call and other deployments of lk-jwt-service must land in the same LiveKit room
 * for the same Matrix room, so the bytes hashed here must match Go's byte for byte.
 */
import { createHash } from "node:crypto";

/** The only MatrixRTC slot of the `m.call` application; `/sfu/get` always uses it. */
export const CALL_SLOT_ID = "m.call#ROOM";

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * A string as Go's encoding/json (Go ≥ 1.22) writes it: HTML-safe escapes for `<`, `>`, `&`,
 * `\u2028`, `\u2029`, lowercase `\u00xx` for other control characters, and U+FFFD for lone
 * surrogates (Go decodes an invalid `\ud800` escape to U+FFFD before it ever hashes it).
 */
export function goJsonString(value: string): string {
  let out = '"';
  for (const ch of wellFormed(value)) {
    const short = SHORT_ESCAPES[ch];
    const code = ch.codePointAt(0)!;
    if (short) out += short;
    else if (code < 0x20 || ch === "<" || ch === ">" || ch === "&") {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, "\ufffd");
}

/** Go's `json.Marshal([]string{…})`: no spaces. */
export function goJsonStringArray(values: string[]): string {
  return `[${values.map(goJsonString).join(",")}]`;
}

export function unpaddedBase64Sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64").replace(/=+$/, "");
}

/** LiveKit room name for a MatrixRTC slot of a Matrix room. */
export function livekitRoomName(matrixRoomId: string, slotId: string = CALL_SLOT_ID): string {
  return unpaddedBase64Sha256(goJsonStringArray([matrixRoomId, slotId]));
}

/** `/get_token`: a pseudonymous identity per (user, device, MatrixRTC member id). */
export function memberIdentity(userId: string, deviceId: string, memberId: string): string {
  return unpaddedBase64Sha256(goJsonStringArray([userId, deviceId, memberId]));
}

/** `/sfu/get` (legacy): `@user:server:DEVICE`. */
export function legacyIdentity(userId: string, deviceId: string): string {
  return `${userId}:${deviceId}`;
}
