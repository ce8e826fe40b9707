import path from "node:path";
import type { StackService } from "../../homeserver-config/src/stack/service.ts";
import { targetFromStack } from "../config/target.ts";
import {
  cryptoFilesBeside,
  MEETING_BOT_LOCALPART,
  meetingBotConnection,
  stackBotHomeserver,
} from "../meeting/bot-identity.ts";
import { MeetingBot } from "../meeting/meeting-bot.ts";
import { FileBotStateStore } from "../meeting/reminder-store.ts";
import { JsonlAuditLog } from "../provision/audit-log.ts";
import { pendingActions } from "../provision/plan.ts";
import { applyProvisioning } from "../provision/provision.ts";
import { loadSpec } from "../spec/load-spec.ts";

/**
 * The bots in the local stack: applies the demo spec (rooms across the agencies, each
 * agency's provisioner with its own token) and runs the meeting bot.
 */
export function botsService(specFile = "bots/specs/demo.yaml"): StackService {
  return {
    name: "bots",
    async start(ctx) {
      const dir = path.join(ctx.instance.dataDir, "bots");
      const stackFile = path.join(ctx.instance.dataDir, "stack.json");
      const target = targetFromStack(ctx.stack, ctx.federation, stackFile);
      try {
        const spec = await loadSpec(path.resolve(ctx.projectRoot, specFile), target.env);
        const report = await applyProvisioning({
          spec,
          env: target.env,
          agents: target.agents,
          audit: new JsonlAuditLog(path.join(dir, "provisioning-audit.jsonl")),
        });
        const made = report.rounds.reduce((n, r) => n + r.done, 0);
        const failed = report.rounds.flatMap((r) => r.failed);
        ctx.log(
          `bots: demo rooms ${made ? `provisioned (${made} changes)` : "already up to date"}` +
            (failed.length ? `; ${failed.length} change(s) failed: ${failed[0]!.error}` : ""),
        );
        if (pendingActions(report.plan).length && report.remaining.length) {
          ctx.log(`bots: ${report.remaining.length} change(s) still pending`);
        }
      } catch (e) {
        // The demo rooms are a convenience: the stack stays up without them.
        ctx.log(`bots: demo rooms not provisioned: ${(e as Error).message}`);
      }

      const stateFile = path.join(dir, `${MEETING_BOT_LOCALPART}.json`);
      const bot = new MeetingBot({
        connection: meetingBotConnection(
          stackBotHomeserver(ctx.stack),
          cryptoFilesBeside(stateFile),
        ),
        env: target.env,
        store: new FileBotStateStore(stateFile),
        displayName: "Réunions (bot)",
        log: ctx.log,
      });
      await bot.start();
      return {
        urls: { meetingBot: `https://matrix.to/#/${bot.userId}` },
        stop: () => bot.stop(),
      };
    },
  };
}
