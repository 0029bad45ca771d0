import type { BanView, KickResult, MuteView, ReportsPage, ReportView } from '@chat/protocol';
import type { FakeChatServer } from './fake-chat-server';

type Answer = { status: number; body?: unknown };
type Body = Record<string, unknown>;

const MODERATOR = 2;
const ADMIN = 3;
const REASON_MAX = 500;

/**
 * Moderation as the fake server does it, after docs/moderation.md: site bans (the user's sockets
 * told and closed), mutes everywhere or in one room (their sends refused with the end time),
 * kicks with an optional room ban, and message reports with the moderators' queue. Who acts on
 * whom follows the server's rule: moderators and admins site-wide, a room's owner (see `own`) or
 * a moderator in its room; a moderator or admin is acted on by an admin only; nobody on
 * themselves. Reasons are 1 to 500 characters and an end must be ahead (422 otherwise).
 */
export class FakeModeration {
  /** Reports per page of the queue. */
  reportsPage = 50;
  private readonly bans = new Map<number, BanView>();
  private readonly mutes = new Map<number, MuteView>();
  private readonly reports: ReportView[] = [];
  private readonly owners = new Map<number, number>();
  private readonly roomBans = new Set<string>();
  private nextId = 1;

  constructor(private readonly server: FakeChatServer) {}

  /** The user owns the room: they mute and kick there. */
  own(roomId: number, userId: number): void {
    this.owners.set(roomId, userId);
  }

  /** Why the user may not write in the room now, as the server says it; undefined if they may. */
  muteRefusal(userId: number, roomId: number): string | undefined {
    for (const mute of this.mutes.values()) {
      if (mute.user_id !== userId || (mute.room_id !== null && mute.room_id !== roomId)) continue;
      if (mute.until !== null && Date.parse(mute.until) <= Date.now()) continue;
      const where = mute.room_id === null ? 'everywhere' : 'in this room';
      return `You are muted ${where}${mute.until === null ? '' : ` until ${mute.until}`}`;
    }
    return undefined;
  }

  /** Answers a moderation route, or undefined for any other. */
  route(userId: number, method: string, url: URL, text: unknown): Answer | undefined {
    const body = (typeof text === 'string' && text !== '' ? JSON.parse(text) : {}) as Body;
    const path = url.pathname;
    const reported = /^\/api\/v1\/messages\/(\d+)\/reports$/.exec(path);
    if (method === 'POST' && reported) return this.report(userId, Number(reported[1]), body);
    const match = /^\/api\/v1\/moderation\/([a-z-]+)(?:\/(\d+))?(?:\/(\d+|resolve))?$/.exec(path);
    if (!match) return undefined;
    const [, what, first, second] = match;
    const route = `${method} ${what}${first ? '/:id' : ''}${second ? `/${second}` : ''}`;
    switch (route) {
      case 'POST bans':
        return this.ban(userId, body);
      case 'DELETE bans/:id':
        return this.unban(userId, Number(first));
      case 'GET bans':
        return this.moderatorOnly(userId) ?? { status: 200, body: [...this.bans.values()] };
      case 'POST mutes':
        return this.mute(userId, body);
      case 'DELETE mutes/:id':
        return this.unmute(userId, Number(first));
      case 'GET mutes':
        return this.moderatorOnly(userId) ?? this.mutesOf(Number(url.searchParams.get('user_id')));
      case 'POST kicks':
        return this.kick(userId, body);
      case 'GET reports':
        return this.moderatorOnly(userId) ?? this.queue(url.searchParams);
      case 'POST reports/:id/resolve':
        return this.moderatorOnly(userId) ?? this.resolve(userId, Number(first), body);
    }
    if (method === 'DELETE' && what === 'room-bans' && first && second) {
      return this.liftRoomBan(userId, Number(first), Number(second));
    }
    return { status: 404, body: { detail: 'Not found' } };
  }

  private report(userId: number, messageId: number, body: Body): Answer {
    const reason = this.reason(body);
    if (typeof reason !== 'string') return reason;
    const message = this.server.message(messageId);
    if (!message || !this.server.isMember(message.room_id, userId)) {
      return refused(404, 'Message not found');
    }
    if (message.user_id === userId) return refused(409, 'You cannot report your own message');
    const again = this.reports.some((r) => r.message_id === messageId && r.reporter_id === userId);
    if (again) return refused(409, 'You have reported this message already');
    const report: ReportView = {
      id: this.nextId++,
      message_id: messageId,
      room_id: message.room_id,
      room_name: `room ${message.room_id}`,
      // The fake's rooms have no kind: its queue is every room's, as an admin's is.
      room_kind: 'public',
      author_id: message.user_id,
      author_name: message.name,
      author_role: this.server.roleOf(message.user_id),
      message_text: message.message,
      reporter_id: userId,
      reporter_name: `user${userId}`,
      reason,
      status: 'open',
      created_at: new Date().toISOString(),
      resolved_by: null,
      resolved_at: null,
      resolution: null,
    };
    this.reports.push(report);
    return { status: 201, body: report };
  }

  private queue(params: URLSearchParams): Answer {
    const status = params.get('status') ?? 'open';
    const cursor = params.get('cursor');
    const matching = this.reports
      .filter((report) => report.status === status)
      .filter((report) => cursor === null || report.id < Number(cursor))
      .sort((a, b) => b.id - a.id);
    const reports = matching.slice(0, this.reportsPage);
    const more = matching.length > reports.length;
    const page: ReportsPage = { reports, next_cursor: more ? reports.at(-1)!.id : null };
    return { status: 200, body: page };
  }

  private resolve(userId: number, reportId: number, body: Body): Answer {
    const report = this.reports.find((entry) => entry.id === reportId);
    if (!report) return refused(404, 'Report not found');
    if (report.status === 'resolved') return refused(409, 'This report is resolved already');
    if (body.delete_message === true && report.message_id !== null) {
      if (this.server.message(report.message_id)) this.server.deleteMessage(report.message_id);
      report.message_id = null;
    }
    Object.assign(report, {
      status: 'resolved',
      resolved_by: userId,
      resolved_at: new Date().toISOString(),
      resolution: typeof body.note === 'string' ? body.note : null,
    });
    return { status: 200, body: report };
  }

  private ban(userId: number, body: Body): Answer {
    const target = Number(body.user_id);
    const fields = this.fields(body);
    if ('status' in fields) return fields;
    const who = this.siteRefusal(userId, target);
    if (who) return who;
    const ban: BanView = {
      user_id: target,
      actor_id: userId,
      reason: fields.reason,
      until: fields.until,
      created_at: new Date().toISOString(),
    };
    this.bans.set(target, ban);
    const end = ban.until === null ? 'permanently' : `until ${ban.until}`;
    this.server.ban(target, `Banned ${end}: ${ban.reason}`);
    return { status: 201, body: ban };
  }

  private unban(userId: number, target: number): Answer {
    const who = this.siteRefusal(userId, target);
    if (who) return who;
    if (!this.bans.delete(target)) return refused(404, 'This user is not banned');
    return { status: 204 };
  }

  private mute(userId: number, body: Body): Answer {
    const target = Number(body.user_id);
    const roomId = body.room_id === undefined ? null : Number(body.room_id);
    const fields = this.fields(body);
    if ('status' in fields) return fields;
    const who =
      roomId === null ? this.siteRefusal(userId, target) : this.roomRefusal(userId, target, roomId);
    if (who) return who;
    const mute: MuteView = {
      id: this.nextId++,
      user_id: target,
      room_id: roomId,
      actor_id: userId,
      reason: fields.reason,
      until: fields.until,
      created_at: new Date().toISOString(),
    };
    this.mutes.set(mute.id, mute);
    return { status: 201, body: mute };
  }

  private unmute(userId: number, muteId: number): Answer {
    const mute = this.mutes.get(muteId);
    if (!mute) return refused(404, 'No such mute in force');
    const who =
      mute.room_id === null
        ? this.siteRefusal(userId, mute.user_id)
        : this.roomRefusal(userId, mute.user_id, mute.room_id);
    if (who) return who;
    this.mutes.delete(muteId);
    return { status: 204 };
  }

  private mutesOf(userId: number): Answer {
    return {
      status: 200,
      body: [...this.mutes.values()].filter((mute) => mute.user_id === userId),
    };
  }

  private kick(userId: number, body: Body): Answer {
    const [roomId, target] = [Number(body.room_id), Number(body.user_id)];
    const fields = this.fields(body);
    if ('status' in fields) return fields;
    const who = this.roomRefusal(userId, target, roomId);
    if (who) return who;
    const removed = this.server.isMember(roomId, target);
    if (!removed && body.ban !== true) {
      return refused(404, 'This user is not a member of the room');
    }
    if (removed) this.server.removeMember(roomId, target);
    if (body.ban === true) this.roomBans.add(`${roomId}:${target}`);
    const result: KickResult = { removed, banned: body.ban === true };
    return { status: 200, body: result };
  }

  private liftRoomBan(userId: number, roomId: number, target: number): Answer {
    const who = this.roomRefusal(userId, target, roomId);
    if (who) return who;
    if (!this.roomBans.delete(`${roomId}:${target}`)) {
      return refused(404, 'This user is not banned from the room');
    }
    return { status: 204 };
  }

  /** The reason and end time, or the 422 naming what is wrong. */
  private fields(body: Body): { reason: string; until: string | null } | Answer {
    const reason = this.reason(body);
    if (typeof reason !== 'string') return reason;
    if (body.until === undefined) return { reason, until: null };
    const end = Date.parse(String(body.until));
    if (Number.isNaN(end) || end <= Date.now()) {
      return invalid('until', 'until must be in the future');
    }
    return { reason, until: new Date(end).toISOString() };
  }

  private reason(body: Body): string | Answer {
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    if (reason.length < 1 || reason.length > REASON_MAX) {
      return invalid('reason', `reason must be 1 to ${REASON_MAX} characters`);
    }
    return reason;
  }

  private moderatorOnly(userId: number): Answer | undefined {
    return this.server.roleOf(userId) >= MODERATOR ? undefined : refused(403, 'Forbidden');
  }

  private siteRefusal(actor: number, target: number): Answer | undefined {
    if (this.server.roleOf(actor) < MODERATOR) {
      return refused(403, 'Only moderators and admins do this');
    }
    return this.refusalOn(actor, target);
  }

  private roomRefusal(actor: number, target: number, roomId: number): Answer | undefined {
    if (this.owners.get(roomId) !== actor && this.server.roleOf(actor) < MODERATOR) {
      return refused(403, 'Only the room owner, or a moderator in a public room, does this');
    }
    return this.refusalOn(actor, target);
  }

  private refusalOn(actor: number, target: number): Answer | undefined {
    if (actor === target) return refused(403, 'You cannot do this to yourself');
    if (this.server.roleOf(target) >= MODERATOR && this.server.roleOf(actor) < ADMIN) {
      return refused(403, 'Only an admin acts on a moderator or an admin');
    }
    return undefined;
  }
}

function refused(status: number, detail: string): Answer {
  return { status, body: { detail } };
}

function invalid(field: string, message: string): Answer {
  return { status: 422, body: { detail: [{ field, message }] } };
}
