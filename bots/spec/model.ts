import type { RoomType } from "../../homeserver-config/src/policy/room-types.ts";
import type { KeyPath, YamlSource } from "../../homeserver-config/src/yaml-source.ts";
import type { Role } from "./schema.ts";

export type { Role } from "./schema.ts";

/** Where the spec's user IDs point: homeserver ids of the federation and their server names. */
export interface SpecEnvironment {
  federation: import("../../homeserver-config/src/model.ts").Federation;
  /** Server name of each homeserver id in the environment being provisioned. */
  serverNames: Record<string, string>;
}

export interface ResolvedMember {
  userId: string;
  homeserverId: string;
  external: boolean;
  role: Role;
  /** As written in the spec (e-mail or Matrix ID), for messages. */
  ref: string;
  path: KeyPath;
}

export interface DesiredRoom {
  key: string;
  kind: "room" | "space";
  path: KeyPath;
  name: string;
  topic: string | undefined;
  /** Homeserver id whose provisioner creates and administers the room. */
  owner: string;
  type: Extract<RoomType, "forum" | "private" | "private_external">;
  alias: string | undefined;
  callReady: boolean;
  members: ResolvedMember[];
  /** Keys of the rooms a space holds (empty for rooms). */
  children: string[];
}

export interface DesiredAccount {
  userId: string;
  homeserverId: string;
  email: string;
  /** "First Last [Agency]", as every account of the federation shows. */
  displayName: string;
  path: KeyPath;
}

export interface ProvisioningSpec {
  id: string;
  /** Rooms first, then spaces (a space refers to rooms that exist before it). */
  rooms: DesiredRoom[];
  accounts: DesiredAccount[];
  source: YamlSource;
}

export const ROLE_POWER: Record<Role, number> = { member: 0, moderator: 50, admin: 100 };
