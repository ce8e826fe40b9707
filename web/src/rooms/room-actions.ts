import { EventType, type ICreateRoomOpts, type MatrixClient } from "matrix-js-sdk";
import { localpartForEmail } from "../../../homeserver-config/src/directory/user-id.ts";
import {
  createRoomRequest,
  type RoomType,
} from "../../../homeserver-config/src/policy/room-types.ts";
import { AppError, toAppError } from "../core/app-error.ts";
import type { RuntimeConfig } from "../core/runtime-config.ts";
import { serverNameForEmail } from "../login/discovery.ts";
import { parseIdentifier } from "../login/identifier.ts";
import { addDirectRoom, directRoomIds } from "./room-list-view-model.ts";

/** Creating rooms and DMs, finding people: always through the shared Tchap defaults. */
export async function createTchapRoom(
  client: MatrixClient,
  type: Exclude<RoomType, "direct">,
  name: string,
  topic: string,
): Promise<string> {
  const body = createRoomRequest({
    type,
    creatorUserId: client.getSafeUserId(),
    name,
    ...(topic ? { topic } : {}),
  });
  try {
    const { room_id } = await client.createRoom(body as ICreateRoomOpts);
    return room_id;
  } catch (e) {
    throw toAppError(e);
  }
}

/** Opens the existing DM with `userId` if there is one, else creates it (encrypted). */
export async function openOrCreateDm(client: MatrixClient, userId: string): Promise<string> {
  const content = (client.getAccountData(EventType.Direct)?.getContent() ?? {}) as Record<
    string,
    string[]
  >;
  for (const roomId of content[userId] ?? []) {
    const room = client.getRoom(roomId);
    if (room && room.getMyMembership() === "join") return roomId;
  }
  const body = createRoomRequest({
    type: "direct",
    creatorUserId: client.getSafeUserId(),
    invite: [userId],
  });
  try {
    const { room_id } = await client.createRoom(body as ICreateRoomOpts);
    await addDirectRoom(client, userId, room_id);
    return room_id;
  } catch (e) {
    throw toAppError(e, "invite");
  }
}

export interface PersonHit {
  userId: string;
  displayName: string;
}

/**
 * People matching what was typed: a Matrix ID as is, an e-mail address resolved through the
 * agency directory to its Tchap user id, or a search of the homeserver's user directory.
 */
export async function findPeople(
  client: MatrixClient,
  config: RuntimeConfig,
  term: string,
): Promise<PersonHit[]> {
  const id = parseIdentifier(term);
  if (id?.kind === "mxid") return [{ userId: id.userId, displayName: id.userId }];
  if (id?.kind === "email") {
    const server = await serverNameForEmail(config, id.address);
    const userId = `@${localpartForEmail(id.address)}:${server}`;
    try {
      const p = await client.getProfileInfo(userId);
      return [{ userId, displayName: p.displayname ?? userId }];
    } catch {
      throw new AppError("USER_NOT_FOUND", id.address);
    }
  }
  if (term.trim().length < 2) return [];
  const res = await client.searchUserDirectory({ term: term.trim(), limit: 10 });
  return res.results
    .filter((r) => r.user_id !== client.getUserId())
    .map((r) => ({ userId: r.user_id, displayName: r.display_name ?? r.user_id }));
}

export function isDirect(client: MatrixClient, roomId: string): boolean {
  return directRoomIds(client).has(roomId);
}
