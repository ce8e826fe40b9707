export { startAuthService, type AuthServiceConfig, type RunningAuthService } from "./service.ts";
export { federationMembers, FederationPolicy, type FederationMember } from "./policy.ts";
export { livekitRoomName, memberIdentity, legacyIdentity, CALL_SLOT_ID } from "./derive.ts";
