import {
  ClientEvent,
  EventType,
  RoomEvent,
  type MatrixClient,
  type MatrixEvent,
  type Room,
} from "matrix-js-sdk";
import type { RoomType } from "../../../homeserver-config/src/policy/room-types.ts";
import { splitAgency } from "../core/agency.ts";
import { AppError, toAppError } from "../core/app-error.ts";
import { Disposer, Observable } from "../core/observable.ts";
import type { RuntimeConfig } from "../core/runtime-config.ts";
import { matrixDevicesPort } from "../encryption/devices-port.ts";
import { DevicesViewModel } from "../encryption/devices-view-model.ts";
import { EncryptionViewModel } from "../encryption/encryption-view-model.ts";
import { LogoutCheckViewModel } from "../encryption/logout-check-view-model.ts";
import { UndecryptableRetrier } from "../encryption/undecryptable-retry.ts";
import { trustPort, UserTrustViewModel } from "../encryption/user-trust-view-model.ts";
import { verificationPort } from "../encryption/verification-port.ts";
import { VerificationViewModel } from "../encryption/verification-view-model.ts";
import { MediaLoader } from "../media/media-loader.ts";
import type { MatrixSession } from "../session/matrix-session.ts";
import { resendOnReconnect } from "../session/resend-on-reconnect.ts";
import { createTchapRoom, findPeople, openOrCreateDm, type PersonHit } from "./room-actions.ts";
import { myMembership, RoomListViewModel } from "./room-list-view-model.ts";
import { RoomViewModel } from "./room-view-model.ts";

export type Dialog = null | "create-room" | "start-dm" | "invite" | "members" | "security";

/** The logged-in screen: room list, the open room, dialogs. */
export class ChatViewModel {
  readonly roomList: RoomListViewModel;
  readonly openRoom = new Observable<RoomViewModel | null>(null);
  readonly dialog = new Observable<Dialog>(null);
  readonly notice = new Observable<AppError | null>(null);
  /** The « Sécurité » settings' device list, alive while that dialog is open. */
  readonly devices = new Observable<DevicesViewModel | null>(null);
  /** Emoji verification of my other devices and of people, one at a time. */
  readonly verification: VerificationViewModel;
  /** Who I verified, and whose identity changed, among the people on screen. */
  readonly trust: UserTrustViewModel;
  readonly media: MediaLoader;
  /** Recovery key, backup, unlocking history on a new device. */
  readonly encryption: EncryptionViewModel;
  /** Logout that never loses message keys. */
  readonly logoutCheck: LogoutCheckViewModel;
  /** My display name as the homeserver has it ("First Last [Agency]"). */
  readonly myName: Observable<string>;
  private readonly disposer = new Disposer();

  constructor(
    readonly session: MatrixSession,
    readonly config: RuntimeConfig,
  ) {
    const client = session.client;
    this.roomList = new RoomListViewModel(client);
    this.verification = new VerificationViewModel(verificationPort(client));
    this.trust = new UserTrustViewModel(trustPort(client), this.openRoom);
    this.encryption = new EncryptionViewModel(client, session.secretStorageKeys, this.verification);
    void this.encryption.start();
    this.logoutCheck = new LogoutCheckViewModel(this.encryption.backup);
    const retrier = new UndecryptableRetrier(client);
    this.disposer.add(() => retrier.dispose());
    this.myName = new Observable(client.getUser(session.userId)?.displayName ?? session.userId);
    void client.getProfileInfo(session.userId).then(
      (p) => p.displayname && this.myName.set(p.displayname),
      () => undefined,
    );
    this.media = new MediaLoader(session.stored.baseUrl, () => client.getAccessToken() ?? "");
    this.disposer.add(resendOnReconnect(client));
    // If the open room disappears (left, kicked), close it.
    const onMembership = () => {
      const open = this.openRoom.get();
      const room = open ? client.getRoom(open.roomId) : null;
      if (open && !["join", "invite"].includes(room ? myMembership(room, session.userId) : ""))
        this.select(null);
    };
    client.on(ClientEvent.Room, onMembership);
    this.disposer.add(() => client.off(ClientEvent.Room, onMembership));
    // Removed by someone else (kick or ban): say so, and close the room if it was open. Read
    // from the timeline: the room state may not show it (see myMembership).
    const told = new Set<string>();
    const onTimeline = (ev: MatrixEvent, room: Room | undefined, toStart?: boolean) => {
      if (toStart || !room || ev.getType() !== EventType.RoomMember) return;
      if (ev.getStateKey() !== session.userId || ev.getSender() === session.userId) return;
      if (!["leave", "ban"].includes(String(ev.getContent().membership))) return;
      if (!["join", "invite"].includes(String(ev.getPrevContent().membership))) return;
      const id = ev.getId() ?? "";
      if (told.has(id)) return;
      told.add(id);
      const by = ev.getSender()!;
      const byName = splitAgency(room.getMember(by)?.name, by).name;
      this.notice.set(
        new AppError("REMOVED_FROM_ROOM", room.roomId, { by: byName, room: room.name }),
      );
      onMembership();
    };
    client.on(RoomEvent.Timeline, onTimeline);
    this.disposer.add(() => client.off(RoomEvent.Timeline, onTimeline));
  }

  get client(): MatrixClient {
    return this.session.client;
  }

  select(roomId: string | null): void {
    const current = this.openRoom.get();
    if (current?.roomId === roomId) return;
    current?.dispose();
    const room = roomId ? this.client.getRoom(roomId) : null;
    this.openRoom.set(room ? new RoomViewModel(this.client, room) : null);
    if (this.dialog.get() === "members" || this.dialog.get() === "invite") this.dialog.set(null);
  }

  /** Waits until sync has shown a room we just created or joined, then opens it. */
  private async selectWhenKnown(roomId: string): Promise<void> {
    for (let i = 0; i < 100 && !this.client.getRoom(roomId); i++)
      await new Promise((r) => setTimeout(r, 100));
    this.select(roomId);
  }

  async accept(roomId: string): Promise<void> {
    try {
      await this.roomList.accept(roomId);
      await this.selectWhenKnown(roomId);
      const room = this.client.getRoom(roomId);
      for (let i = 0; i < 100 && room?.getMyMembership() !== "join"; i++)
        await new Promise((r) => setTimeout(r, 100));
      this.openRoom.get()?.dispose();
      this.openRoom.set(null);
      this.select(roomId);
    } catch (e) {
      this.notice.set(toAppError(e, "join"));
    }
  }

  async decline(roomId: string): Promise<void> {
    try {
      await this.roomList.decline(roomId);
      if (this.openRoom.get()?.roomId === roomId) this.select(null);
    } catch (e) {
      this.notice.set(toAppError(e));
    }
  }

  async createRoom(type: Exclude<RoomType, "direct">, name: string, topic: string): Promise<void> {
    const roomId = await createTchapRoom(this.client, type, name, topic);
    this.dialog.set(null);
    await this.selectWhenKnown(roomId);
  }

  async startDm(userId: string): Promise<void> {
    const roomId = await openOrCreateDm(this.client, userId);
    this.dialog.set(null);
    await this.selectWhenKnown(roomId);
  }

  openSecurity(): void {
    this.devices.get()?.dispose();
    this.devices.set(new DevicesViewModel(matrixDevicesPort(this.client)));
    this.dialog.set("security");
  }

  closeSecurity(): void {
    this.devices.get()?.dispose();
    this.devices.set(null);
    if (this.dialog.get() === "security") this.dialog.set(null);
  }

  findPeople(term: string): Promise<PersonHit[]> {
    return findPeople(this.client, this.config, term);
  }

  /** False when the user chose to stay (keys not backed up yet). */
  async logout(): Promise<boolean> {
    if (!(await this.logoutCheck.request())) return false;
    this.dispose();
    await this.session.logout();
    return true;
  }

  dispose(): void {
    this.openRoom.get()?.dispose();
    this.devices.get()?.dispose();
    this.verification.dispose();
    this.trust.dispose();
    this.roomList.dispose();
    this.logoutCheck.dispose();
    this.encryption.dispose();
    this.media.dispose();
    this.disposer.dispose();
  }
}
