/** The directory's boundaries: what it asks the homeservers, and where it keeps invitations. */

/** Which homeserver (by id) already holds an account with this address, if any. */
export interface RegisteredAddresses {
  homeserverOf(address: string): Promise<string | undefined>;
}

export interface InvitationRecord {
  /** Normalised address. */
  address: string;
  invitedBy: string;
  roomId?: string;
  invitedAt: string;
}

/** Invitations of external addresses: an external account may be created only after one. */
export interface InvitationStore {
  record(invitation: InvitationRecord): Promise<void>;
  isInvited(address: string): Promise<boolean>;
}

/** Who holds an OpenID token issued by a homeserver of the federation. */
export interface OpenIdVerifier {
  /** The token holder's user id; throws if the homeserver does not vouch for it. */
  userIdFor(accessToken: string, serverName: string): Promise<string>;
}
