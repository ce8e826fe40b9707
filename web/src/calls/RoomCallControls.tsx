import type { Room } from "matrix-js-sdk";

/**
 * PLACEHOLDER owned by the calls engineer (issue 6): the call button and call banner of a room.
 * Mounted by the chat in the room header (`placement="header"`) and above the timeline
 * (`placement="banner"`). Renders nothing until replaced.
 */
export function RoomCallControls(_props: { room: Room; placement: "header" | "banner" }) {
  return null;
}
