/**
 * Who gets which widget capabilities. Our own Element Call widget gets exactly the call
 * capabilities for its room and device, silently. Any other widget gets nothing unless the
 * user approves it, capability by capability; an approval may be remembered per widget.
 * Pure logic: the prompt and the storage are interfaces the UI provides.
 */
import { elementCallCapabilities, type CallWidgetIdentity } from "../element-call/capabilities.ts";

export type WidgetTrust =
  /** The call widget we build and serve ourselves (never a widget found in room state). */
  | { kind: "element-call"; identity: CallWidgetIdentity }
  /** A widget someone added to a room, or anything else not ours. */
  | { kind: "third-party" };

export interface CapabilityRequest {
  widgetId: string;
  widgetName: string;
  widgetOrigin: string;
  roomId: string | null;
  /** What the widget asked for that is neither pre-approved nor remembered. */
  capabilities: string[];
}

/** The user's answer to a capability prompt. */
export interface CapabilityDecision {
  approved: string[];
  remember: boolean;
}

/** Shows the prompt; resolves when the user answers (closing it counts as refusing all). */
export type CapabilityApprover = (request: CapabilityRequest) => Promise<CapabilityDecision>;

/** Remembered approvals, keyed by widget id and room. */
export interface ApprovalStore {
  get(key: string): string[];
  set(key: string, capabilities: string[]): void;
}

export interface OpenIdRequest {
  widgetId: string;
  widgetName: string;
  widgetOrigin: string;
}
export type OpenIdApprover = (request: OpenIdRequest) => Promise<boolean>;

export interface PolicyContext {
  widgetId: string;
  widgetName: string;
  widgetOrigin: string;
  roomId: string | null;
  trust: WidgetTrust;
  approver?: CapabilityApprover;
  openIdApprover?: OpenIdApprover;
  store?: ApprovalStore;
}

export function approvalKey(widgetId: string, roomId: string | null): string {
  return `widget-approval:${roomId ?? "account"}:${widgetId}`;
}

export class CapabilityPolicy {
  constructor(private readonly ctx: PolicyContext) {}

  /** The capabilities to grant: always a subset of `requested`. */
  async decide(requested: Iterable<string>): Promise<Set<string>> {
    const asked = new Set(requested);
    if (this.ctx.trust.kind === "element-call") {
      const allowed = elementCallCapabilities(this.ctx.trust.identity);
      return new Set([...asked].filter((c) => allowed.has(c)));
    }
    const key = approvalKey(this.ctx.widgetId, this.ctx.roomId);
    const granted = new Set(
      (this.ctx.store?.get(key) ?? []).filter((capability) => asked.has(capability)),
    );
    const missing = [...asked].filter((c) => !granted.has(c));
    if (missing.length > 0 && this.ctx.approver) {
      let decision: CapabilityDecision = { approved: [], remember: false };
      try {
        decision = await this.ctx.approver({
          widgetId: this.ctx.widgetId,
          widgetName: this.ctx.widgetName,
          widgetOrigin: this.ctx.widgetOrigin,
          roomId: this.ctx.roomId,
          capabilities: missing,
        });
      } catch {
        // A prompt that fails or is dismissed refuses everything it asked about.
      }
      for (const c of decision.approved) if (missing.includes(c)) granted.add(c);
      if (decision.remember) this.ctx.store?.set(key, [...granted]);
    }
    return granted;
  }

  /**
   * Whether the widget may receive an OpenID token proving the user's identity. `onPrompt`
   * runs before the user is asked (the widget must be told to wait).
   */
  async allowOpenId(onPrompt: () => void = () => undefined): Promise<boolean> {
    if (this.ctx.trust.kind === "element-call") return true;
    if (!this.ctx.openIdApprover) return false;
    onPrompt();
    try {
      return await this.ctx.openIdApprover({
        widgetId: this.ctx.widgetId,
        widgetName: this.ctx.widgetName,
        widgetOrigin: this.ctx.widgetOrigin,
      });
    } catch {
      return false;
    }
  }
}
