import { describe, expect, it } from "vitest";
import { parseFederation } from "../../homeserver-config/src/load-federation.ts";
import { readFileSync } from "node:fs";
import { renderProductionWebConfig } from "../../web/server/production-config.ts";
import { parseRuntimeConfig } from "../../web/src/core/runtime-config.ts";

const file = "homeserver-config/federation.yaml";
const text = readFileSync(file, "utf8");

describe("web client production settings", () => {
  it("renders config.json with the allowed widget origins and a CSP framing only those", () => {
    const { config, contentSecurityPolicy } = renderProductionWebConfig(
      parseFederation(text, file),
    );
    expect(config.widgetOrigins).toEqual(["https://sondages.tchap.gouv.fr"]);
    expect(config.directoryUrl).toBe("https://directory.tchap.gouv.fr");
    expect(config.wellKnownBaseUrls).toEqual({});
    // What the client reads back is what was rendered.
    expect(parseRuntimeConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
    const frameSrc = contentSecurityPolicy.split("; ").find((d) => d.startsWith("frame-src"));
    expect(frameSrc).toBe("frame-src 'self' https://sondages.tchap.gouv.fr");
    expect(contentSecurityPolicy).toContain("https://matrix.ministere-a.tchap.gouv.fr");
  });

  it("refuses a widget origin with a path, naming the file line", () => {
    const bad = text.replace(
      "widgetOrigins: [https://sondages.tchap.gouv.fr]",
      "widgetOrigins: [https://sondages.tchap.gouv.fr/poll]",
    );
    const line = bad.split("\n").findIndex((l) => l.includes("/poll]")) + 1;
    expect(() => parseFederation(bad, file)).toThrow(
      new RegExp(`${file}:${line}.*production\\.widgetOrigins\\.0.*must be an origin`),
    );
  });

  it("rejects a config.json whose widgetOrigins is not a list of origins", () => {
    expect(() =>
      parseRuntimeConfig({
        directoryUrl: "https://d",
        wellKnownBaseUrls: {},
        widgetOrigins: ["*"],
      }),
    ).toThrow(/config\.json: `widgetOrigins`\[0\] must be an origin/);
    expect(
      parseRuntimeConfig({ directoryUrl: "https://d", wellKnownBaseUrls: {} }).widgetOrigins,
    ).toEqual([]);
  });
});
