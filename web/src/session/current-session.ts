import { createContext, useContext } from "react";
import type { MatrixClient } from "matrix-js-sdk";
import type { MatrixSession } from "./matrix-session.ts";

/**
 * The logged-in session for parts that plug into the chat (calls under web/src/calls/):
 * `useMatrixClient()` gives the MatrixClient with Rust crypto initialised and syncing.
 */
export const SessionContext = createContext<MatrixSession | null>(null);

export function useSession(): MatrixSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession() outside a logged-in chat");
  return s;
}

export function useMatrixClient(): MatrixClient {
  return useSession().client;
}
