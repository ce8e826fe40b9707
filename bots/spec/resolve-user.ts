import { resolveEmail } from "../../homeserver-config/src/directory/resolve-email.ts";
import { localpartForEmail } from "../../homeserver-config/src/directory/user-id.ts";
import type { Homeserver } from "../../homeserver-config/src/model.ts";
import type { SpecEnvironment } from "./model.ts";

export type UserResolution =
  { ok: true; userId: string; homeserver: Homeserver } | { ok: false; message: string };

/**
 * The Matrix ID a spec (or a bot command) means by `ref`: an e-mail goes through the
 * federation's directory rules; a Matrix ID may name its server by server name (of this
 * environment or of production) or by homeserver id, so one spec works locally and in
 * production.
 */
export function resolveUser(env: SpecEnvironment, ref: string): UserResolution {
  const text = ref.trim();
  if (text.startsWith("@")) {
    const colon = text.indexOf(":");
    const localpart = text.slice(1, colon);
    const server = text.slice(colon + 1);
    if (colon < 2 || !/^[a-z0-9._=\-/+]+$/.test(localpart)) {
      return { ok: false, message: `"${text}" is not a valid Matrix ID` };
    }
    const homeserver = env.federation.homeservers.find(
      (hs) => hs.id === server || hs.serverName === server || env.serverNames[hs.id] === server,
    );
    if (!homeserver) {
      return {
        ok: false,
        message: `unknown member "${text}": "${server}" is not a homeserver of the federation`,
      };
    }
    return { ok: true, userId: `@${localpart}:${serverNameOf(env, homeserver.id)}`, homeserver };
  }
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text)) {
    return { ok: false, message: `"${text}" is neither a Matrix ID nor an e-mail address` };
  }
  const { homeserver } = resolveEmail(env.federation, text);
  return {
    ok: true,
    userId: `@${localpartForEmail(text)}:${serverNameOf(env, homeserver.id)}`,
    homeserver,
  };
}

export function serverNameOf(env: SpecEnvironment, homeserverId: string): string {
  const name = env.serverNames[homeserverId];
  if (!name) throw new Error(`no server name for homeserver "${homeserverId}"`);
  return name;
}

/** The homeserver id serving a Matrix ID of this environment, if any. */
export function homeserverOfUser(env: SpecEnvironment, userId: string): string | undefined {
  const server = userId.slice(userId.indexOf(":") + 1);
  return Object.entries(env.serverNames).find(([, name]) => name === server)?.[0];
}
