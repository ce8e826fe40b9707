/**
 * Who may use the federation's SFU. Users of the agency homeservers (not `external` in
 * federation.yaml) have full access: their request may create the LiveKit room. Users of an
 * external homeserver of the federation may only join a room that already exists. Every other
 * server is refused before anything is sent to it.
 */
import type { Federation, Homeserver } from "../../homeserver-config/src/model.ts";

export interface FederationMember {
  /** The Matrix server name users' IDs end with and OpenID tokens name. */
  serverName: string;
  homeserverId: string;
  external: boolean;
}

export type Access = "full" | "restricted";

/** Members as the production profile names them (server names from federation.yaml). */
export function federationMembers(
  federation: Federation,
  serverNameOf: (hs: Homeserver) => string = (hs) => hs.serverName,
): FederationMember[] {
  return federation.homeservers.map((hs) => ({
    serverName: serverNameOf(hs),
    homeserverId: hs.id,
    external: hs.external,
  }));
}

export class FederationPolicy {
  private readonly byName: Map<string, FederationMember>;

  constructor(members: FederationMember[]) {
    if (members.length === 0) throw new Error("the federation has no homeservers");
    this.byName = new Map(members.map((m) => [m.serverName.toLowerCase(), m]));
  }

  /** The member a server name designates; DNS names compare case-insensitively. */
  member(serverName: string): FederationMember | undefined {
    return this.byName.get(serverName.toLowerCase());
  }

  access(member: FederationMember): Access {
    return member.external ? "restricted" : "full";
  }

  get members(): FederationMember[] {
    return [...this.byName.values()];
  }
}
