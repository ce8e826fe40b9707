import {
  ClientEvent,
  createClient,
  RoomEvent,
  RoomMemberEvent,
  SyncState,
  type MatrixClient,
  type MatrixEvent,
} from "matrix-js-sdk";
import type { RoomMessageEventContent } from "matrix-js-sdk/lib/@types/events.js";
import type { Logger } from "matrix-js-sdk/lib/logger.js";
import { localpartOf } from "../matrix/appservice-user.ts";
import type { MatrixApi } from "../matrix/matrix-api.ts";
import type { BotConnection, ConnectionHandlers } from "./connection.ts";

export interface CryptoConnectionOptions {
  /** The bot as its appservice user (logs in a device with the appservice token). */
  api: MatrixApi;
  baseUrl: string;
  deviceName?: string;
}

/**
 * The bot as a Matrix device with end-to-end encryption (matrix-js-sdk, Rust crypto): reads
 * commands in encrypted rooms (Tchap's private rooms and DMs) and encrypts what it sends there.
 *
 * Crypto keys live in memory only (the SDK has no Node persistence), so each start is a new
 * device: the previous one is logged out first, which deletes its keys from the homeserver.
 * Messages sent while the bot was down were encrypted for the old device and are not answered.
 */
export class CryptoConnection implements BotConnection {
  private client: MatrixClient | undefined;
  private ready = false;

  constructor(private readonly o: CryptoConnectionOptions) {}

  get api(): MatrixApi {
    return this.o.api;
  }

  async start(h: ConnectionHandlers): Promise<void> {
    const previous = h.device.get();
    if (previous) await this.logout(previous.accessToken).catch(() => {});
    const login = await this.api.call<{ device_id: string; access_token: string }>(
      "POST",
      "/_matrix/client/v3/login",
      {
        body: {
          type: "m.login.application_service",
          identifier: { type: "m.id.user", user: localpartOf(this.api.userId) },
          initial_device_display_name: this.o.deviceName ?? "meeting bot",
        },
      },
    );
    await h.device.set({ deviceId: login.device_id, accessToken: login.access_token });

    const client = createClient({
      baseUrl: this.o.baseUrl,
      userId: this.api.userId,
      deviceId: login.device_id,
      accessToken: login.access_token,
      logger: quietLogger(h.log),
    });
    this.client = client;
    await client.initRustCrypto({ useIndexedDB: false });

    client.on(RoomMemberEvent.Membership, (_event, member) => {
      if (member.userId !== this.api.userId || member.membership !== "invite") return;
      client.joinRoom(member.roomId).then(
        () => h.log(`meeting bot: joined ${member.roomId}`),
        (e: unknown) => h.log(`meeting bot: could not join ${member.roomId}: ${String(e)}`),
      );
    });
    client.on(RoomEvent.Timeline, (event, room, _toStart, _removed, data) => {
      // Only what arrives live: history from the first sync would replay old commands.
      if (!this.ready || !data?.liveEvent || !room) return;
      if (event.getSender() === this.api.userId) return;
      void this.deliver(client, event, room.roomId, h);
    });

    const prepared = new Promise<void>((resolve, reject) => {
      const onSync = (state: SyncState) => {
        if (state === SyncState.Prepared || state === SyncState.Syncing) {
          client.off(ClientEvent.Sync, onSync);
          resolve();
        } else if (state === SyncState.Error && !this.ready) {
          h.log("meeting bot: first sync failed; retrying");
        }
      };
      client.on(ClientEvent.Sync, onSync);
      setTimeout(() => reject(new Error("the bot's first sync took more than 120 s")), 120_000);
    });
    await client.startClient({ initialSyncLimit: 1, lazyLoadMembers: true });
    await prepared;
    this.ready = true;
  }

  private async deliver(
    client: MatrixClient,
    event: MatrixEvent,
    roomId: string,
    h: ConnectionHandlers,
  ): Promise<void> {
    try {
      if (event.isEncrypted()) await client.decryptEventIfNeeded(event);
      if (event.isDecryptionFailure()) {
        h.log(`meeting bot: cannot decrypt ${event.getId()} in ${roomId}`);
        return;
      }
      if (event.getType() !== "m.room.message") return;
      const content = event.getContent();
      await h.message({
        roomId,
        eventId: event.getId() ?? "",
        sender: event.getSender() ?? "",
        msgtype: String(content.msgtype ?? ""),
        body: String(content.body ?? ""),
        encrypted: event.isEncrypted(),
      });
    } catch (e) {
      h.log(`meeting bot: ${event.getId()}: ${(e as Error).message}`);
    }
  }

  async send(roomId: string, content: Record<string, unknown>, txnId: string): Promise<void> {
    const client = this.client;
    if (!client) throw new Error("the bot is not connected");
    // The SDK encrypts only for rooms it knows: a room created a moment ago may not have come
    // down the sync yet, and sending before would go out unencrypted.
    const deadline = Date.now() + 30_000;
    while (!client.getRoom(roomId) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!client.getRoom(roomId)) throw new Error(`room ${roomId} is not known to the bot yet`);
    // Our notices are valid m.room.message contents; the SDK's type is a union it cannot infer.
    await client.sendMessage(roomId, content as unknown as RoomMessageEventContent, txnId);
  }

  async stop(): Promise<void> {
    this.client?.stopClient();
    this.ready = false;
  }

  private async logout(accessToken: string): Promise<void> {
    await fetch(`${this.o.baseUrl}/_matrix/client/v3/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(10_000),
    });
  }
}

/** The SDK's warnings and errors go to the bot's log; its debug chatter does not. */
function quietLogger(log: (line: string) => void): Logger {
  const drop = () => {};
  const logger: Logger = {
    trace: drop,
    debug: drop,
    info: drop,
    warn: (...m: unknown[]) => log(`meeting bot (sdk): ${m.map(String).join(" ")}`),
    error: (...m: unknown[]) => log(`meeting bot (sdk): ${m.map(String).join(" ")}`),
    getChild: () => logger,
  };
  return logger;
}
