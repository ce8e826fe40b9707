/**
 * PLACEHOLDER owned by the calls engineer (issue 6): the floating/docked call view, mounted
 * once at app level inside the logged-in chat (use `useMatrixClient()` from
 * web/src/session/current-session.ts). Renders nothing until replaced.
 */
export function CallDock() {
  return null;
}
