import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import { servicePort } from "../local/instance.ts";
import type { StackService } from "../stack/service.ts";
import { directoryHandler } from "./http-handler.ts";
import { JsonFileInvitationStore } from "./invitation-store.ts";
import { directoryFiles } from "./local-files.ts";
import {
  FederationOpenIdVerifier,
  SynapseRegisteredAddresses,
  type DirectoryHomeserver,
} from "./synapse-adapters.ts";

/** The token the homeservers' policy module reads (same file path in the rendered config). */
async function ensureInternalToken(file: string): Promise<string> {
  const existing = await readFile(file, "utf8").catch(() => "");
  if (existing.trim()) return existing.trim();
  const token = randomBytes(32).toString("base64url");
  await writeFile(file, token, { mode: 0o600 });
  return token;
}

/** The agency directory in the local stack: `services.directory` in stack.json. */
export function directoryService(): StackService {
  return {
    name: "directory",
    async start(ctx) {
      const files = directoryFiles(ctx.instance);
      await mkdir(files.dir, { recursive: true });
      const homeservers: DirectoryHomeserver[] = ctx.stack.homeservers.map((hs) => ({
        id: hs.id,
        serverName: hs.serverName,
        clientUrl: hs.clientUrl,
        federationAddress: hs.federationAddress,
        adminToken: hs.admin.accessToken,
      }));
      const handler = directoryHandler({
        federation: ctx.federation,
        serverNames: new Map(homeservers.map((h) => [h.id, h.serverName])),
        registered: new SynapseRegisteredAddresses(homeservers, ctx.log),
        invitations: new JsonFileInvitationStore(files.invitations),
        // Local profile: the homeservers' federation certificates are self-signed.
        openId: new FederationOpenIdVerifier(homeservers, false),
        internalToken: await ensureInternalToken(files.internalToken),
        log: ctx.log,
      });
      const server = http.createServer((req, res) => void handler(req, res));
      const port = servicePort(ctx.instance, "directory");
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
      });
      return {
        urls: { directory: `http://127.0.0.1:${port}` },
        stop: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  };
}
