import i18next from "i18next";
import { CallController } from "../../../widgets/src/calls/call-controller.ts";
import { directRoomIds, isDirectRoom } from "../rooms/room-list-view-model.ts";
import type { MatrixSession } from "../session/matrix-session.ts";

/** One call controller per logged-in session, shared by the dock and every room view. */
const controllers = new WeakMap<MatrixSession, CallController>();

export function callControllerFor(session: MatrixSession): CallController {
  let c = controllers.get(session);
  if (!c) {
    const client = session.client;
    c = new CallController({
      client,
      // Served by our web app (widgets/vite-plugin.ts copies the Element Call build there).
      elementCallUrl: new URL("widgets/element-call/index.html", document.baseURI).href,
      parentUrl: () => window.location.href,
      isDirect: (roomId) => {
        const room = client.getRoom(roomId);
        return !!room && isDirectRoom(room, directRoomIds(client));
      },
      lang: () => (i18next.language === "en" ? "en" : "fr"),
      theme: () => "light",
      // Readable in devtools' performance panel and by the call-setup benchmark.
      trace: (step) => performance.mark(`call:${step}`),
    });
    controllers.set(session, c);
  }
  return c;
}

/** Ends the session's calls (logout, session end). */
export function disposeCallController(session: MatrixSession): void {
  controllers.get(session)?.dispose();
  controllers.delete(session);
}
