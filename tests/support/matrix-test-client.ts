import {
  matrixRequest,
  type RequestOptions,
} from "../../homeserver-config/src/admin/matrix-http.ts";
import { passwordLogin } from "../../homeserver-config/src/admin/synapse-admin.ts";
import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";

export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  state_key?: string;
  content: Record<string, unknown>;
}

interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<string, { timeline?: { events: MatrixEvent[] } }>;
    invite?: Record<string, unknown>;
  };
}

/** A plain-HTTP Matrix client for integration tests: what a user does, nothing hidden. */
export class TestClient {
  private since: string | undefined;
  private txn = 0;
  constructor(
    readonly baseUrl: string,
    readonly userId: string,
    readonly accessToken: string,
  ) {}

  static async login(baseUrl: string, userId: string, password: string): Promise<TestClient> {
    const res = await passwordLogin(baseUrl, userId, password, "integration-test");
    return new TestClient(baseUrl, res.user_id, res.access_token);
  }

  /** Logs in the `n`th demo account of a homeserver. */
  static async demo(stack: StackDescription, homeserverId: string, n = 0): Promise<TestClient> {
    const account = stack.accounts.filter((a) => a.homeserver === homeserverId)[n];
    const hs = stack.homeservers.find((h) => h.id === homeserverId);
    if (!account || !hs) throw new Error(`no demo account ${n} on ${homeserverId}`);
    return TestClient.login(hs.clientUrl, account.userId, account.password);
  }

  request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return matrixRequest<T>(this.baseUrl, path, { accessToken: this.accessToken, ...options });
  }

  async createRoom(body: Record<string, unknown> = {}): Promise<string> {
    const { room_id } = await this.request<{ room_id: string }>("/_matrix/client/v3/createRoom", {
      method: "POST",
      body,
    });
    return room_id;
  }

  invite(roomId: string, userId: string): Promise<unknown> {
    return this.request(`/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, {
      method: "POST",
      body: { user_id: userId },
    });
  }

  async join(roomIdOrAlias: string, viaServers: string[] = []): Promise<string> {
    const via = viaServers.map((s) => `server_name=${encodeURIComponent(s)}`).join("&");
    const { room_id } = await this.request<{ room_id: string }>(
      `/_matrix/client/v3/join/${encodeURIComponent(roomIdOrAlias)}${via ? `?${via}` : ""}`,
      { method: "POST", body: {} },
    );
    return room_id;
  }

  async leave(roomId: string): Promise<void> {
    await this.request(`/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/leave`, {
      method: "POST",
      body: {},
    });
  }

  async setState(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
    stateKey = "",
  ): Promise<string> {
    const { event_id } = await this.request<{ event_id: string }>(
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`,
      { method: "PUT", body: content },
    );
    return event_id;
  }

  /** The content of one state event, or undefined when the room has none. */
  async state<T = Record<string, unknown>>(
    roomId: string,
    type: string,
    stateKey = "",
  ): Promise<T | undefined> {
    try {
      return await this.request<T>(
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`,
      );
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  }

  async send(roomId: string, body: string): Promise<string> {
    const txn = `t${Date.now()}-${this.txn++}`;
    const { event_id } = await this.request<{ event_id: string }>(
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`,
      { method: "PUT", body: { msgtype: "m.text", body } },
    );
    return event_id;
  }

  /** Long-polls /sync until a timeline event in `roomId` matches, or fails after `timeoutMs`. */
  async waitForEvent(
    roomId: string,
    match: (e: MatrixEvent) => boolean,
    timeoutMs = 20_000,
  ): Promise<MatrixEvent> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const sync = await this.sync(Math.min(5_000, Math.max(0, deadline - Date.now())));
      const found = sync.rooms?.join?.[roomId]?.timeline?.events.find(match);
      if (found) return found;
    }
    throw new Error(`${this.userId} saw no matching event in ${roomId} within ${timeoutMs} ms`);
  }

  /** Long-polls /sync until an invite to `roomId` arrives. */
  async waitForInvite(roomId: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const sync = await this.sync(Math.min(5_000, Math.max(0, deadline - Date.now())));
      if (sync.rooms?.invite?.[roomId]) return;
    }
    throw new Error(`${this.userId} received no invite to ${roomId} within ${timeoutMs} ms`);
  }

  async sync(timeoutMs: number): Promise<SyncResponse> {
    const filter = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 50 } } }));
    const params = `timeout=${timeoutMs}&filter=${filter}${this.since ? `&since=${this.since}` : ""}`;
    const res = await this.request<SyncResponse>(`/_matrix/client/v3/sync?${params}`, {
      timeoutMs: timeoutMs + 15_000,
    });
    this.since = res.next_batch;
    return res;
  }
}
