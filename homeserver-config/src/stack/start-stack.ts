import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { SynapseAdminClient } from "../admin/synapse-admin.ts";
import { ensureSecrets, ensureSelfSignedCert, ensureSigningKey } from "../keys.ts";
import {
  FEDERATION_PORT,
  layoutHomeservers,
  localRtcAuthUrl,
  type LocalHomeserverLayout,
  type LocalInstance,
} from "../local/instance.ts";
import type { Federation } from "../model.ts";
import { PROVISIONER_LOCALPART, provisioningAppservice } from "../render/appservice.ts";
import { localPolicyInput } from "../render/policy-local.ts";
import { POLICY_MODULE_DIR, type PolicyRenderInput } from "../render/policy-module.ts";
import { logConfig, type SynapseConfig } from "../render/synapse-common.ts";
import { localFiles, renderLocalSynapseConfig } from "../render/synapse-local.ts";
import { defaultLauncher, type SynapseLauncher } from "../synapse/launcher.ts";
import { SynapseProcess } from "../synapse/process.ts";
import { planDemoAccounts } from "./demo-accounts.ts";
import { acquireStackLock, assertPortFree } from "./lock.ts";
import type { StartedService, StackService } from "./service.ts";
import type { StackDescription, StackHomeserver } from "./stack-description.ts";

export interface StartOptions {
  federation: Federation;
  instance: LocalInstance;
  /** Delete the instance's data first. */
  fresh?: boolean;
  launcher?: SynapseLauncher;
  /** Extra Synapse settings per homeserver id (tests: low rate limits). */
  overrides?: Record<string, SynapseConfig>;
  /** Services started after the homeservers, in order (see all-services.ts). */
  services?: StackService[];
  projectRoot: string;
  log?: (line: string) => void;
}

export interface RunningStack {
  description: StackDescription;
  stackFile: string;
  /** How long the homeservers took to answer, and the whole start (for benchmarks). */
  timings: { homeserversReadyMs: number; totalMs: number };
  /** Stops every process this stack started, and nothing else. Safe to call twice. */
  stop(): Promise<void>;
}

export function stackFilePath(instance: LocalInstance): string {
  return path.join(instance.dataDir, "stack.json");
}

/** Renders every homeserver's files. Keys and secrets are created once and kept. */
export async function renderLocalHomeserver(
  layout: LocalHomeserverLayout,
  federationServerNames: string[],
  rtcAuthServiceUrl: string,
  overrides?: SynapseConfig,
  policy?: PolicyRenderInput,
) {
  const files = localFiles(layout.dir);
  await mkdir(files.media, { recursive: true });
  await ensureSigningKey(files.signingKey);
  await ensureSelfSignedCert(
    files.tlsCert,
    files.tlsKey,
    layout.serverName,
    layout.federationAddress,
  );
  const secrets = await ensureSecrets(files.secrets);
  const config = renderLocalSynapseConfig({
    layout,
    federationServerNames,
    rtcAuthServiceUrl,
    secrets,
    ...(policy ? { policy } : {}),
    ...(overrides ? { overrides } : {}),
  });
  await writeFile(files.config, stringify(config), { mode: 0o600 });
  await writeFile(files.logConfig, stringify(logConfig(files.log, "INFO")));
  await writeFile(
    files.appservice,
    stringify(provisioningAppservice(layout.serverName, secrets.appservice)),
    { mode: 0o600 },
  );
  return { files, secrets };
}

export async function startLocalStack(options: StartOptions): Promise<RunningStack> {
  const { federation, instance } = options;
  const log = options.log ?? console.log;
  const layouts = layoutHomeservers(federation, instance);

  if (options.fresh) {
    // Refuse to wipe the data of a stack that is running from it.
    const release = await acquireStackLock(instance.dataDir);
    await release();
    await rm(instance.dataDir, { recursive: true, force: true });
  }
  const releaseLock = await acquireStackLock(instance.dataDir);
  const started: SynapseProcess[] = [];
  const services: StartedService[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Services first: they talk to the homeservers, not the other way round.
    for (const s of services.reverse())
      await s.stop().catch((e: unknown) => log(`stop: ${String(e)}`));
    await Promise.all(started.map((p) => p.stop()));
    await releaseLock();
  };

  try {
    for (const l of layouts) {
      await assertPortFree("127.0.0.1", l.clientPort, `${l.serverName} client API`);
      await assertPortFree(l.federationAddress, l.federationPort, `${l.serverName} federation`);
    }
    const launcher = options.launcher ?? (await defaultLauncher(log));

    const hostsFile = path.join(instance.dataDir, "hosts");
    await writeFile(
      hostsFile,
      ["127.0.0.1 localhost", ...layouts.map((l) => `${l.federationAddress} ${l.serverName}`)].join(
        "\n",
      ) + "\n",
    );
    const serverNames = layouts.map((l) => l.serverName);
    const rtcUrl = localRtcAuthUrl(instance);
    const policy = localPolicyInput(layouts, instance);
    const rendered = await Promise.all(
      layouts.map((l) =>
        renderLocalHomeserver(l, serverNames, rtcUrl, options.overrides?.[l.homeserver.id], policy),
      ),
    );

    const t0 = Date.now();
    await Promise.all(
      layouts.map(async (l, i) => {
        const { files } = rendered[i]!;
        const proc = await SynapseProcess.start(launcher, {
          configFiles: [files.config],
          dataDir: instance.dataDir,
          hostsFile,
          pythonPath: [path.join(options.projectRoot, POLICY_MODULE_DIR)],
          serverName: l.serverName,
          clientUrl: l.clientUrl,
          consoleLog: path.join(l.dir, "console.log"),
          logFile: files.log,
        });
        started.push(proc);
      }),
    );
    const homeserversReadyMs = Date.now() - t0;
    log(
      `${layouts.length} homeservers answering after ${(homeserversReadyMs / 1000).toFixed(1)} s`,
    );

    const homeservers: StackHomeserver[] = [];
    const admins = new Map<string, SynapseAdminClient>();
    for (const [i, l] of layouts.entries()) {
      const { secrets } = rendered[i]!;
      const admin = await SynapseAdminClient.forServerAdmin(
        l.clientUrl,
        l.serverName,
        secrets.registrationSharedSecret,
        secrets.adminPassword,
      );
      admins.set(l.homeserver.id, admin);
      homeservers.push({
        id: l.homeserver.id,
        displayName: l.homeserver.displayName,
        serverName: l.serverName,
        external: l.homeserver.external,
        clientUrl: l.clientUrl,
        federationAddress: `${l.federationAddress}:${FEDERATION_PORT}`,
        dir: l.dir,
        admin: { userId: `@admin:${l.serverName}`, accessToken: admin.token },
        appservice: {
          senderUserId: `@${PROVISIONER_LOCALPART}:${l.serverName}`,
          asToken: secrets.appservice.asToken,
        },
      });
    }

    const accounts = await planDemoAccounts(
      federation,
      layouts,
      path.join(instance.dataDir, "demo-passwords.json"),
    );
    for (const a of accounts) {
      await admins.get(a.homeserver)!.ensureUser({
        userId: a.userId,
        password: a.password,
        displayName: a.displayName,
        email: a.email,
      });
    }

    const description: StackDescription = {
      instance: instance.name,
      profile: "local",
      pid: process.pid,
      startedAt: new Date().toISOString(),
      federationName: federation.name,
      homeservers,
      accounts,
      services: {},
    };
    for (const service of options.services ?? []) {
      const t = Date.now();
      const running = await service.start({
        federation,
        instance,
        projectRoot: options.projectRoot,
        stack: description,
        log,
      });
      services.push(running);
      Object.assign(
        description.services,
        Object.fromEntries(Object.entries(running.urls).map(([k, url]) => [k, { url }])),
      );
      log(`${service.name} started in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }

    const stackFile = stackFilePath(instance);
    await writeFile(stackFile, JSON.stringify(description, null, 2), { mode: 0o600 });
    const timings = { homeserversReadyMs, totalMs: Date.now() - t0 };
    return { description, stackFile, timings, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
