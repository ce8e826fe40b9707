import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { localFiles } from "../../homeserver-config/src/render/synapse-local.ts";
import { liveKitKeyFile } from "../../rtc/production/livekit-config.ts";
import { TestClient } from "../support/matrix-test-client.ts";
import {
  getTokenBody,
  postJson,
  postText,
  requestOpenIdToken,
  testDataDir,
  testLiveKitKeys,
} from "../support/rtc-auth-client.ts";

const stack = inject("stack");
const projectRoot = inject("projectRoot");

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runCli(env: Record<string, string>): Run {
  let output = "";
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(projectRoot, "rtc/auth/cli.ts")],
    // Only what the service is given: no inherited LIVEKIT_* variables.
    { env: { PATH: process.env.PATH ?? "", ...env }, cwd: projectRoot },
  );
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => output, exited };
}

async function waitFor(run: Run, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(run.output())) {
    if (run.child.exitCode !== null) throw new Error(`service exited:\n${run.output()}`);
    if (Date.now() > deadline)
      throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The production entry point (rtc/auth/cli.ts) configured by environment alone, as a LiveKit
 * deployment would run it: LiveKit URL and key file, federation file, and (for this machine)
 * a hosts file and extra trusted certificates for the homeservers. The embedded SFU stands in
 * for LiveKit.
 */
describe("MatrixRTC authorization service as a process configured by its environment", () => {
  let dir: string;
  let env: Record<string, string>;
  let url: string;
  let run: Run | undefined;
  let apiSecret: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "rtc-auth-cli-"));
    const keys = await testLiveKitKeys(projectRoot);
    apiSecret = keys.apiSecret;
    await writeFile(path.join(dir, "keys.yaml"), liveKitKeyFile(keys.apiKey, keys.apiSecret), {
      mode: 0o600,
    });
    // federation.yaml with the local profile's server names.
    const federation = parse(
      await readFile(path.join(projectRoot, "homeserver-config/federation.yaml"), "utf8"),
    ) as { homeservers: { id: string; serverName: string }[] };
    for (const hs of federation.homeservers) hs.serverName = `${hs.id}.localhost`;
    await writeFile(path.join(dir, "federation.yaml"), stringify(federation));
    const certificates = await Promise.all(
      stack.homeservers.map((hs) => readFile(localFiles(hs.dir).tlsCert, "utf8")),
    );
    await writeFile(path.join(dir, "homeservers-ca.pem"), certificates.join("\n"));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      LIVEKIT_URL: stack.services.sfu!.url,
      LIVEKIT_KEY_FILE: path.join(dir, "keys.yaml"),
      LIVEKIT_JWT_BIND: `127.0.0.1:${port}`,
      TCHAP_FEDERATION_FILE: path.join(dir, "federation.yaml"),
      TCHAP_EXTRA_CA_FILE: path.join(dir, "homeservers-ca.pem"),
      TCHAP_HOSTS_FILE: path.join(testDataDir(projectRoot), "hosts"),
    };
  });

  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill("SIGTERM");
      await run.exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("starts, issues tokens the SFU accepts, refuses outsiders, and prints no secret", async () => {
    run = runCli(env);
    await waitFor(run, /MatrixRTC authorization service on/);
    expect(run.output()).toMatch(/TLS verification on/);

    const alice = await TestClient.demo(stack, "ministere-a", 0);
    const roomId = await alice.createRoom({ name: "rtc cli" });
    const openid = await requestOpenIdToken(alice);
    const res = await postJson(
      `${url}/get_token`,
      getTokenBody(roomId, openid, { claimed_user_id: alice.userId }),
    );
    expect(res.status).toBe(200);
    expect(res.json.url).toBe(stack.services.sfu!.url);
    const validate = await fetch(
      `${stack.services.sfu!.url.replace(/^ws/, "http")}/rtc/validate?access_token=${res.json.jwt as string}`,
    );
    expect(validate.status).toBe(200);

    const outsider = await postJson(
      `${url}/get_token`,
      getTokenBody(
        roomId,
        { ...openid, matrix_server_name: "agent.ministere-a.tchap.gouv.fr" },
        { claimed_user_id: alice.userId },
      ),
    );
    expect(outsider.status).toBe(403);
    expect((await postText(`${url}/sfu/get`, "not json")).status).toBe(400);

    await waitFor(run, /get_token: granted/);
    const printed = run.output();
    for (const secret of [openid.access_token, res.json.jwt as string, apiSecret]) {
      expect(printed).not.toContain(secret);
    }
  });

  it("refuses to start on a bad configuration, saying why, without printing the secret", async () => {
    const bad = runCli({
      ...env,
      LIVEKIT_URL: "http://not-a-websocket",
      LIVEKIT_JWT_BIND: "127.0.0.1:0",
    });
    const lkjwt = runCli({ ...env, LIVEKIT_FULL_ACCESS_HOMESERVERS: "*" });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/cannot start: LIVEKIT_URL must be a ws:\/\/ or wss:\/\/ URL/);
    expect(await lkjwt.exited).toBe(1);
    expect(lkjwt.output()).toMatch(/federation file decides/);
    expect(bad.output() + lkjwt.output()).not.toContain(apiSecret);
  });
});
