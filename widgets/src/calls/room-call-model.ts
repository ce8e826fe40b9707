/**
 * Whether a room has a call on and who is in it, from the room's MatrixRTC session (call
 * membership state events). Drives the call banner. Framework-free; dispose when done.
 */
import type { MatrixClient, Room } from "matrix-js-sdk";
import { MatrixRTCSessionEvent } from "matrix-js-sdk/lib/matrixrtc/MatrixRTCSession.js";
import { Store } from "../util/store.ts";

export interface CallParticipant {
  userId: string;
  displayName: string;
  /** How many of the user's devices are in the call. */
  devices: number;
}

export interface RoomCallState {
  /** Somebody is in the call. */
  ongoing: boolean;
  participants: CallParticipant[];
  /** This device is a member of the call. */
  joinedHere: boolean;
  /** The call's intent as its members announced it. */
  intent: "video" | "audio";
}

export const NO_CALL: RoomCallState = {
  ongoing: false,
  participants: [],
  joinedHere: false,
  intent: "video",
};

interface MembershipLike {
  sender: string | undefined;
  deviceId: string;
  callIntent?: string;
}

/** Pure: the banner's view of a set of call memberships. */
export function summariseCall(
  memberships: MembershipLike[],
  me: { userId: string; deviceId: string },
  nameOf: (userId: string) => string,
): RoomCallState {
  if (memberships.length === 0) return NO_CALL;
  const byUser = new Map<string, CallParticipant>();
  let joinedHere = false;
  let audio = 0;
  for (const m of memberships) {
    if (!m.sender) continue;
    if (m.sender === me.userId && m.deviceId === me.deviceId) joinedHere = true;
    if (m.callIntent === "audio") audio++;
    const p = byUser.get(m.sender);
    if (p) p.devices++;
    else byUser.set(m.sender, { userId: m.sender, displayName: nameOf(m.sender), devices: 1 });
  }
  return {
    ongoing: byUser.size > 0,
    participants: [...byUser.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)),
    joinedHere,
    intent: audio > 0 && audio === memberships.length ? "audio" : "video",
  };
}

export class RoomCallModel {
  readonly state: Store<RoomCallState>;
  private readonly off: () => void;

  constructor(
    private readonly client: MatrixClient,
    private readonly room: Room,
  ) {
    this.state = new Store(this.compute());
    const session = client.matrixRTC.getRoomSession(room);
    const onChange = () => this.state.set(this.compute());
    session.on(MatrixRTCSessionEvent.MembershipsChanged, onChange);
    this.off = () => session.off(MatrixRTCSessionEvent.MembershipsChanged, onChange);
  }

  private compute(): RoomCallState {
    const session = this.client.matrixRTC.getRoomSession(this.room);
    const next = summariseCall(
      session.memberships,
      { userId: this.client.getSafeUserId(), deviceId: this.client.getDeviceId() ?? "" },
      (userId) => this.room.getMember(userId)?.name ?? userId,
    );
    const prev = this.state?.get();
    return prev && JSON.stringify(prev) === JSON.stringify(next) ? prev : next;
  }

  dispose(): void {
    this.off();
  }
}
