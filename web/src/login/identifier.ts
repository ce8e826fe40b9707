/** What the user typed in the login field: an e-mail address or a Matrix ID. Pure. */
export type LoginIdentifier =
  | { kind: "email"; address: string }
  | { kind: "mxid"; userId: string; serverName: string; localpart: string };

const MXID = /^@([^:\s]+):([A-Za-z0-9.-]+(?::\d+)?)$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function parseIdentifier(input: string): LoginIdentifier | null {
  const text = input.trim();
  const m = MXID.exec(text);
  if (m) return { kind: "mxid", userId: text, localpart: m[1]!, serverName: m[2]! };
  if (EMAIL.test(text)) return { kind: "email", address: text.normalize("NFC").toLowerCase() };
  return null;
}

/** `@localpart:server` → server name, or null. */
export function serverNameOf(userId: string): string | null {
  return MXID.exec(userId)?.[2] ?? null;
}
