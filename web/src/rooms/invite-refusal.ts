import { AppError, toAppError } from "../core/app-error.ts";

/**
 * Why the homeserver refused an invite, in words the inviter can act on. Tchap's policy module
 * tags each refusal with a stable `fr.tchap.reason` (homeserver-config/src/policy/
 * refusal-reasons.ts); the message names the invited person.
 */
export function explainInviteRefusal(e: unknown, targetName: string): AppError {
  return toAppError(e, "invite", { name: targetName });
}
