import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { loadFederation } from "../../homeserver-config/src/load-federation.ts";
import type { StackDescription } from "../../homeserver-config/src/stack/stack-description.ts";
import {
  cryptoFilesBeside,
  MEETING_BOT_LOCALPART,
  meetingBotConnection,
  stackBotHomeserver,
} from "../meeting/bot-identity.ts";
import { MeetingBot } from "../meeting/meeting-bot.ts";
import { FileBotStateStore } from "../meeting/reminder-store.ts";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs the meeting bot against a local stack until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: path.join(projectRoot, ".local/dev/stack.json") },
      federation: {
        type: "string",
        default: path.join(projectRoot, "homeserver-config/federation.yaml"),
      },
      homeserver: { type: "string" },
      localpart: { type: "string", default: MEETING_BOT_LOCALPART },
      state: { type: "string" },
    },
  });
  const stack = JSON.parse(await readFile(values.stack, "utf8")) as StackDescription;
  const federation = await loadFederation(values.federation);
  const stateFile =
    values.state ?? path.join(path.dirname(values.stack), "bots", `${values.localpart}.json`);
  const connection = meetingBotConnection(
    stackBotHomeserver(stack, values.homeserver),
    cryptoFilesBeside(stateFile),
    values.localpart,
  );
  const bot = new MeetingBot({
    connection,
    env: {
      federation,
      serverNames: Object.fromEntries(stack.homeservers.map((h) => [h.id, h.serverName])),
    },
    store: new FileBotStateStore(stateFile),
    displayName: "Réunions (bot)",
    log: (l) => console.log(l),
  });
  await bot.start();
  console.log(`meeting bot ${bot.userId} running (state ${stateFile})`);
  const stop = () => void bot.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `Error: ${e.message}` : e);
  process.exit(1);
});
