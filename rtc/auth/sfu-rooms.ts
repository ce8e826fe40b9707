/**
 * The SFU's rooms, through LiveKit's server API (`RoomServiceClient`, Twirp) — the same calls
 * against the embedded SFU and a real LiveKit cluster.
 */
import { RoomServiceClient } from "livekit-server-sdk";
import { AuthRefusal } from "./errors.ts";

export interface SfuRooms {
  /** Creates the room unless it exists (CreateRoom is idempotent in LiveKit). */
  ensureRoom(name: string): Promise<void>;
  roomExists(name: string): Promise<boolean>;
}

export interface LiveKitRoomsOptions {
  /** http(s) URL of the LiveKit API (a ws(s) URL is turned into http(s)). */
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutSeconds?: number;
}

/** As lk-jwt-service: a room nobody joins closes after 5 min, an emptied one after 20 s. */
export const EMPTY_TIMEOUT_SECONDS = 300;
export const DEPARTURE_TIMEOUT_SECONDS = 20;

const unavailable = (what: string, e: unknown) =>
  new AuthRefusal(
    503,
    "M_UNKNOWN",
    "sfu_unavailable",
    `The SFU could not ${what} (${e instanceof Error ? e.message : String(e)})`,
  );

export class LiveKitRooms implements SfuRooms {
  private readonly client: RoomServiceClient;

  constructor(options: LiveKitRoomsOptions) {
    this.client = new RoomServiceClient(options.apiUrl, options.apiKey, options.apiSecret, {
      requestTimeout: options.timeoutSeconds ?? 5,
      // Region failover is for LiveKit Cloud; a self-hosted cluster is one address.
      failover: false,
    });
  }

  async ensureRoom(name: string): Promise<void> {
    try {
      await this.client.createRoom({
        name,
        emptyTimeout: EMPTY_TIMEOUT_SECONDS,
        departureTimeout: DEPARTURE_TIMEOUT_SECONDS,
        maxParticipants: 0,
      });
    } catch (e) {
      throw unavailable("create the call's room", e);
    }
  }

  async roomExists(name: string): Promise<boolean> {
    try {
      const rooms = await this.client.listRooms([name]);
      return rooms.some((r) => r.name === name);
    } catch (e) {
      throw unavailable("list rooms", e);
    }
  }
}
