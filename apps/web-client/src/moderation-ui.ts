import type { ChatHttp, Profile, RoomMessage, RoomUser } from '@chat/client';
import { h } from './dom';
import { ModerationAction, moderationActions, MODERATOR } from './moderation-rules';
import { ReasonFields, ReasonRequest, reasonDialog } from './reason-dialog';
import { reportsDialog } from './reports-dialog';
import { GENERAL_ROOM_ID, RoomEntry, RoomsStore } from './rooms-store';
import type { UserAction } from './user-menu';

export interface ModerationUiContext {
  http: ChatHttp;
  me(): Profile;
  store: RoomsStore;
  /** The viewer owns the room, or is a site moderator or admin in a public room. */
  actsAsOwner(entry: RoomEntry): boolean;
}

type Target = Pick<RoomUser, 'user_id' | 'name' | 'role'>;

/**
 * Moderation in the client: "Report" on others' messages, the moderation actions on a person's
 * name (see moderation-rules for which are offered), each asking a reason through one dialog, and
 * the moderators' report queue behind the "Reports" button.
 */
export function moderationUi(context: ModerationUiContext) {
  const { http } = context;
  const reasons = reasonDialog();
  const reports = reportsDialog({
    page: (cursor) => http.reports({ cursor }),
    resolve: (reportId, deleteMessage) =>
      http.resolveReport(reportId, { delete_message: deleteMessage }),
  });
  const reportsButton = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => reports.open() },
    'Reports',
  );

  /** What each action asks and sends, on a person, in a room for the room's actions. */
  const requests: Record<ModerationAction, (who: Target, room?: RoomEntry) => ReasonRequest> = {
    ban: (who) => ({
      title: `Ban ${who.name}`,
      submitLabel: 'Ban',
      duration: 'For',
      submit: async ({ reason, until }) => {
        await http.ban({ user_id: who.user_id, reason, until });
        return `${who.name} is banned`;
      },
    }),
    'mute-site': (who) => ({
      title: `Mute ${who.name} everywhere`,
      submitLabel: 'Mute',
      duration: 'For',
      submit: async ({ reason, until }) => {
        await http.mute({ user_id: who.user_id, reason, until });
        return `${who.name} is muted everywhere`;
      },
    }),
    'mute-room': (who, room) => ({
      title: `Mute ${who.name} in ${titleOf(room)}`,
      submitLabel: 'Mute',
      duration: 'For',
      submit: async ({ reason, until }) => {
        await http.mute({ user_id: who.user_id, room_id: room!.room.id, reason, until });
        return `${who.name} is muted in ${titleOf(room)}`;
      },
    }),
    kick: (who, room) => ({
      title: `Kick ${who.name} from ${titleOf(room)}`,
      submitLabel: 'Kick',
      duration: 'Banned from the room for',
      roomBan: true,
      submit: async ({ reason, until, ban }: ReasonFields) => {
        const kicked = await http.kick({
          room_id: room!.room.id,
          user_id: who.user_id,
          reason,
          ban,
          until,
        });
        const what = kicked.removed ? (kicked.banned ? 'removed and banned' : 'removed') : 'banned';
        return `${who.name} is ${what} from ${titleOf(room)}`;
      },
    }),
  };
  const labels: Record<ModerationAction, string> = {
    ban: 'Ban…',
    'mute-site': 'Mute everywhere…',
    'mute-room': 'Mute in this room…',
    kick: 'Kick…',
  };
  const titleOf = (room?: RoomEntry) => (room ? context.store.title(room) : 'the room');

  return {
    dialogs: [reasons.dialog, reports.dialog],
    reportsButton,

    /** The Reports button is a moderator's; a role change shows or hides it. */
    showRole(): void {
      reportsButton.hidden = context.me().role < MODERATOR;
    },

    /** Asks why, then reports the message. */
    report(message: RoomMessage): void {
      reasons.open({
        title: 'Report message',
        intro: `${message.name}: ${message.message}`,
        submitLabel: 'Report',
        submit: ({ reason }) =>
          http.reportMessage(message.message_id, reason).then(() => 'Reported'),
      });
    },

    /** The moderation actions the viewer is offered on a person seen in a room (or nowhere). */
    actionsOn(who: Target, roomId?: number): UserAction[] {
      const me = context.me();
      const room = roomId === undefined ? undefined : context.store.get(roomId);
      const place = room && {
        actsAsOwner: context.actsAsOwner(room),
        kind: room.room.kind,
        general: room.room.id === GENERAL_ROOM_ID,
      };
      const viewer = { id: me.user_id, role: me.role };
      return moderationActions(viewer, { id: who.user_id, role: who.role }, place).map(
        (action) => ({
          label: labels[action],
          danger: action === 'ban' || action === 'kick',
          run: () => reasons.open(requests[action](who, room)),
        }),
      );
    },
  };
}
