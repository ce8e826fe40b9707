import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import { testInstance, type LocalInstance } from "../../homeserver-config/src/local/instance.ts";
import {
  startLocalStack,
  type RunningStack,
} from "../../homeserver-config/src/stack/start-stack.ts";
import { TestClient } from "../support/matrix-test-client.ts";

const projectRoot = inject("projectRoot");

/** A second, private federation beside the shared one, so restarting it disturbs no other test. */
function restartInstance(): LocalInstance {
  const base = testInstance(projectRoot);
  const octet = Number(base.loopbackPrefix.split(".")[2]);
  return {
    name: `${base.name}-restart`,
    dataDir: `${base.dataDir}-restart`,
    loopbackPrefix: `127.1.${octet}`,
    portBase: base.portBase + 100,
  };
}

describe("a full stack restart", () => {
  const instance = restartInstance();
  let running: RunningStack | undefined;
  afterAll(() => running?.stop());

  it("keeps rooms, messages, sessions, passwords and keys", async () => {
    const federation = await loadFederation(
      path.join(projectRoot, "homeserver-config/federation.yaml"),
    );
    const start = (fresh: boolean) =>
      startLocalStack({ federation, instance, fresh, projectRoot, log: () => undefined });

    running = await start(true);
    const first = running.description;
    const alice = await TestClient.demo(first, "ministere-a");
    const chloe = await TestClient.demo(first, "ministere-b");
    const roomId = await alice.createRoom({ name: "Avant redémarrage" });
    await alice.invite(roomId, chloe.userId);
    await chloe.waitForInvite(roomId);
    await chloe.join(roomId);
    const text = `persistant ${Date.now()}`;
    await alice.send(roomId, text);
    await chloe.waitForEvent(roomId, (e) => e.content.body === text);
    const keyFile = path.join(first.homeservers[0]!.dir, "signing.key");
    const keyBefore = await readFile(keyFile, "utf8");
    await running.stop();

    running = await start(false);
    const second = running.description;
    expect(second.accounts.map((a) => [a.userId, a.password])).toEqual(
      first.accounts.map((a) => [a.userId, a.password]),
    );
    expect(await readFile(keyFile, "utf8")).toBe(keyBefore);

    // The old access token still works, and the other agency still has the history.
    const { user_id } = await alice.request<{ user_id: string }>(
      "/_matrix/client/v3/account/whoami",
    );
    expect(user_id).toBe(alice.userId);
    const chloeAgain = await TestClient.demo(second, "ministere-b");
    const { chunk } = await chloeAgain.request<{ chunk: { content: { body?: string } }[] }>(
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=20`,
    );
    expect(chunk.map((e) => e.content.body)).toContain(text);

    // And federation works again after the restart.
    const after = `après ${Date.now()}`;
    await chloeAgain.send(roomId, after);
    await alice.waitForEvent(roomId, (e) => e.content.body === after);
  });
});
