import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Federation } from "../../homeserver-config/src/model.ts";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import { PROVISIONER_LOCALPART } from "../../homeserver-config/src/render/appservice.ts";
import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";
import {
  formatProblem,
  YamlSource,
  YamlSyntaxError,
  zodIssues,
  type ConfigProblem,
} from "../../homeserver-config/src/yaml-source.ts";
import { HttpMatrixApi } from "../matrix/matrix-api.ts";
import type { RetryPolicy } from "../matrix/retry-policy.ts";
import type { ProvisioningAgent } from "../provision/execute.ts";
import type { SpecEnvironment } from "../spec/model.ts";

/** Where the provisioners run: the homeservers' names and the identities this run holds. */
export interface ProvisioningTarget {
  env: SpecEnvironment;
  agents: Map<string, ProvisioningAgent>;
  /** Default audit log for this target. */
  auditLog: string;
}

export class TargetConfigError extends Error {
  readonly code = "PROVISIONER_CONFIG_INVALID";
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "TargetConfigError";
  }
}

export interface TargetOptions {
  /** Act only as these homeservers' provisioners (default: every one with a token). */
  only?: string[];
  policy?: RetryPolicy;
  onRetry?: (info: { reason: string; delayMs: number; path: string }) => void;
}

/**
 * The local stack: `stack.json` holds every homeserver's appservice token. Each agent still
 * gets only its own homeserver's token, exactly as the agencies' separate runs would.
 */
export function targetFromStack(
  stack: StackDescription,
  federation: Federation,
  stackFile: string,
  o: TargetOptions = {},
): ProvisioningTarget {
  const serverNames = Object.fromEntries(stack.homeservers.map((h) => [h.id, h.serverName]));
  const agents = new Map<string, ProvisioningAgent>();
  for (const hs of stack.homeservers) {
    if (o.only && !o.only.includes(hs.id)) continue;
    const common = {
      baseUrl: hs.clientUrl,
      serverName: hs.serverName,
      ...(o.policy ? { policy: o.policy } : {}),
      ...(o.onRetry ? { onRetry: o.onRetry } : {}),
    };
    agents.set(hs.id, {
      homeserverId: hs.id,
      api: new HttpMatrixApi({
        ...common,
        userId: hs.appservice.senderUserId,
        accessToken: hs.appservice.asToken,
      }),
      admin: new HttpMatrixApi({
        ...common,
        userId: hs.admin.userId,
        accessToken: hs.admin.accessToken,
      }),
    });
  }
  checkOnly(o.only, serverNames, stackFile);
  return {
    env: { federation, serverNames },
    agents,
    auditLog: path.join(path.dirname(stackFile), "provisioning-audit.jsonl"),
  };
}

export async function loadStackTarget(
  stackFile: string,
  federationFile: string,
  o: TargetOptions = {},
): Promise<ProvisioningTarget> {
  let stack: StackDescription;
  try {
    stack = JSON.parse(await readFile(stackFile, "utf8")) as StackDescription;
  } catch (e) {
    throw new TargetConfigError([
      {
        file: stackFile,
        message:
          `cannot read the stack description (${(e as Error).message}); is the stack running ` +
          `(npm start)? Or give --stack FILE, or --config FILE for a production provisioner.`,
      },
    ]);
  }
  return targetFromStack(stack, await loadFederation(federationFile), stackFile, o);
}

const productionSchema = z.strictObject({
  /** federation.yaml, relative to this file. */
  federation: z.string().min(1),
  /** The homeserver id this provisioner acts for: one agency, one token. */
  homeserver: z.string().min(1),
  clientUrl: z.url({ protocol: /^https?$/ }),
  /** File holding the appservice as_token; else env TCHAP_PROVISIONER_AS_TOKEN. */
  asTokenFile: z.string().min(1).optional(),
  /** File holding a server admin token, only needed to create accounts. */
  adminTokenFile: z.string().min(1).optional(),
  auditLog: z.string().min(1).default("provisioning-audit.jsonl"),
  /** Server names when they differ from federation.yaml's (a staging federation). */
  serverNames: z.record(z.string(), z.string().min(1)).optional(),
});

/**
 * A production provisioner: one agency's homeserver and its own token only. The other
 * agencies' provisioners run the same spec with their own config; nothing is shared.
 */
export async function loadProductionTarget(
  file: string,
  o: TargetOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProvisioningTarget> {
  let source: YamlSource;
  try {
    source = YamlSource.parse(await readFile(file, "utf8"), file);
  } catch (e) {
    if (e instanceof YamlSyntaxError) throw new TargetConfigError(e.problems);
    throw new TargetConfigError([{ file, message: `cannot read: ${(e as Error).message}` }]);
  }
  const parsed = productionSchema.safeParse(source.toJS());
  if (!parsed.success) {
    throw new TargetConfigError(zodIssues(parsed.error).map((i) => source.problem(i)));
  }
  const c = parsed.data;
  const dir = path.dirname(file);
  const federation = await loadFederation(path.resolve(dir, c.federation));
  const hs = federation.homeservers.find((h) => h.id === c.homeserver);
  if (!hs) {
    throw new TargetConfigError([
      source.problem({
        path: ["homeserver"],
        message: `no homeserver "${c.homeserver}" in the federation`,
      }),
    ]);
  }
  const readToken = async (f: string | undefined, envName: string, key: string) => {
    if (f) {
      try {
        return (await readFile(path.resolve(dir, f), "utf8")).trim();
      } catch (e) {
        throw new TargetConfigError([
          source.problem({ path: [key], message: `cannot read: ${(e as Error).message}` }),
        ]);
      }
    }
    return env[envName]?.trim() || undefined;
  };
  const asToken = await readToken(c.asTokenFile, "TCHAP_PROVISIONER_AS_TOKEN", "asTokenFile");
  if (!asToken) {
    throw new TargetConfigError([
      source.problem({
        path: ["asTokenFile"],
        message: "no appservice token: set asTokenFile or the TCHAP_PROVISIONER_AS_TOKEN variable",
      }),
    ]);
  }
  const adminToken = await readToken(c.adminTokenFile, "TCHAP_ADMIN_TOKEN", "adminTokenFile");
  const serverNames = Object.fromEntries(
    federation.homeservers.map((h) => [h.id, c.serverNames?.[h.id] ?? h.serverName]),
  );
  const serverName = serverNames[hs.id]!;
  const common = {
    baseUrl: c.clientUrl.replace(/\/$/, ""),
    serverName,
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.onRetry ? { onRetry: o.onRetry } : {}),
  };
  const agents = new Map<string, ProvisioningAgent>([
    [
      hs.id,
      {
        homeserverId: hs.id,
        api: new HttpMatrixApi({
          ...common,
          userId: `@${PROVISIONER_LOCALPART}:${serverName}`,
          accessToken: asToken,
        }),
        ...(adminToken
          ? {
              admin: new HttpMatrixApi({
                ...common,
                userId: `@admin:${serverName}`,
                accessToken: adminToken,
              }),
            }
          : {}),
      },
    ],
  ]);
  return { env: { federation, serverNames }, agents, auditLog: path.resolve(dir, c.auditLog) };
}

function checkOnly(only: string[] | undefined, serverNames: Record<string, string>, file: string) {
  for (const id of only ?? []) {
    if (!serverNames[id]) {
      throw new TargetConfigError([
        { file, message: `no homeserver "${id}" (known: ${Object.keys(serverNames).join(", ")})` },
      ]);
    }
  }
}
