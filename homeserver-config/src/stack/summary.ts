import type { StackDescription } from "./stack-description.ts";

export function printStackSummary(d: StackDescription, stackFile: string, elapsedMs: number): void {
  console.log(`\n${d.federationName} is up (${(elapsedMs / 1000).toFixed(1)} s).\n`);
  console.table(
    d.homeservers.map((hs) => ({
      homeserver: hs.serverName,
      client: hs.clientUrl,
      federation: hs.federationAddress,
      external: hs.external ? "yes" : "",
    })),
  );
  console.table(d.accounts.map((a) => ({ user: a.userId, email: a.email, password: a.password })));
  for (const [name, svc] of Object.entries(d.services)) console.log(`${name}: ${svc.url}`);
  console.log(`\nStack description: ${stackFile}\nPress Ctrl-C to stop.`);
}
