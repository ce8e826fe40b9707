import { MatrixError } from "matrix-js-sdk";
import { AppError } from "../core/app-error.ts";
import type { UIAuthCallback } from "matrix-js-sdk/lib/interactive-auth.js";

/**
 * User-interactive auth for encryption uploads: first without auth (the homeserver lets an
 * account's first cross-signing upload through, MSC3967), then — when it answers 401 and a
 * password was given — with the password the user just typed. The password is used for this
 * request only, never kept.
 */
export function passwordAuth(userId: string, password: string | null): UIAuthCallback<void> {
  return async (makeRequest) => {
    try {
      await makeRequest(null);
    } catch (e) {
      const session = e instanceof MatrixError ? (e.data.session as string | undefined) : undefined;
      if (!(e instanceof MatrixError) || e.httpStatus !== 401 || !session || password === null)
        throw e;
      try {
        await makeRequest({
          type: "m.login.password",
          identifier: { type: "m.id.user", user: userId },
          password,
          session,
        });
      } catch (again) {
        if (again instanceof MatrixError && [401, 403].includes(again.httpStatus ?? 0))
          throw new AppError("WRONG_PASSWORD");
        throw again;
      }
    }
  };
}
