// First: silences the SDK's debug logging before its modules create their loggers.
import "./quiet-sdk-logs.ts";
import {
  ClientEvent,
  createClient,
  HttpApiEvent,
  PendingEventOrdering,
  SyncState,
  type MatrixClient,
} from "matrix-js-sdk";
import { Disposer, Observable } from "../core/observable.ts";
import { SecretStorageKeyCache } from "../encryption/secret-storage-key-cache.ts";
import { clearLocalData, type StoredSession } from "../login/stored-session.ts";

export type ConnectionState = "starting" | "online" | "offline";

/**
 * One logged-in device: the MatrixClient with Rust crypto (keys in IndexedDB, so a reload
 * resumes the same device), its sync loop and its end. Free of React; the chat view models and
 * the calls part read `client` from here.
 */
export class MatrixSession {
  readonly connection = new Observable<ConnectionState>("starting");
  /** Set when the homeserver ended the session (token revoked, device deleted). */
  readonly loggedOut = new Observable<boolean>(false);
  private readonly disposer = new Disposer();

  private constructor(
    readonly client: MatrixClient,
    readonly stored: StoredSession,
    /** Where the SDK finds the recovery key while an encryption step needs it. */
    readonly secretStorageKeys: SecretStorageKeyCache,
  ) {}

  get userId(): string {
    return this.stored.userId;
  }

  static async start(stored: StoredSession): Promise<MatrixSession> {
    const secretStorageKeys = new SecretStorageKeyCache();
    const client = createClient({
      cryptoCallbacks: secretStorageKeys.callbacks,
      baseUrl: stored.baseUrl,
      accessToken: stored.accessToken,
      userId: stored.userId,
      deviceId: stored.deviceId,
      timelineSupport: true,
      useAuthorizationHeader: true,
    });
    // Loads the crypto wasm (its own file, fetched only now). Keys persist in IndexedDB; the
    // encryption view model sets up cross-signing, recovery and key backup after the first sync.
    await client.initRustCrypto({ useIndexedDB: true });
    const session = new MatrixSession(client, stored, secretStorageKeys);
    session.watch();
    const prepared = new Promise<void>((resolve) => {
      const onSync = (state: SyncState) => {
        if (state === SyncState.Prepared || state === SyncState.Syncing) {
          client.off(ClientEvent.Sync, onSync);
          resolve();
        }
      };
      client.on(ClientEvent.Sync, onSync);
    });
    await client.startClient({
      initialSyncLimit: 30,
      lazyLoadMembers: true,
      pendingEventOrdering: PendingEventOrdering.Detached,
      threadSupport: false,
    });
    await prepared;
    return session;
  }

  private watch(): void {
    const onSync = (state: SyncState) => {
      if (
        state === SyncState.Prepared ||
        state === SyncState.Syncing ||
        state === SyncState.Catchup
      )
        this.connection.set("online");
      else if (state === SyncState.Error || state === SyncState.Reconnecting)
        this.connection.set("offline");
    };
    const onLoggedOut = () => this.loggedOut.set(true);
    this.client.on(ClientEvent.Sync, onSync);
    this.client.on(HttpApiEvent.SessionLoggedOut, onLoggedOut);
    this.disposer.add(() => {
      this.client.off(ClientEvent.Sync, onSync);
      this.client.off(HttpApiEvent.SessionLoggedOut, onLoggedOut);
    });
  }

  /** Ends the device on the homeserver (best effort) and removes every local trace. */
  async logout(): Promise<void> {
    this.disposer.dispose();
    try {
      await this.client.logout(true);
    } catch {
      // Offline or already logged out: local data is removed anyway.
    }
    this.client.stopClient();
    await this.client.clearStores().catch(() => undefined);
    await clearLocalData();
  }

  stop(): void {
    this.disposer.dispose();
    this.client.stopClient();
  }
}
