import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  FederationConfigError,
  parseFederation,
} from "../../homeserver-config/src/load-federation.ts";

const shipped = readFileSync(
  path.join(import.meta.dirname, "../../homeserver-config/federation.yaml"),
  "utf8",
);

function problemsOf(text: string): string {
  try {
    parseFederation(text, "federation.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(FederationConfigError);
    return (e as FederationConfigError).message;
  }
  throw new Error("expected the file to be refused");
}

describe("federation.yaml validation", () => {
  it("accepts the shipped file: two ministries and the external users' server", () => {
    const f = parseFederation(shipped, "federation.yaml");
    expect(f.homeservers.map((h) => [h.id, h.external])).toEqual([
      ["ministere-a", false],
      ["ministere-b", false],
      ["externe", true],
    ]);
  });

  it("names file, line and key path of a malformed server name", () => {
    const text = shipped.replace(
      "serverName: agent.ministere-b.tchap.gouv.fr",
      "serverName: Not A Server!",
    );
    const line = text.split("\n").findIndex((l) => l.includes("Not A Server!")) + 1;
    expect(problemsOf(text)).toMatch(
      new RegExp(
        `^federation\\.yaml:${line}:\\d+: homeservers\\.1\\.serverName: must be a DNS name`,
      ),
    );
  });

  it("points at the parent when a required key is missing", () => {
    const text = shipped.replace(
      "    displayName: Ministère A\n    # The production",
      "    # The production",
    );
    expect(problemsOf(text)).toMatch(/^federation\.yaml:\d+:\d+: homeservers\.0\.displayName: /);
  });

  it("refuses an unknown key, naming it", () => {
    const text = shipped.replace("version: 1", "version: 1\ncolour: blue");
    expect(problemsOf(text)).toMatch(/federation\.yaml:\d+:\d+: \(top level\): .*colour/);
  });

  it("refuses an e-mail domain claimed by two agencies, naming the first claim", () => {
    const text = shipped.replace(
      'domains: ["ministere-b.gouv.fr"',
      'domains: ["ministere-a.gouv.fr"',
    );
    expect(problemsOf(text)).toMatch(
      /homeservers\.1\.agencies\.0\.email\.domains\.0: e-mail domain "ministere-a\.gouv\.fr" is already declared at homeservers\.0\.agencies\.0\.email\.domains\.0/,
    );
  });

  it("requires exactly one external homeserver", () => {
    const text = shipped.replace("external: true", "external: false");
    expect(problemsOf(text)).toContain(
      'exactly one homeserver must have "external: true" (found 0)',
    );
  });

  it("reports YAML syntax errors with their line, not a stack trace", () => {
    const text = shipped.replace("name: Tchap (local federation)", "name: [unclosed");
    const msg = problemsOf(text);
    expect(msg).toMatch(/^federation\.yaml:\d+:\d+: /);
    expect(msg).not.toMatch(/\n\s+at /);
  });

  it("refuses duplicate keys, at the second occurrence", () => {
    const text = shipped.replace("version: 1", "version: 1\nversion: 1");
    const second = text.split("\n").lastIndexOf("version: 1") + 1;
    expect(problemsOf(text)).toMatch(
      new RegExp(`^federation\\.yaml:${second}:\\d+: .*[Mm]ap keys must be unique`),
    );
  });

  it("refuses production settings for an unknown homeserver", () => {
    const text = shipped.replace(
      "    externe:\n      publicBaseUrl",
      "    externo:\n      publicBaseUrl",
    );
    const msg = problemsOf(text);
    expect(msg).toContain('production.homeservers.externo: no homeserver has id "externo"');
    expect(msg).toContain('homeserver "externe" has no production settings');
  });
});
