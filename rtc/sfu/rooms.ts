/** Room registry: lookup, creation (explicit or auto on join), listing, deletion, empty-room cleanup. */
import { DisconnectReason } from "@livekit/protocol";
import type { Participant } from "./participant.ts";
import { Room, type RoomOptions } from "./room.ts";

export class RoomNotFoundError extends Error {
  readonly code = "room_not_found";
  constructor() {
    super("requested room does not exist");
  }
}

const DEFAULTS: RoomOptions = {
  emptyTimeout: 300,
  departureTimeout: 20,
  maxParticipants: 0,
  metadata: "",
};

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly autoCreate: boolean,
    private readonly onPeerFailed: (room: Room, p: Participant) => void,
    private readonly log?: (line: string) => void,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 10_000);
    this.sweeper.unref();
  }

  get(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  /** The room to join: existing, or auto-created when the config allows it. */
  forJoin(name: string): Room {
    const room = this.rooms.get(name);
    if (room) return room;
    if (!this.autoCreate) throw new RoomNotFoundError();
    return this.create(name, {});
  }

  /** CreateRoom is idempotent, like LiveKit's: an existing room is returned as is. */
  create(name: string, options: Partial<RoomOptions>): Room {
    const existing = this.rooms.get(name);
    if (existing) return existing;
    const set = Object.fromEntries(
      Object.entries(options).filter(([, v]) => v !== undefined && v !== 0 && v !== ""),
    );
    const room = new Room(
      name,
      { ...DEFAULTS, ...set },
      (p) => this.onPeerFailed(room, p),
      this.log,
    );
    this.rooms.set(name, room);
    return room;
  }

  list(names?: string[]): Room[] {
    const all = [...this.rooms.values()];
    return names && names.length > 0 ? all.filter((r) => names.includes(r.name)) : all;
  }

  async delete(name: string): Promise<boolean> {
    const room = this.rooms.get(name);
    if (!room) return false;
    this.rooms.delete(name);
    await Promise.all(
      [...room.participants.values()].map((p) => room.remove(p, DisconnectReason.ROOM_DELETED)),
    );
    return true;
  }

  private sweep(): void {
    const now = Date.now();
    for (const room of this.rooms.values()) if (room.expired(now)) this.rooms.delete(room.name);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all(
      [...this.rooms.values()].flatMap((room) =>
        [...room.participants.values()].map((p) =>
          room.remove(p, DisconnectReason.SERVER_SHUTDOWN),
        ),
      ),
    );
    this.rooms.clear();
  }
}
