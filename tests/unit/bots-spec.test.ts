import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFederation } from "../../homeserver-config/src/load-federation.ts";
import { parseSpec, SpecError } from "../../bots/spec/load-spec.ts";
import type { SpecEnvironment } from "../../bots/spec/model.ts";

const root = path.join(import.meta.dirname, "../..");
const federation = parseFederation(
  readFileSync(path.join(root, "homeserver-config/federation.yaml"), "utf8"),
  "federation.yaml",
);
const env: SpecEnvironment = {
  federation,
  serverNames: {
    "ministere-a": "ministere-a.localhost",
    "ministere-b": "ministere-b.localhost",
    externe: "externe.localhost",
  },
};
const demo = readFileSync(path.join(root, "bots/specs/demo.yaml"), "utf8");

function problems(text: string): string {
  try {
    parseSpec(text, "rooms.yaml", env);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    expect((e as SpecError).code).toBe("PROVISIONING_SPEC_INVALID");
    return (e as SpecError).message;
  }
  throw new Error("expected the spec to be refused");
}

const lineOf = (text: string, needle: string) =>
  text.split("\n").findIndex((l) => l.includes(needle)) + 1;

const base = (rooms: string) => `version: 1
id: test
defaults:
  owner: ministere-a
rooms:
${rooms}`;

describe("provisioning spec", () => {
  it("accepts the demo spec and resolves e-mails to each agency's homeserver", () => {
    const spec = parseSpec(demo, "demo.yaml", env);
    const cellule = spec.rooms.find((r) => r.key === "cellule-interministerielle")!;
    expect(cellule.members.map((m) => [m.userId, m.role])).toEqual([
      ["@alice.martin-ministere-a.gouv.fr:ministere-a.localhost", "admin"],
      ["@bruno.petit-ministere-a.gouv.fr:ministere-a.localhost", "member"],
      ["@chloe.bernard-ministere-b.gouv.fr:ministere-b.localhost", "moderator"],
      ["@david.leroy-ministere-b.gouv.fr:ministere-b.localhost", "member"],
    ]);
    // Spaces come after the rooms they hold.
    expect(spec.rooms.at(-1)).toMatchObject({ key: "coordination", kind: "space" });
  });

  it("takes Matrix IDs written with the homeserver id or the production server name", () => {
    const spec = parseSpec(
      base(`  - key: r
    name: R
    members:
      - "@chloe:ministere-b"
      - "@david:agent.ministere-b.tchap.gouv.fr"`),
      "rooms.yaml",
      env,
    );
    expect(spec.rooms[0]!.members.map((m) => m.userId)).toEqual([
      "@chloe:ministere-b.localhost",
      "@david:ministere-b.localhost",
    ]);
  });

  it("names file, line and key path of a member on an unknown server", () => {
    const text = base(`  - key: r
    name: R
    members:
      - alice.martin@ministere-a.gouv.fr
      - "@zoe:ministere-z.example"`);
    expect(problems(text)).toBe(
      `rooms.yaml:${lineOf(text, "@zoe")}:9: rooms.0.members.1: unknown member "@zoe:ministere-z.example": ` +
        `"ministere-z.example" is not a homeserver of the federation`,
    );
  });

  it("refuses an external user in a restricted room, and says which type allows it", () => {
    const text = base(`  - key: r
    name: R
    type: private
    members:
      - emma.garnier@prestataire.example`);
    expect(problems(text)).toMatch(
      new RegExp(
        `^rooms\\.yaml:${lineOf(text, "emma")}:\\d+: rooms\\.0\\.members\\.0: external user ` +
          `emma\\.garnier@prestataire\\.example \\(served by "externe"\\) cannot be in a restricted ` +
          `room \\(type "private"\\); use type "private_external"$`,
      ),
    );
  });

  it("refuses power for external users even where they may be members", () => {
    const text = base(`  - key: r
    name: R
    type: private_external
    members:
      - { user: emma.garnier@prestataire.example, role: moderator }`);
    expect(problems(text)).toMatch(
      /rooms\.0\.members\.0: external user .* cannot be given role "moderator"/,
    );
  });

  it("refuses a duplicate key, pointing at the second and naming the first", () => {
    const text = base(`  - key: r
    name: R
  - key: r
    name: R again`);
    expect(problems(text)).toBe(
      `rooms.yaml:${lineOf(text, "name: R again") - 1}:10: rooms.1.key: duplicate key "r" (first at rooms.0)`,
    );
  });

  it("lists every problem at once: unknown owner, unknown space child, member listed twice", () => {
    const text = `version: 1
id: test
rooms:
  - key: r
    name: R
    owner: ministere-z
    members: [alice.martin@ministere-a.gouv.fr, "@alice.martin-ministere-a.gouv.fr:ministere-a"]
spaces:
  - key: s
    name: S
    owner: externe
    rooms: [r, nope]`;
    const lines = problems(text).split("\n");
    expect(lines).toEqual([
      `rooms.yaml:6:12: rooms.0.owner: unknown homeserver "ministere-z" (known: ministere-a, ministere-b, externe)`,
      expect.stringMatching(
        /^rooms\.yaml:7:\d+: rooms\.0\.members\.1: .* is listed twice \(first at rooms\.0\.members\.0\)$/,
      ),
      `rooms.yaml:11:12: spaces.0.owner: the external users' server "externe" cannot own rooms`,
      `rooms.yaml:12:16: spaces.0.rooms.1: unknown room key "nope"`,
    ]);
  });

  it("reports schema errors (unknown key, bad role, bad alias) with their lines", () => {
    const text = base(`  - key: r
    name: R
    colour: blue
    alias: "#r:ministere-a.localhost"
    members:
      - { user: alice.martin@ministere-a.gouv.fr, role: boss }`);
    const out = problems(text);
    expect(out).toMatch(
      new RegExp(`rooms\\.yaml:${lineOf(text, "key: r")}:\\d+: rooms\\.0: .*colour`),
    );
    expect(out).toMatch(
      new RegExp(
        `rooms\\.yaml:${lineOf(text, "alias:")}:\\d+: rooms\\.0\\.alias: must be the alias localpart only`,
      ),
    );
    expect(out).toMatch(
      new RegExp(`rooms\\.yaml:${lineOf(text, "boss")}:\\d+: rooms\\.0\\.members\\.0\\.role: `),
    );
  });

  it("reports YAML syntax errors and duplicate YAML keys with their line", () => {
    expect(problems(base(`  - key: r\n    name: R\n    name: S`))).toMatch(
      /^rooms\.yaml:8:5: Map keys must be unique/,
    );
    expect(problems("version: 1\nid: [unclosed")).toMatch(/^rooms\.yaml:\d+:\d+: /);
  });

  it("needs an owner for every room", () => {
    expect(problems("version: 1\nid: t\nrooms:\n  - { key: r, name: R }")).toMatch(
      /^rooms\.yaml:4:\d+: rooms\.0: no owner: set "owner"/,
    );
  });
});
