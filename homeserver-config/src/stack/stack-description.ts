/**
 * `.local/<instance>/stack.json`: the running stack, for tests, bots, the web client and
 * people. Later parts (web app, RTC services, directory) add their entries to `services`.
 */
export interface StackDescription {
  instance: string;
  profile: "local";
  pid: number;
  startedAt: string;
  federationName: string;
  homeservers: StackHomeserver[];
  accounts: StackAccount[];
  services: Record<string, { url: string }>;
}

export interface StackHomeserver {
  id: string;
  displayName: string;
  serverName: string;
  external: boolean;
  clientUrl: string;
  federationAddress: string;
  /** The homeserver's folder: config, log, database. */
  dir: string;
  admin: { userId: string; accessToken: string };
  appservice: { senderUserId: string; asToken: string };
}

export interface StackAccount {
  userId: string;
  password: string;
  email: string;
  displayName: string;
  homeserver: string;
  agency: string;
}
