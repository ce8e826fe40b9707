import {
  ClientEvent,
  createClient,
  Filter,
  RoomEvent,
  RoomMemberEvent,
  SyncState,
  type MatrixClient,
  type MatrixEvent,
} from "matrix-js-sdk";
import type { RoomMessageEventContent } from "matrix-js-sdk/lib/@types/events.js";
import type { Logger } from "matrix-js-sdk/lib/logger.js";
import type { MatrixApi } from "../matrix/matrix-api.ts";
import type { BotConnection, ConnectionHandlers } from "./connection.ts";
import { openDeviceSession, type DeviceSession } from "./device-session.ts";
import { HandledSyncStore } from "./handled-sync-store.ts";
import { ensureKeyBackup, RecoveryKeyFile } from "./key-backup.ts";

export interface CryptoConnectionOptions {
  /** The bot as its appservice user (logs in a device with the appservice token). */
  api: MatrixApi;
  baseUrl: string;
  /** Where the device's crypto keys and sync position are kept (one folder per device). */
  storeDir: string;
  /** The recovery key of the bot's key backup (kept apart from the device store). */
  recoveryKeyFile: string;
  deviceName?: string;
}

/** Events per room that one /sync may bring: what a restarted bot can catch up on at once. */
const CATCH_UP_EVENTS = 100;

/**
 * The bot as a Matrix device with end-to-end encryption (matrix-js-sdk, Rust crypto): reads
 * commands in encrypted rooms (Tchap's private rooms and DMs) and encrypts what it sends there.
 *
 * The device, its keys and its sync position persist in `storeDir` (see `DurableIndexedDB`),
 * so a restarted bot is the same device and answers what was sent while it was down.
 */
export class CryptoConnection implements BotConnection {
  private client: MatrixClient | undefined;
  private session: DeviceSession | undefined;
  private ready = false;
  private backup: Promise<void> = Promise.resolve();

  constructor(private readonly o: CryptoConnectionOptions) {}

  get api(): MatrixApi {
    return this.o.api;
  }

  /** The device this connection runs as (once started). */
  get deviceId(): string | undefined {
    return this.session?.deviceId;
  }

  async start(h: ConnectionHandlers): Promise<void> {
    const session = await openDeviceSession({
      api: this.api,
      baseUrl: this.o.baseUrl,
      storeDir: this.o.storeDir,
      deviceName: this.o.deviceName ?? "meeting bot",
      saved: h.device.get(),
      save: (d) => h.device.set(d),
      log: h.log,
    });
    this.session = session;
    const store = new HandledSyncStore(session.durable.factory, session.syncDatabaseName);
    const recovery = new RecoveryKeyFile(this.o.recoveryKeyFile);
    const client = createClient({
      cryptoCallbacks: recovery.callbacks,
      baseUrl: this.o.baseUrl,
      userId: this.api.userId,
      deviceId: session.deviceId,
      accessToken: session.accessToken,
      store,
      logger: quietLogger(h.log),
    });
    this.client = client;
    store.on("degraded", () => h.log("meeting bot: sync store degraded to memory"));
    await store.startup();
    // A fresh device has no sync position: its first sync is history it must not act on. A
    // resumed one continues from its saved token: all it hears is new since it stopped.
    const resumed = session.resumed && Boolean(await store.getSavedSyncToken());
    await client.initRustCrypto({ cryptoDatabasePrefix: session.cryptoDatabasePrefix });
    h.log(
      `meeting bot: device ${session.deviceId} ${session.resumed ? "resumed" : "created"}` +
        (resumed ? " (catching up from its last sync)" : ""),
    );

    client.on(RoomMemberEvent.Membership, (_event, member) => {
      if (member.userId !== this.api.userId || member.membership !== "invite") return;
      client.joinRoom(member.roomId).then(
        () => h.log(`meeting bot: joined ${member.roomId}`),
        (e: unknown) => h.log(`meeting bot: could not join ${member.roomId}: ${String(e)}`),
      );
    });
    client.on(RoomEvent.Timeline, (event, room, _toStart, _removed, data) => {
      if (!data?.liveEvent || !room) return;
      if (!this.ready && !resumed) return;
      if (event.getSender() === this.api.userId) return;
      store.track(this.deliver(client, event, room.roomId, h));
    });
    client.on(RoomEvent.TimelineReset, (room) => {
      // A limited sync after the bot was away: what came before its first events is not read.
      if (room && this.ready) h.log(`meeting bot: gap in the timeline of ${room.roomId}`);
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
    const filter = new Filter(this.api.userId);
    filter.setTimelineLimit(CATCH_UP_EVENTS);
    await client.startClient({ initialSyncLimit: 1, lazyLoadMembers: true, filter });
    await prepared;
    this.ready = true;
    // In the background: commands are answered meanwhile, and a homeserver refusing it (say, an
    // identity already made elsewhere) leaves the bot working without a backup.
    this.backup = ensureKeyBackup(client, recovery, h.log).catch((e: unknown) =>
      h.log(`meeting bot: key backup not set up: ${(e as Error).message}`),
    );
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
        h.log(
          `meeting bot: cannot decrypt ${event.getId()} in ${roomId} (${event.decryptionFailureReason ?? "unknown"})`,
        );
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
    await this.backup;
    this.client?.stopClient();
    this.ready = false;
    this.session?.durable.close();
    this.session = undefined;
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
