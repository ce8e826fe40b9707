import { randomBytes } from "node:crypto";
import { matrixRequest } from "../../homeserver-config/src/admin/matrix-http.ts";
import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";
import type { TestClient } from "./matrix-test-client.ts";

/** Helpers for the policy tests: what a user or a client does, over HTTP. */

export function homeserver(stack: StackDescription, id: string) {
  const hs = stack.homeservers.find((h) => h.id === id);
  if (!hs) throw new Error(`no homeserver ${id}`);
  return hs;
}

/** A fresh address nobody used yet in this run. */
export function uniqueAddress(local: string, domain: string): string {
  return `${local}.${Date.now().toString(36)}${randomBytes(2).toString("hex")}@${domain}`;
}

interface CaughtMail {
  to: string[];
  text: string;
}

/** Waits for the local mail catcher to receive a mail for `address`, returns its text. */
export async function waitForMail(
  stack: StackDescription,
  address: string,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(
      `${stack.services.mail!.url}/messages?to=${encodeURIComponent(address)}`,
    );
    const { messages } = (await res.json()) as { messages: CaughtMail[] };
    if (messages.length > 0) return messages.at(-1)!.text;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail for ${address} within ${timeoutMs} ms`);
}

/** Step 1 of e-mail registration: the homeserver sends a validation link (or refuses). */
export function requestRegistrationToken(
  stack: StackDescription,
  hsId: string,
  email: string,
  clientSecret: string,
): Promise<{ sid: string }> {
  return matrixRequest(
    homeserver(stack, hsId).clientUrl,
    "/_matrix/client/v3/register/email/requestToken",
    {
      method: "POST",
      body: { client_secret: clientSecret, email, send_attempt: 1 },
    },
  );
}

/**
 * The whole registration a person does: ask for a token, open the link from the mail,
 * register with the validated address. Returns the new user's id and access token.
 */
export async function registerWithEmail(
  stack: StackDescription,
  hsId: string,
  email: string,
  password: string,
): Promise<{ user_id: string; access_token: string }> {
  const hs = homeserver(stack, hsId);
  const clientSecret = randomBytes(12).toString("hex");
  const { sid } = await requestRegistrationToken(stack, hsId, email, clientSecret);
  const mail = await waitForMail(stack, email);
  const link = /https?:\/\/\S+submit_token\?\S+/.exec(mail)?.[0];
  if (!link) throw new Error(`no validation link in the mail:\n${mail}`);
  const opened = await fetch(link.replace(/[>)\]]+$/, ""));
  if (!opened.ok) throw new Error(`validation link answered ${opened.status}`);
  const session = await fetch(`${hs.clientUrl}/_matrix/client/v3/register`, {
    method: "POST",
    body: JSON.stringify({ password }),
  }).then(async (r) => ((await r.json()) as { session: string }).session);
  return matrixRequest(hs.clientUrl, "/_matrix/client/v3/register", {
    method: "POST",
    body: {
      password,
      initial_device_display_name: "policy-test",
      auth: {
        type: "m.login.email.identity",
        threepid_creds: { sid, client_secret: clientSecret },
        session,
      },
    },
  });
}

/** Records, as `inviter`, an invitation of an external address with the directory. */
export async function inviteByEmail(
  stack: StackDescription,
  inviter: TestClient,
  address: string,
  roomId?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const openid = await inviter.request<{ access_token: string; matrix_server_name: string }>(
    `/_matrix/client/v3/user/${encodeURIComponent(inviter.userId)}/openid/request_token`,
    { method: "POST", body: {} },
  );
  const res = await fetch(`${stack.services.directory!.url}/_tchap/directory/v1/invitations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ address, room_id: roomId, openid }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
