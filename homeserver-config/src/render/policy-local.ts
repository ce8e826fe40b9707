import { directoryFiles } from "../directory/local-files.ts";
import { servicePort, type LocalHomeserverLayout, type LocalInstance } from "../local/instance.ts";
import type { PolicyRenderInput } from "./policy-module.ts";

/** The policy module's settings in the local profile: local names, directory and mail catcher. */
export function localPolicyInput(
  layouts: LocalHomeserverLayout[],
  instance: LocalInstance,
): PolicyRenderInput {
  return {
    homeservers: layouts.map((l) => ({ homeserver: l.homeserver, serverName: l.serverName })),
    directory: {
      url: `http://127.0.0.1:${servicePort(instance, "directory")}`,
      tokenPath: directoryFiles(instance).internalToken,
    },
    smtp: { host: "127.0.0.1", port: servicePort(instance, "smtp"), requireTls: false },
    notifFrom: "Tchap (local) <noreply@tchap.localhost>",
  };
}
