import { describe, expect, it } from "vitest";
import {
  installOriginGuard,
  isForgedWidgetMessage,
  widgetIdOf,
} from "../../widgets/src/host/origin-guard.ts";

const frame = { name: "call iframe window" };
const expected = { widgetId: "tchap-call-1", origin: "https://chat.example", window: frame };
const request = {
  api: "fromWidget",
  widgetId: "tchap-call-1",
  requestId: "r1",
  action: "send_event",
  data: {},
};

describe("widget origin guard", () => {
  it("recognises widget API messages and their widget id", () => {
    expect(widgetIdOf(request)).toBe("tchap-call-1");
    expect(widgetIdOf({ ...request, api: "other" })).toBeNull();
    expect(widgetIdOf("text")).toBeNull();
    expect(widgetIdOf(null)).toBeNull();
  });

  it("lets the widget's own messages through", () => {
    expect(
      isForgedWidgetMessage({ data: request, origin: expected.origin, source: frame }, expected),
    ).toBe(false);
  });

  it("drops messages claiming the widget id from another origin or window", () => {
    expect(
      isForgedWidgetMessage(
        { data: request, origin: "https://evil.example", source: frame },
        expected,
      ),
    ).toBe(true);
    expect(
      isForgedWidgetMessage(
        { data: request, origin: expected.origin, source: { other: 1 } },
        expected,
      ),
    ).toBe(true);
  });

  it("ignores messages for other widgets and non-widget messages", () => {
    const other = { ...request, widgetId: "someone-else" };
    expect(
      isForgedWidgetMessage(
        { data: other, origin: "https://evil.example", source: null },
        expected,
      ),
    ).toBe(false);
    expect(
      isForgedWidgetMessage(
        { data: "hello", origin: "https://evil.example", source: null },
        expected,
      ),
    ).toBe(false);
  });

  it("stops forged messages before later listeners and can be removed", () => {
    type L = (ev: MessageEvent) => void;
    const listeners: { l: L; capture: boolean }[] = [];
    const target = {
      addEventListener: (_t: "message", l: L, o: { capture: boolean }) =>
        void listeners.push({ l, capture: o.capture }),
      removeEventListener: (_t: "message", l: L) => {
        const i = listeners.findIndex((x) => x.l === l);
        if (i >= 0) listeners.splice(i, 1);
      },
    };
    const dropped: string[] = [];
    const remove = installOriginGuard(
      target,
      () => expected,
      (o) => dropped.push(o),
    );
    expect(listeners[0]?.capture).toBe(true);
    let stopped = 0;
    const ev = {
      data: request,
      origin: "https://evil.example",
      source: frame,
      stopImmediatePropagation: () => stopped++,
    };
    listeners[0]!.l(ev as unknown as MessageEvent);
    expect(stopped).toBe(1);
    expect(dropped).toEqual(["https://evil.example"]);
    const good = {
      data: request,
      origin: expected.origin,
      source: frame,
      stopImmediatePropagation: () => stopped++,
    };
    listeners[0]!.l(good as unknown as MessageEvent);
    expect(stopped).toBe(1);
    remove();
    expect(listeners).toHaveLength(0);
  });
});
