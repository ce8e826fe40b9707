import {
  policyReasonOf,
  type PolicyReason,
} from "../../../homeserver-config/src/policy/refusal-reasons.ts";

/**
 * An error the user may see: a stable `code` (tests assert it, the UI maps it to a translated
 * message) and a technical `detail` for logs. Never holds tokens or passwords.
 */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    readonly detail = "",
    /** Values the translated message names (a person, a room), never secrets. */
    readonly params: Record<string, string> = {},
  ) {
    super(`${code}${detail ? `: ${detail}` : ""}`);
  }
}

export type AppErrorCode =
  | "WRONG_PASSWORD"
  | "UNKNOWN_ACCOUNT"
  | "HOMESERVER_UNREACHABLE"
  | "DIRECTORY_UNREACHABLE"
  | "INVALID_IDENTIFIER"
  | "ACCOUNT_EXPIRED"
  | "ACCOUNT_DEACTIVATED"
  | "RATE_LIMITED"
  | "ACCESS_RULES_REFUSED"
  | "EXTERNAL_NOT_ALLOWED"
  | "DIRECT_CHAT_FULL"
  | "REMOVED_FROM_ROOM"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "USER_NOT_FOUND"
  | "NETWORK"
  | "UNKNOWN"
  | EncryptionErrorCode
  | PolicyErrorCode;

/** Recovery key, verification and backup problems a user can act on. */
export type EncryptionErrorCode =
  | "RECOVERY_KEY_MISMATCH"
  | "RECOVERY_KEY_INVALID"
  | "RECOVERY_KEY_WRONG"
  | "NO_RECOVERY_SET_UP"
  | "DEVICE_NOT_VERIFIED"
  | "BACKUP_KEY_NOT_SHARED";

/** Tchap policy refusals, from the homeserver's `fr.tchap.reason` (never from its text). */
export type PolicyErrorCode = Uppercase<PolicyReason>;

/** Refusals whose message names the person concerned (`params.name`). */
const NEEDS_NAME: ReadonlySet<PolicyReason> = new Set(["external_not_allowed"]);

/** Maps a Matrix/HTTP error (from fetch or matrix-js-sdk) to a code the UI can explain. */
export function toAppError(
  e: unknown,
  context: "invite" | "join" | "generic" = "generic",
  /** What the message may name: `name`, the person invited. */
  params: Record<string, string> = {},
): AppError {
  if (e instanceof AppError) return e;
  const err = e as {
    errcode?: string;
    httpStatus?: number;
    name?: string;
    message?: string;
    data?: unknown;
    body?: unknown;
  };
  const message = String(err?.message ?? e);
  // matrix-js-sdk's MatrixError keeps the JSON body in `data`; our fetch client in `body`.
  const reason = policyReasonOf(err?.data ?? err?.body);
  if (reason && !(NEEDS_NAME.has(reason) && !params.name)) {
    return new AppError(reason.toUpperCase() as PolicyErrorCode, message, params);
  }
  if (
    err?.name === "ConnectionError" ||
    err?.name === "TypeError" ||
    /fetch|network/i.test(message)
  )
    return new AppError("NETWORK", message);
  if (err?.errcode === "M_LIMIT_EXCEEDED") return new AppError("RATE_LIMITED", message);
  if (err?.errcode === "ORG_MATRIX_EXPIRED_ACCOUNT")
    return new AppError("ACCOUNT_EXPIRED", message);
  if (err?.errcode === "M_NOT_FOUND") return new AppError("NOT_FOUND", message);
  if (err?.errcode === "M_FORBIDDEN" || err?.httpStatus === 403) {
    // Tchap's access rules refuse invites/joins of external users or into DMs with a 403.
    if (context !== "generic") return new AppError("ACCESS_RULES_REFUSED", message);
    return new AppError("FORBIDDEN", message);
  }
  return new AppError("UNKNOWN", message);
}
