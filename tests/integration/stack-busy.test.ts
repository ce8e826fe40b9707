import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import { testInstance } from "../../homeserver-config/src/local/instance.ts";
import { startLocalStack } from "../../homeserver-config/src/stack/start-stack.ts";

const projectRoot = inject("projectRoot");
const stack = inject("stack");

describe("starting a stack where one already runs", () => {
  it("refuses to start a second stack from the same data folder, naming the running one", async () => {
    const federation = await loadFederation(
      path.join(projectRoot, "homeserver-config/federation.yaml"),
    );
    await expect(
      startLocalStack({ federation, instance: testInstance(projectRoot), projectRoot }),
    ).rejects.toMatchObject({
      code: "STACK_BUSY",
      message: expect.stringMatching(/Another stack is already running from .* \(pid \d+\)/),
    });
    // The running stack was not disturbed.
    const res = await fetch(`${stack.homeservers[0]!.clientUrl}/_matrix/client/versions`);
    expect(res.status).toBe(200);
  });

  it("says which port is taken when another instance's ports are in use", async () => {
    const federation = await loadFederation(
      path.join(projectRoot, "homeserver-config/federation.yaml"),
    );
    const running = testInstance(projectRoot);
    const clash = { ...running, name: "clash", dataDir: `${running.dataDir}-clash` };
    await expect(
      startLocalStack({ federation, instance: clash, projectRoot, fresh: true }),
    ).rejects.toMatchObject({
      code: "STACK_BUSY",
      message: expect.stringContaining(`Port ${running.portBase} on 127.0.0.1`),
    });
  });
});
