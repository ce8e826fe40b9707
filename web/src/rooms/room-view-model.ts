import {
  ClientEvent,
  Direction,
  EventStatus,
  EventType,
  KnownMembership,
  MatrixEventEvent,
  RelationType,
  RoomEvent,
  RoomMemberEvent,
  type MatrixClient,
  type MatrixEvent,
  type Room,
  type RoomMember,
} from "matrix-js-sdk";
import { AppError, toAppError } from "../core/app-error.ts";
import { splitAgency } from "../core/agency.ts";
import { coalesce, Disposer, Observable } from "../core/observable.ts";
import { encryptAttachment } from "../media/attachment-crypto.ts";
import { readImage } from "../media/make-thumbnail.ts";
import { toRawEvent } from "../timeline/event-mapping.ts";
import { markdownToContent } from "../timeline/markdown.ts";
import type { ChosenMention } from "../timeline/mention-query.ts";
import {
  buildTimeline,
  reuseUnchanged,
  type MessageItem,
  type TimelineItem,
} from "../timeline/timeline-model.ts";
import { explainInviteRefusal } from "./invite-refusal.ts";
import { isDirectRoom, directRoomIds } from "./room-list-view-model.ts";

/** See `typing()`. */
const TYPING_DELAY_MS = 500;

export interface MemberRow {
  userId: string;
  name: string;
  agency: string | null;
  membership: "join" | "invite";
  powerLevel: number;
  canKick: boolean;
}

export interface Upload {
  id: string;
  name: string;
  loaded: number;
  total: number;
  error: string | null;
}

export interface RoomState {
  roomId: string;
  name: string;
  topic: string;
  encrypted: boolean;
  isDirect: boolean;
  membership: string;
  items: TimelineItem[];
  typing: string[];
  canPaginate: boolean;
  paginating: boolean;
  replyTo: MessageItem | null;
  editing: MessageItem | null;
  uploads: Upload[];
  canInvite: boolean;
  error: AppError | null;
}

/**
 * One open room: timeline (with local echo and failed sends), composer actions, members.
 * Built from the SDK's Room, free of React; `dispose()` when the room is closed.
 */
export class RoomViewModel {
  readonly state: Observable<RoomState>;
  readonly members = new Observable<MemberRow[]>([]);
  private readonly disposer = new Disposer();
  private readonly me: string;
  private lastReadSent: string | null = null;
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private uploadSeq = 0;
  private readonly uploadAborts = new Map<string, AbortController>();
  /**
   * Events seen decrypted as messages. A redaction wipes the decrypted content, leaving an
   * `m.room.encrypted` shell that could as well be a reaction; these stay "message deleted".
   */
  private readonly seenMessages = new Set<string>();

  constructor(
    private readonly client: MatrixClient,
    private readonly room: Room,
  ) {
    this.me = client.getSafeUserId();
    this.state = new Observable<RoomState>(this.snapshot({ paginating: false, error: null }));
    // Opening an encrypted room fetches its members' device lists and shares our room key now,
    // as Element does on typing: the SDK awaits those key queries only for a room's first
    // message, and a first message typed in a hurry could miss a member's device (its key then
    // reached that device from a later message on, seen in the encryption soak).
    if (room.hasEncryptionStateEvent()) client.getCrypto()?.prepareToEncrypt(room);
    const refresh = coalesce(() => this.refresh());
    const inRoom =
      (fn: () => void) =>
      (...args: unknown[]) => {
        const r = args.find((a) => (a as Room)?.roomId !== undefined) as Room | undefined;
        const ev = args[0] as MatrixEvent | undefined;
        if (r?.roomId === room.roomId || ev?.getRoomId?.() === room.roomId) fn();
      };
    const roomEvents = [
      RoomEvent.Timeline,
      RoomEvent.TimelineReset,
      RoomEvent.LocalEchoUpdated,
      RoomEvent.Redaction,
      RoomEvent.Receipt,
      RoomEvent.Name,
      RoomEvent.MyMembership,
    ] as const;
    const handler = inRoom(refresh);
    for (const e of roomEvents) {
      client.on(e as RoomEvent.Timeline, handler);
      this.disposer.add(() => client.off(e as RoomEvent.Timeline, handler));
    }
    const onDecrypted = (ev: MatrixEvent) => {
      if (ev.getRoomId() === room.roomId) refresh();
    };
    client.on(MatrixEventEvent.Decrypted, onDecrypted);
    this.disposer.add(() => client.off(MatrixEventEvent.Decrypted, onDecrypted));
    const onTyping = (_e: MatrixEvent, member: RoomMember) => {
      if (member.roomId === room.roomId) refresh();
    };
    client.on(RoomMemberEvent.Typing, onTyping);
    this.disposer.add(() => client.off(RoomMemberEvent.Typing, onTyping));
    const onMembers = coalesce(() => this.refreshMembers());
    const onMembership = (_e: MatrixEvent, member: RoomMember) => {
      if (member.roomId === room.roomId) onMembers();
    };
    client.on(RoomMemberEvent.Membership, onMembership);
    client.on(RoomMemberEvent.PowerLevel, onMembership);
    this.disposer.add(() => client.off(RoomMemberEvent.Membership, onMembership));
    this.disposer.add(() => client.off(RoomMemberEvent.PowerLevel, onMembership));
    // Typing flags change on members the client may never re-emit events for (members copied
    // into a new timeline state): compare after every sync instead.
    const onSync = () => {
      const now = this.typingNames();
      const shown = this.state.get().typing;
      if (now.length !== shown.length || now.some((n, i) => n !== shown[i])) refresh();
    };
    client.on(ClientEvent.Sync, onSync);
    this.disposer.add(() => client.off(ClientEvent.Sync, onSync));
    const onAccountData = () => refresh();
    client.on(ClientEvent.AccountData, onAccountData);
    this.disposer.add(() => client.off(ClientEvent.AccountData, onAccountData));
    this.refreshMembers();
    room.loadMembersIfNeeded().then(
      () => this.refreshMembers(),
      () => undefined, // Lazy members can be fetched later; the list shows what sync gave.
    );
    this.markRead();
    void this.fill();
  }

  /**
   * Loads older events until the screen has something to show: after a join, sync often gives
   * only the newest events (the join itself) while the conversation is older.
   */
  private async fill(): Promise<void> {
    for (let i = 0; i < 5 && !this.disposer.isDisposed; i++) {
      const s = this.state.get();
      const messages = s.items.filter((it) => it.kind === "message").length;
      if (messages >= 20 || !s.canPaginate) return;
      await this.paginate();
    }
  }

  get roomId(): string {
    return this.room.roomId;
  }

  get myUserId(): string {
    return this.me;
  }

  private snapshot(keep: Pick<RoomState, "paginating" | "error">): RoomState {
    const room = this.room;
    const events = [...room.getLiveTimeline().getEvents(), ...room.getPendingEvents()];
    const readUpTo = new Map<string, string>();
    for (const m of room.getJoinedMembers()) {
      if (m.userId === this.me) continue;
      const id = room.getEventReadUpTo(m.userId);
      if (id) readUpTo.set(m.userId, id);
    }
    const nameOf = (id: string) => splitAgency(room.getMember(id)?.name, id).name;
    const raw = events.map((e) => {
      const r = toRawEvent(e, room);
      if (r.type === EventType.RoomMessage && !r.redacted) this.seenMessages.add(r.id);
      return r.redacted && r.type === EventType.RoomMessageEncrypted && this.seenMessages.has(r.id)
        ? { ...r, type: EventType.RoomMessage as string }
        : r;
    });
    const prev = this.state?.get();
    const items = reuseUnchanged(
      prev?.items ?? [],
      buildTimeline({ events: raw, myUserId: this.me, readUpTo, nameOf }),
    );
    const find = (item: MessageItem | null | undefined) =>
      item ? ((items.find((i) => i.id === item.id) as MessageItem | undefined) ?? null) : null;
    const myLevel = room.getMember(this.me)?.powerLevel ?? 0;
    const invite = room.currentState.getStateEvents(EventType.RoomPowerLevels, "")?.getContent()
      ?.invite as number | undefined;
    return {
      roomId: room.roomId,
      name: room.name,
      topic: String(
        room.currentState.getStateEvents(EventType.RoomTopic, "")?.getContent().topic ?? "",
      ),
      encrypted: room.hasEncryptionStateEvent(),
      isDirect: isDirectRoom(room, directRoomIds(this.client)),
      membership: room.getMyMembership(),
      items,
      typing: this.typingNames(),
      canPaginate: room.getLiveTimeline().getPaginationToken(Direction.Backward) !== null,
      replyTo: find(prev?.replyTo),
      editing: find(prev?.editing),
      uploads: prev?.uploads ?? [],
      canInvite: myLevel >= (invite ?? 0),
      paginating: keep.paginating,
      error: keep.error,
    };
  }

  private typingNames(): string[] {
    return this.room
      .getMembers()
      .filter((m) => m.typing && m.userId !== this.me)
      .map((m) => splitAgency(m.name).name);
  }

  private refresh(): void {
    if (this.disposer.isDisposed) return;
    const s = this.state.get();
    this.state.set(this.snapshot({ paginating: s.paginating, error: s.error }));
    this.markRead();
  }

  private patch(p: Partial<RoomState>): void {
    this.state.set({ ...this.state.get(), ...p });
  }

  private refreshMembers(): void {
    const room = this.room;
    const myLevel = room.getMember(this.me)?.powerLevel ?? 0;
    const pl = room.currentState.getStateEvents(EventType.RoomPowerLevels, "")?.getContent() ?? {};
    const kickLevel = typeof pl.kick === "number" ? pl.kick : 50;
    const rows = room
      .getMembers()
      .filter(
        (m) => m.membership === KnownMembership.Join || m.membership === KnownMembership.Invite,
      )
      .map((m): MemberRow => {
        const { name, agency } = splitAgency(m.name, m.userId);
        return {
          userId: m.userId,
          name,
          agency,
          membership: m.membership === KnownMembership.Join ? "join" : "invite",
          powerLevel: m.powerLevel,
          canKick: m.userId !== this.me && myLevel >= kickLevel && myLevel > m.powerLevel,
        };
      })
      .sort((a, b) => b.powerLevel - a.powerLevel || a.name.localeCompare(b.name, "fr"));
    this.members.set(rows);
  }

  /**
   * Read receipt for the newest event from someone else, once per event. My own events are read
   * by definition: a receipt for each would be one more federation EDU per message sent.
   */
  markRead(): void {
    const events = this.room.getLiveTimeline().getEvents();
    const last = [...events]
      .reverse()
      .find(
        (e) =>
          e.getId() &&
          !e.getId()!.startsWith("~") &&
          e.status === null &&
          e.getSender() !== this.me,
      );
    if (!last || last.getId() === this.lastReadSent) return;
    if (typeof document !== "undefined" && document.visibilityState === "hidden") return;
    this.lastReadSent = last.getId()!;
    void this.client.sendReadReceipt(last).catch(() => {
      this.lastReadSent = null;
    });
  }

  // ----- composer -----

  startReply(item: MessageItem | null): void {
    this.patch({ replyTo: item, editing: null });
  }

  startEdit(item: MessageItem | null): void {
    this.patch({ editing: item, replyTo: null });
  }

  /** Sends the composer text. Failures stay in the timeline as failed sends with retry. */
  send(text: string, mentions: readonly ChosenMention[] = []): void {
    if (!text.trim()) return;
    const { replyTo, editing } = this.state.get();
    const content: Record<string, unknown> = { ...markdownToContent(text, mentions) };
    this.patch({ replyTo: null, editing: null });
    if (editing) {
      const edit = {
        msgtype: "m.text",
        body: `* ${content.body as string}`,
        ...(content.formatted_body
          ? { format: content.format, formatted_body: `* ${content.formatted_body as string}` }
          : {}),
        "m.new_content": content,
        "m.relates_to": { rel_type: RelationType.Replace, event_id: editing.id },
      };
      void this.client
        .sendEvent(this.room.roomId, EventType.RoomMessage, edit as never)
        .catch(() => undefined);
      return;
    }
    if (replyTo) content["m.relates_to"] = { "m.in_reply_to": { event_id: replyTo.id } };
    this.cancelTypingStart();
    // "Stopped typing" goes after the message, not ahead of it in the federation queue.
    void this.client
      .sendMessage(this.room.roomId, content as never)
      .catch(() => undefined)
      .then(() => this.stopTyping());
  }

  retry(id: string): void {
    const ev = this.room.getPendingEvents().find((e) => (e.getId() ?? e.getTxnId()) === id);
    if (ev && ev.status === EventStatus.NOT_SENT)
      void this.client.resendEvent(ev, this.room).catch(() => undefined);
  }

  discard(id: string): void {
    const ev = this.room.getPendingEvents().find((e) => (e.getId() ?? e.getTxnId()) === id);
    if (ev && ev.status === EventStatus.NOT_SENT) this.client.cancelPendingEvent(ev);
  }

  async toggleReaction(eventId: string, key: string): Promise<void> {
    const item = this.state.get().items.find((i) => i.id === eventId) as MessageItem | undefined;
    const mine = item?.reactions.find((r) => r.key === key)?.mine;
    if (mine) {
      await this.client.redactEvent(this.room.roomId, mine);
      return;
    }
    await this.client.sendEvent(this.room.roomId, EventType.Reaction, {
      "m.relates_to": { rel_type: RelationType.Annotation, event_id: eventId, key },
    });
  }

  async redact(eventId: string): Promise<void> {
    await this.client.redactEvent(this.room.roomId, eventId);
  }

  /**
   * Typing notices start TYPING_DELAY_MS after the first keystroke: a message sent sooner (a
   * quick reply, a paste) needs none, and a notice sent just before it would travel ahead of it
   * in the homeserver's federation queue, delaying the message by a whole transaction.
   */
  typing(active: boolean): void {
    if (!active) {
      this.stopTyping();
      return;
    }
    if (this.typingSentAt) {
      if (Date.now() - this.typingSentAt >= 3000) this.sendTyping(true);
      return;
    }
    this.typingTimer ??= setTimeout(() => {
      this.typingTimer = null;
      this.sendTyping(true);
    }, TYPING_DELAY_MS);
  }

  private sendTyping(active: boolean): void {
    this.typingSentAt = active ? Date.now() : 0;
    void this.client.sendTyping(this.room.roomId, active, 5000).catch(() => undefined);
  }

  private cancelTypingStart(): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
  }

  private stopTyping(): void {
    this.cancelTypingStart();
    if (this.typingSentAt) this.sendTyping(false);
  }

  async paginate(): Promise<void> {
    const s = this.state.get();
    if (s.paginating || !s.canPaginate) return;
    this.patch({ paginating: true });
    try {
      await this.client.paginateEventTimeline(this.room.getLiveTimeline(), {
        backwards: true,
        limit: 30,
      });
    } catch (e) {
      this.patch({ error: toAppError(e) });
    } finally {
      this.state.set(this.snapshot({ paginating: false, error: this.state.get().error }));
    }
  }

  // ----- files -----

  /**
   * Uploads a file (encrypted in encrypted rooms) with progress, then sends it. Images larger
   * than the thumbnail bound get a thumbnail drawn here and uploaded too (its own key in
   * encrypted rooms). `cancelUpload` aborts the HTTP upload: then nothing is sent.
   */
  async upload(file: File): Promise<void> {
    const id = `up${++this.uploadSeq}`;
    const abort = new AbortController();
    this.uploadAborts.set(id, abort);
    const setUpload = (u: Partial<Upload> | null) =>
      this.patch({
        uploads: u
          ? this.state.get().uploads.map((x) => (x.id === id ? { ...x, ...u } : x))
          : this.state.get().uploads.filter((x) => x.id !== id),
      });
    this.patch({
      uploads: [
        ...this.state.get().uploads,
        { id, name: file.name, loaded: 0, total: file.size, error: null },
      ],
    });
    try {
      const encrypted = this.room.hasEncryptionStateEvent();
      const image = file.type.startsWith("image/") ? await readImage(file) : null;
      const mimetype = file.type || "application/octet-stream";
      const source = await this.uploadBlob(file, mimetype, encrypted, abort, (loaded, total) =>
        setUpload({ loaded, total }),
      );
      const thumb = image?.thumbnail
        ? await this.uploadBlob(image.thumbnail.blob, image.thumbnail.blob.type, encrypted, abort)
        : null;
      if (abort.signal.aborted) return;
      const info: Record<string, unknown> = {
        mimetype,
        size: file.size,
        ...(image ? { w: image.size.width, h: image.size.height } : {}),
      };
      if (thumb && image?.thumbnail) {
        info.thumbnail_info = {
          w: image.thumbnail.size.width,
          h: image.thumbnail.size.height,
          mimetype: image.thumbnail.blob.type,
          size: image.thumbnail.blob.size,
        };
        if (thumb.file) info.thumbnail_file = thumb.file;
        else info.thumbnail_url = thumb.url;
      }
      const content = {
        msgtype: image ? "m.image" : "m.file",
        body: file.name,
        filename: file.name,
        info,
        ...(source.file ? { file: source.file } : { url: source.url }),
      };
      setUpload(null);
      void this.client.sendMessage(this.room.roomId, content as never).catch(() => undefined);
    } catch (e) {
      if (abort.signal.aborted) setUpload(null);
      else setUpload({ error: toAppError(e).code });
    } finally {
      this.uploadAborts.delete(id);
    }
  }

  /** One blob to the media repository: `url` in clear rooms, an EncryptedFile otherwise. */
  private async uploadBlob(
    blob: Blob,
    mimetype: string,
    encrypted: boolean,
    abort: AbortController,
    progress?: (loaded: number, total: number) => void,
  ): Promise<{ url?: string; file?: Record<string, unknown> }> {
    let body: Blob = blob;
    let fileInfo: Record<string, unknown> | null = null;
    if (encrypted) {
      const enc = await encryptAttachment(await blob.arrayBuffer());
      body = new Blob([enc.data], { type: "application/octet-stream" });
      fileInfo = enc.info as unknown as Record<string, unknown>;
    }
    if (abort.signal.aborted) throw new DOMException("upload cancelled", "AbortError");
    const name = blob instanceof File ? blob.name : undefined;
    const res = await this.client.uploadContent(body, {
      ...(name && !encrypted ? { name } : {}),
      includeFilename: !encrypted && !!name,
      type: encrypted ? "application/octet-stream" : mimetype,
      abortController: abort,
      ...(progress ? { progressHandler: ({ loaded, total }) => progress(loaded, total) } : {}),
    });
    return fileInfo ? { file: { ...fileInfo, url: res.content_uri } } : { url: res.content_uri };
  }

  /** Aborts an upload in progress (nothing is sent) or dismisses a failed one. */
  cancelUpload(id: string): void {
    this.uploadAborts.get(id)?.abort();
    this.dismissUpload(id);
  }

  dismissUpload(id: string): void {
    this.patch({ uploads: this.state.get().uploads.filter((u) => u.id !== id) });
  }

  // ----- members -----

  async invite(userId: string, displayName = userId): Promise<void> {
    try {
      await this.client.invite(this.room.roomId, userId);
    } catch (e) {
      throw explainInviteRefusal(e, splitAgency(displayName, userId).name);
    }
  }

  async kick(userId: string): Promise<void> {
    await this.client.kick(this.room.roomId, userId);
  }

  async leave(): Promise<void> {
    await this.client.leave(this.room.roomId);
  }

  dispose(): void {
    for (const abort of this.uploadAborts.values()) abort.abort();
    this.stopTyping();
    this.disposer.dispose();
  }
}
