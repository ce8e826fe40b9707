/**
 * The request bodies of lk-jwt-service 0.5, validated. Field names and which fields are required
 * follow its Go structs; unknown fields are ignored rather than refused so newer clients keep
 * working. Lengths are bounded (Matrix identifiers are at most 255 bytes).
 */
import { z } from "zod";
import { AuthRefusal, badJson } from "./errors.ts";

const identifier = z.string().min(1, "must not be empty").max(255, "is longer than 255 characters");

const openIdToken = z.object({
  access_token: z.string().min(1, "must not be empty").max(2048, "is too long"),
  token_type: z.string().max(64).optional(),
  matrix_server_name: identifier,
  expires_in: z.number().int().optional(),
});

/** `POST /sfu/get` (legacy, Element Call before MSC4195 slots). */
const legacyRequest = z.object({
  room: identifier,
  openid_token: openIdToken,
  // lk-jwt-service accepts a missing device id (the identity then ends in ":").
  device_id: z.string().max(255, "is longer than 255 characters").default(""),
});

/** `POST /get_token` (and `/sfu/get` with this shape). */
const slotRequest = z.object({
  room_id: identifier,
  slot_id: identifier,
  openid_token: openIdToken,
  member: z.object({
    id: identifier,
    claimed_user_id: identifier,
    claimed_device_id: identifier,
  }),
  // Accepted for compatibility; delayed-leave delegation is not implemented.
  delay_id: z.string().max(255).optional(),
  delay_timeout: z.number().int().optional(),
  delay_cs_api_url: z.string().max(2048).optional(),
});

export type OpenIdToken = z.output<typeof openIdToken>;
export type LegacyRequest = z.output<typeof legacyRequest>;
export type SlotRequest = z.output<typeof slotRequest>;

export type ParsedRequest =
  { kind: "legacy"; request: LegacyRequest } | { kind: "slot"; request: SlotRequest };

/** Decodes a request body; invalid UTF-8 or JSON is `M_NOT_JSON`, a wrong shape `M_BAD_JSON`. */
export function parseJsonBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new AuthRefusal(400, "M_NOT_JSON", "not_json", "The request body is not UTF-8 text");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AuthRefusal(400, "M_NOT_JSON", "not_json", "The request body is not valid JSON");
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badJson("The request body must be a JSON object");
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.map(String).join(".") || "(body)";
  const what =
    issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
  throw badJson(`${where}: ${what}`);
}

/** `/get_token` takes only the slot shape. */
export function parseSlotRequest(value: unknown): SlotRequest {
  return check(slotRequest, value);
}

/** `/sfu/get` takes either shape, like lk-jwt-service 0.5: `room_id` marks the newer one. */
export function parseSfuGetRequest(value: unknown): ParsedRequest {
  if (typeof value === "object" && value !== null && "room_id" in value) {
    return { kind: "slot", request: check(slotRequest, value) };
  }
  return { kind: "legacy", request: check(legacyRequest, value) };
}
