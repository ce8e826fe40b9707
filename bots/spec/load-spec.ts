import { readFile } from "node:fs/promises";
import { displayNameWithAgency } from "../../homeserver-config/src/directory/user-id.ts";
import { resolveEmail } from "../../homeserver-config/src/directory/resolve-email.ts";
import {
  ConfigFileError,
  YamlSource,
  YamlSyntaxError,
  zodIssues,
  type KeyPath,
  type PathIssue,
} from "../../homeserver-config/src/yaml-source.ts";
import type {
  DesiredAccount,
  DesiredRoom,
  ProvisioningSpec,
  ResolvedMember,
  SpecEnvironment,
} from "./model.ts";
import { resolveUser } from "./resolve-user.ts";
import { specSchema, type ParsedSpec } from "./schema.ts";

/** A spec that cannot be applied; `message` lists every problem as `file:line:col: path: …`. */
export class SpecError extends ConfigFileError {
  readonly code = "PROVISIONING_SPEC_INVALID";
}

export async function loadSpec(file: string, env: SpecEnvironment): Promise<ProvisioningSpec> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new SpecError([{ file, message: `cannot read: ${(e as Error).message}` }]);
  }
  return parseSpec(text, file, env);
}

export function parseSpec(text: string, file: string, env: SpecEnvironment): ProvisioningSpec {
  let source: YamlSource;
  try {
    source = YamlSource.parse(text, file);
  } catch (e) {
    if (e instanceof YamlSyntaxError) throw new SpecError(e.problems);
    throw e;
  }
  const parsed = specSchema.safeParse(source.toJS());
  if (!parsed.success) throw new SpecError(zodIssues(parsed.error).map((i) => source.problem(i)));
  const issues: PathIssue[] = [];
  const spec = resolveSpec(parsed.data, env, source, issues);
  if (issues.length > 0) throw new SpecError(issues.map((i) => source.problem(i)));
  return spec;
}

/** Resolves members through the directory and checks the rules that span entries. */
function resolveSpec(
  s: ParsedSpec,
  env: SpecEnvironment,
  source: YamlSource,
  issues: PathIssue[],
): ProvisioningSpec {
  const issue = (path: KeyPath, message: string) => issues.push({ path, message });
  const homeservers = new Map(env.federation.homeservers.map((hs) => [hs.id, hs]));

  const entries = [
    ...s.rooms.map((r, i) => ({ r, kind: "room" as const, path: ["rooms", i] as KeyPath })),
    ...s.spaces.map((r, i) => ({ r, kind: "space" as const, path: ["spaces", i] as KeyPath })),
  ];
  const keys = new Map<string, { path: KeyPath; kind: "room" | "space" }>();
  const aliases = new Map<string, KeyPath>();
  const rooms: DesiredRoom[] = [];

  for (const { r, kind, path } of entries) {
    const first = keys.get(r.key);
    if (first)
      issue([...path, "key"], `duplicate key "${r.key}" (first at ${first.path.join(".")})`);
    else keys.set(r.key, { path, kind });

    const owner = r.owner ?? s.defaults.owner;
    const ownerHs = owner === undefined ? undefined : homeservers.get(owner);
    if (owner === undefined) {
      issue(path, 'no owner: set "owner" (a homeserver id) here or in "defaults"');
    } else if (!ownerHs) {
      issue(
        r.owner ? [...path, "owner"] : ["defaults", "owner"],
        `unknown homeserver "${owner}" (known: ${[...homeservers.keys()].join(", ")})`,
      );
    } else if (ownerHs.external) {
      issue(
        r.owner ? [...path, "owner"] : ["defaults", "owner"],
        `the external users' server "${owner}" cannot own rooms`,
      );
    } else if (!env.serverNames[owner]) {
      issue(
        r.owner ? [...path, "owner"] : ["defaults", "owner"],
        `homeserver "${owner}" is not in this environment`,
      );
    }

    if (r.alias) {
      const aliasKey = `${owner}/${r.alias}`;
      const firstAlias = aliases.get(aliasKey);
      if (firstAlias) {
        issue(
          [...path, "alias"],
          `duplicate alias "${r.alias}" (first at ${firstAlias.join(".")})`,
        );
      } else aliases.set(aliasKey, [...path, "alias"]);
    }

    const type = r.type ?? s.defaults.type ?? "private";
    const members: ResolvedMember[] = [];
    const seen = new Map<string, KeyPath>();
    r.members.forEach((m, j) => {
      const mpath: KeyPath = [...path, "members", j];
      const ref = m.user;
      const role = m.role;
      const res = resolveUser(env, ref);
      if (!res.ok) return issue(mpath, res.message);
      const dup = seen.get(res.userId);
      if (dup) return issue(mpath, `${ref} is listed twice (first at ${dup.join(".")})`);
      seen.set(res.userId, mpath);
      if (res.homeserver.external) {
        if (type !== "private_external") {
          issue(
            mpath,
            `external user ${ref} (served by "${res.homeserver.id}") cannot be in a restricted ` +
              `room (type "${type}"); use type "private_external"`,
          );
        } else if (role !== "member") {
          issue(
            mpath,
            `external user ${ref} cannot be given role "${role}": externals stay members`,
          );
        }
      }
      if (!env.serverNames[res.homeserver.id]) {
        issue(mpath, `homeserver "${res.homeserver.id}" of ${ref} is not in this environment`);
      }
      members.push({
        userId: res.userId,
        homeserverId: res.homeserver.id,
        external: res.homeserver.external,
        role,
        ref,
        path: mpath,
      });
    });

    rooms.push({
      key: r.key,
      kind,
      path,
      name: r.name,
      topic: r.topic,
      owner: owner ?? "",
      type,
      alias: r.alias,
      callReady: r.callReady ?? s.defaults.callReady ?? true,
      members,
      children: "rooms" in r ? r.rooms : [],
    });
  }

  s.spaces.forEach((space, i) => {
    const seen = new Set<string>();
    space.rooms.forEach((child, j) => {
      const at: KeyPath = ["spaces", i, "rooms", j];
      const target = keys.get(child);
      if (!target) issue(at, `unknown room key "${child}"`);
      else if (target.kind === "space") issue(at, `"${child}" is a space; spaces hold rooms only`);
      else if (seen.has(child)) issue(at, `room "${child}" is listed twice`);
      seen.add(child);
    });
  });

  const accounts: DesiredAccount[] = [];
  const accountIds = new Map<string, KeyPath>();
  s.accounts.forEach((a, i) => {
    const path: KeyPath = ["accounts", i];
    const res = resolveUser(env, a.email);
    if (!res.ok) return issue([...path, "email"], res.message);
    const dup = accountIds.get(res.userId);
    if (dup)
      return issue([...path, "email"], `${a.email} is listed twice (first at ${dup.join(".")})`);
    accountIds.set(res.userId, path);
    const { agency } = resolveEmail(env.federation, a.email);
    accounts.push({
      userId: res.userId,
      homeserverId: res.homeserver.id,
      email: a.email,
      displayName: displayNameWithAgency(a.displayName, agency.label),
      path,
    });
  });

  // Rooms before spaces: a space's children must exist when the space is filled.
  rooms.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "room" ? -1 : 1));
  return { id: s.id, rooms, accounts, source };
}
