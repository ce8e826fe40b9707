import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFederation } from "../../homeserver-config/src/load-federation.ts";
import type { CallOptions, MatrixApi } from "../../bots/matrix/matrix-api.ts";
import { MemoryAuditLog } from "../../bots/provision/audit-log.ts";
import { executePlan } from "../../bots/provision/execute.ts";
import { computePlan } from "../../bots/provision/plan.ts";
import { parseSpec } from "../../bots/spec/load-spec.ts";
import type { SpecEnvironment } from "../../bots/spec/model.ts";

const env: SpecEnvironment = {
  federation: parseFederation(
    readFileSync(path.join(import.meta.dirname, "../../homeserver-config/federation.yaml"), "utf8"),
    "federation.yaml",
  ),
  serverNames: { "ministere-a": "a.test", "ministere-b": "b.test", externe: "x.test" },
};

/**
 * A homeserver that creates the room but loses the answer (the connection drops): the
 * provisioner must find the room by its marker instead of creating a second one.
 */
class LossyHomeserver implements MatrixApi {
  readonly userId = "@provisioner:a.test";
  readonly serverName = "a.test";
  readonly calls: string[] = [];
  private rooms: { room_id: string; membership: string; state: unknown[] }[] = [];

  async call<T>(method: string, p: string, o: CallOptions = {}): Promise<T> {
    this.calls.push(`${method} ${p.split("?")[0]}`);
    if (p.endsWith("/createRoom")) {
      const body = o.body as {
        initial_state: { type: string; state_key: string; content: unknown }[];
      };
      const id = `!r${this.rooms.length}:a.test`;
      this.rooms.push({
        room_id: id,
        membership: "join",
        state: body.initial_state.map((e) => ({ ...e, sender: this.userId })),
      });
      if (this.rooms.length === 1) throw new TypeError("fetch failed");
      return { room_id: id } as T;
    }
    if (p.endsWith("/initialSync")) return { rooms: this.rooms } as T;
    return {} as T;
  }
}

describe("applying a plan", () => {
  it("does not create a room twice when createRoom's answer is lost", async () => {
    const spec = parseSpec(
      "version: 1\nid: t\nrooms:\n  - { key: r, name: R, owner: ministere-a }\n",
      "t.yaml",
      env,
    );
    const api = new LossyHomeserver();
    const plan = computePlan({
      spec,
      env,
      views: new Map([
        [
          "ministere-a",
          { homeserverId: "ministere-a", managed: new Map(), invites: [], requests: 0 },
        ],
      ]),
      missingUsers: new Set(),
      takenAliases: new Map(),
    });
    const res = await executePlan(plan, {
      spec,
      env,
      agents: new Map([["ministere-a", { homeserverId: "ministere-a", api }]]),
      audit: new MemoryAuditLog(),
    });
    expect(res.failed).toEqual([]);
    expect(res.created.get("r")).toBe("!r0:a.test");
    expect(api.calls.filter((c) => c.endsWith("/createRoom"))).toHaveLength(1);
  });
});
