import { describe, expect, it } from "vitest";
import {
  parseWidgetOrigin,
  parseWidgetOrigins,
  widgetOriginAllowed,
} from "../../widgets/src/policy/widget-origins.ts";

describe("widget origin allow-list", () => {
  it("normalises origins like a browser does", () => {
    expect(parseWidgetOrigin("https://Widgets.Example.gouv.fr", "w")).toBe(
      "https://widgets.example.gouv.fr",
    );
    expect(parseWidgetOrigin("https://w.example.fr:443", "w")).toBe("https://w.example.fr");
    expect(parseWidgetOrigin("http://127.0.0.1:*", "w")).toBe("http://127.0.0.1:*");
  });

  it("refuses anything that is not an origin, naming the field", () => {
    expect(() => parseWidgetOrigin("https://w.example.fr/board", "widgetOrigins[1]")).toThrow(
      /widgetOrigins\[1\] must be an origin.*got "https:\/\/w\.example\.fr\/board"/,
    );
    expect(() => parseWidgetOrigin("javascript:alert(1)", "x")).toThrow(/must be an origin/);
    expect(() => parseWidgetOrigin("*", "x")).toThrow(/must be an origin/);
    expect(() => parseWidgetOrigin(42, "x")).toThrow(/x must be a string/);
    expect(() => parseWidgetOrigins("https://a.fr", "widgetOrigins")).toThrow(
      /widgetOrigins must be a list/,
    );
    expect(parseWidgetOrigins(undefined, "widgetOrigins")).toEqual([]);
  });

  it("allows exactly the listed origins", () => {
    const list = ["https://w.example.fr", "http://127.0.0.1:*"];
    expect(widgetOriginAllowed("https://w.example.fr/board?x=1", list)).toBe(true);
    expect(widgetOriginAllowed("https://w.example.fr:8443/board", list)).toBe(false);
    expect(widgetOriginAllowed("http://w.example.fr/board", list)).toBe(false);
    expect(widgetOriginAllowed("https://evil.w.example.fr/", list)).toBe(false);
    expect(widgetOriginAllowed("https://w.example.fr.evil.com/", list)).toBe(false);
    expect(widgetOriginAllowed("http://127.0.0.1:4567/widget", list)).toBe(true);
    expect(widgetOriginAllowed("http://localhost:4567/widget", list)).toBe(false);
    expect(widgetOriginAllowed("not a url", list)).toBe(false);
    expect(widgetOriginAllowed("data:text/html,hi", list)).toBe(false);
    expect(widgetOriginAllowed("https://w.example.fr/", [])).toBe(false);
  });
});
