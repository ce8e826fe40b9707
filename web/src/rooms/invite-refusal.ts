import type { AccessRule } from "../../../homeserver-config/src/policy/room-types.ts";
import { AppError, toAppError } from "../core/app-error.ts";

export interface InviteContext {
  /** The room's `im.vector.room.access_rules` rule (restricted when the room has none). */
  rule: AccessRule;
  /** The invited person's display name, or their user id. */
  targetName: string;
}

/**
 * Why the homeserver refused an invite, in words the inviter can act on. Tchap's policy module
 * answers 403 M_FORBIDDEN with an English reason; the room's access rule tells which refusal it
 * is, and the reason text confirms an external user was the cause.
 */
export function explainInviteRefusal(e: unknown, ctx: InviteContext): AppError {
  const err = e as { errcode?: string; httpStatus?: number; data?: { error?: string } };
  const forbidden = err?.errcode === "M_FORBIDDEN" || err?.httpStatus === 403;
  if (!forbidden) return toAppError(e, "invite");
  const reason = String(err.data?.error ?? (e as Error)?.message ?? "");
  if (ctx.rule === "direct") return new AppError("DIRECT_CHAT_FULL", reason);
  if (ctx.rule === "restricted" && /external/i.test(reason)) {
    return new AppError("EXTERNAL_NOT_ALLOWED", reason, { name: ctx.targetName });
  }
  return toAppError(e, "invite");
}
