import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";
import { HttpMatrixApi } from "../matrix/matrix-api.ts";
import type { BotConnection } from "./connection.ts";
import { CryptoConnection } from "./crypto-connection.ts";

export const MEETING_BOT_LOCALPART = "bot.meeting";

/**
 * The meeting bot acts as a user of its homeserver's provisioning appservice namespace
 * (`@bot.*`), with that homeserver's appservice token only.
 */
export function meetingBotApi(
  hs: { serverName: string; clientUrl: string; asToken: string },
  localpart = MEETING_BOT_LOCALPART,
): HttpMatrixApi {
  if (!/^bot\.[a-z0-9._-]+$/.test(localpart)) {
    throw new Error(`bot localpart "${localpart}" is outside the appservice namespace (bot.*)`);
  }
  return new HttpMatrixApi({
    baseUrl: hs.clientUrl,
    serverName: hs.serverName,
    userId: `@${localpart}:${hs.serverName}`,
    accessToken: hs.asToken,
    asUser: true,
  });
}

/** The homeserver the local stack's meeting bot lives on: the first agency's. */
export function stackBotHomeserver(stack: StackDescription, id?: string) {
  const hs = id
    ? stack.homeservers.find((h) => h.id === id)
    : stack.homeservers.find((h) => !h.external);
  if (!hs) throw new Error(`no homeserver ${id ?? "(agency)"} in the stack`);
  return { serverName: hs.serverName, clientUrl: hs.clientUrl, asToken: hs.appservice.asToken };
}

/**
 * The bot as an end-to-end encrypting device (Tchap's private rooms and DMs are encrypted),
 * kept across restarts in `storeDir`.
 */
export function meetingBotConnection(
  hs: { serverName: string; clientUrl: string; asToken: string },
  files: { storeDir: string; recoveryKeyFile: string },
  localpart = MEETING_BOT_LOCALPART,
): BotConnection {
  const api = meetingBotApi(hs, localpart);
  return new CryptoConnection({
    api,
    baseUrl: hs.clientUrl,
    ...files,
    deviceName: "Réunions (bot)",
  });
}

/**
 * The bot's crypto files beside its state file: `bot.meeting.json` → `bot.meeting.device/`
 * (the device's store) and `bot.meeting.recovery-key` (outlives any one device).
 */
export function cryptoFilesBeside(stateFile: string) {
  const base = stateFile.replace(/\.json$/, "");
  return { storeDir: `${base}.device`, recoveryKeyFile: `${base}.recovery-key` };
}
