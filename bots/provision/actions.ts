import type { Marker } from "./room-view.ts";

/**
 * One change a provisioner makes. `actor` is the homeserver id whose provisioner does it:
 * each agency only ever acts with its own identity on its own homeserver.
 */
export type Action = ActionBody & {
  /** Another agency's provisioner must act first (its room or invitation does not exist yet). */
  blockedBy?: string;
};

type ActionBody =
  | { kind: "create"; actor: string; room: string; detail: string }
  | {
      kind: "state";
      actor: string;
      room: string;
      /** What changes, for people: "topic", "power levels", … */
      field: string;
      eventType: string;
      stateKey: string;
      content: Record<string, unknown>;
      detail: string;
    }
  | { kind: "alias"; actor: string; room: string; alias: string; detail: string }
  | {
      kind: "invite";
      actor: string;
      room: string;
      userId: string;
      /** Banned members are unbanned first. */
      unban: boolean;
      /** Invitations of other agencies' provisioners carry the marker: they know the room. */
      marker?: Marker;
      detail: string;
    }
  | { kind: "join"; actor: string; room: string; detail: string }
  | { kind: "kick"; actor: string; room: string; userId: string; detail: string }
  | {
      kind: "space-child";
      actor: string;
      room: string;
      childKey: string;
      /** Known when the child exists already; else taken from this run's creations. */
      childRoomId: string | undefined;
      via: string;
      remove: boolean;
      detail: string;
    }
  | {
      /** The provisioner's own display name, so invitations say who sends them. */
      kind: "profile";
      actor: string;
      room: "";
      displayName: string;
      detail: string;
    }
  | {
      kind: "account";
      actor: string;
      room: "";
      userId: string;
      email: string;
      displayName: string;
      detail: string;
    };

export type ActionKind = Action["kind"];

export function actionLabel(a: Action): string {
  switch (a.kind) {
    case "create":
      return "create";
    case "state":
      return a.field;
    case "space-child":
      return a.remove ? "remove from space" : "add to space";
    default:
      return a.kind;
  }
}
