/**
 * A third-party widget for the tests: real matrix-widget-api (widget side). It asks for three
 * capabilities, then tries to post a message and records what it was granted and what
 * happened in `document.body.dataset.result`.
 */
import { WidgetApi } from "matrix-widget-api";

const params = new URLSearchParams(location.search);
const widgetId = params.get("widgetId") ?? "";
const parentOrigin = new URL(params.get("parentUrl") ?? location.href).origin;
const roomId = params.get("room") ?? "";
const api = new WidgetApi(widgetId, parentOrigin);
const wanted = [
  "org.matrix.msc2762.send.event:m.room.message",
  `org.matrix.msc2762.timeline:${roomId}`,
  "m.always_on_screen",
];
api.requestCapabilities(wanted);
api.on("ready", () => {
  void (async () => {
    const result: Record<string, unknown> = {
      granted: wanted.filter((c) => api.hasCapability(c)),
    };
    try {
      await api.sendRoomEvent("m.room.message", {
        msgtype: "m.text",
        body: `message du widget ${params.get("tag") ?? ""}`,
      });
      result.sent = true;
    } catch (e) {
      result.sent = false;
      result.error = e instanceof Error ? e.message : String(e);
    }
    document.body.dataset.result = JSON.stringify(result);
  })();
});
api.start();
void api.sendContentLoaded();
