import { describe, expect, it } from "vitest";
import {
  buildElementCallUrl,
  callIntent,
  CALL_INTENTS,
  WidgetUrlError,
} from "../../widgets/src/element-call/widget-url.ts";

const params = {
  elementCallUrl: "https://chat.ministere-a.gouv.fr/widgets/element-call/index.html",
  widgetId: "tchap-call-1",
  parentUrl: "https://chat.ministere-a.gouv.fr/#/room/!abc:ministere-a.gouv.fr",
  roomId: "!abc:ministere-a.gouv.fr",
  userId: "@jean.dupont:ministere-a.gouv.fr",
  deviceId: "ABCDEF",
  baseUrl: "https://matrix.ministere-a.gouv.fr",
  intent: "start_call" as const,
};

function fragment(url: string): URLSearchParams {
  const hash = new URL(url).hash;
  expect(hash.startsWith("#?")).toBe(true);
  return new URLSearchParams(hash.slice(2));
}

describe("Element Call widget URL", () => {
  it("puts widget mode in the query and the identity in the fragment", () => {
    const url = new URL(buildElementCallUrl(params));
    expect(url.origin + url.pathname).toBe(params.elementCallUrl);
    expect(url.searchParams.get("widgetId")).toBe("tchap-call-1");
    // The parent URL without its fragment: its origin is the only one Element Call talks to.
    expect(url.searchParams.get("parentUrl")).toBe("https://chat.ministere-a.gouv.fr/");
    expect([...url.searchParams.keys()].sort()).toEqual(["parentUrl", "widgetId"]);
    const f = fragment(url.toString());
    expect(f.get("roomId")).toBe(params.roomId);
    expect(f.get("userId")).toBe(params.userId);
    expect(f.get("deviceId")).toBe("ABCDEF");
    expect(f.get("baseUrl")).toBe(params.baseUrl);
    expect(f.get("intent")).toBe("start_call");
    expect(f.get("lang")).toBe("fr");
    expect(f.get("theme")).toBe("light");
    expect(f.get("confineToRoom")).toBe("true");
    expect(f.get("skipLobby")).toBe("true");
  });

  it("asks for preload (load now, join on the host's io.element.join) only when told", () => {
    expect(fragment(buildElementCallUrl(params)).has("preload")).toBe(false);
    const f = fragment(buildElementCallUrl({ ...params, preload: true }));
    expect(f.get("preload")).toBe("true");
    // Preload only waits for the host's join when the lobby is skipped.
    expect(f.get("skipLobby")).toBe("true");
  });

  it("never passes analytics or crash-report settings", () => {
    const f = fragment(buildElementCallUrl(params));
    for (const key of ["posthogApiHost", "posthogApiKey", "sentryDsn", "rageshakeSubmitUrl"]) {
      expect(f.has(key)).toBe(false);
    }
  });

  it("round-trips room ids and names with reserved characters", () => {
    const f = fragment(
      buildElementCallUrl({ ...params, roomId: "!a&b=c#d:x.fr", displayName: "Zoé #1 & co" }),
    );
    expect(f.get("roomId")).toBe("!a&b=c#d:x.fr");
    expect(f.get("displayName")).toBe("Zoé #1 & co");
  });

  it("rejects relative URLs and missing identity with a code", () => {
    expect(() =>
      buildElementCallUrl({ ...params, elementCallUrl: "/widgets/element-call/" }),
    ).toThrow(WidgetUrlError);
    try {
      buildElementCallUrl({ ...params, deviceId: "" });
      expect.unreachable();
    } catch (e) {
      expect((e as WidgetUrlError).code).toBe("missing_param");
      expect((e as Error).message).toContain("deviceId");
    }
  });

  it("maps buttons to Element Call intents", () => {
    expect(callIntent({ dm: false, media: "video", existing: false })).toBe("start_call");
    expect(callIntent({ dm: false, media: "voice", existing: true })).toBe("join_existing_voice");
    expect(callIntent({ dm: true, media: "video", existing: false })).toBe("start_call_dm");
    expect(callIntent({ dm: true, media: "voice", existing: true })).toBe("join_existing_dm_voice");
    for (const dm of [true, false])
      for (const media of ["video", "voice"] as const)
        for (const existing of [true, false])
          expect(CALL_INTENTS).toContain(callIntent({ dm, media, existing }));
  });
});
