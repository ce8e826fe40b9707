/**
 * Refusals of the authorization service. Clients see `{errcode, error, reason}`: `errcode` is the
 * Matrix-style code lk-jwt-service uses (Element Call branches on nothing else), `reason` is our
 * finer code for operators and tests, `error` a sentence for people. Never carries a token.
 */
export type RefusalReason =
  | "not_json"
  | "bad_request"
  | "body_too_large"
  | "body_timeout"
  | "not_found"
  | "method_not_allowed"
  | "server_not_in_federation"
  | "openid_token_rejected"
  | "homeserver_unreachable"
  | "userinfo_invalid"
  | "user_mismatch"
  | "call_not_started"
  | "sfu_unavailable";

export class AuthRefusal extends Error {
  override name = "AuthRefusal";
  constructor(
    readonly status: number,
    readonly errcode: string,
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { errcode: string; error: string; reason: RefusalReason } {
    return { errcode: this.errcode, error: this.message, reason: this.reason };
  }
}

export const badJson = (message: string) =>
  new AuthRefusal(400, "M_BAD_JSON", "bad_request", message);

/** lk-jwt-service answers every failed OpenID exchange with this status and errcode. */
export const unauthorized = (
  reason: "openid_token_rejected" | "homeserver_unreachable" | "userinfo_invalid" | "user_mismatch",
  message: string,
) => new AuthRefusal(401, "M_UNAUTHORIZED", reason, message);
