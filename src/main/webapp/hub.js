// One connection per channel for every tab of one identity: the logic of the shared worker
// (switchboard-worker.js is its thin shell). Each tab talks to the Hub over a MessagePort; the Hub
// runs one ChatRoom per room and one Notifications, the same classes a tab runs without a worker,
// so reconnect, resume, dedupe and the say retries with their refs work as they do there (after a
// reconnect, and with backoff after an `unavailable` answer), and a message said by a tab stays in
// the Hub's pending queue when that tab goes.
//
// Plain module: no worker globals. Tests hand it fake ports and a fake WebSocket.
//
// Tab -> Hub, {op, ...}:
//   hello {identity, options, hasToken}   first on every port; again after `dropped`
//   attach {ch, kind: 'room'|'notifications', room?, topics, pending: [{ref, text}], read, frames}
//   detach {ch}   bye   pong   wake
//   say {ch, ref, text}   typing {ch}   read {ch, seq}   markAllRead {ch}   frames {ch, on}
//   history {ch, id, before, limit}   subscribe {ch, topic}   unsubscribe {ch, topic}
//   token {id, token | error}   (the answer to a token request)
// Hub -> tab, {kind, ...}:
//   hello   ping   dropped (the Hub forgot this port: say hello again)   refused (another identity)
//   event {ch, type, detail, props}   one event of the channel, and its properties after it
//   reply {ch, id, value | error}   the answer to history
//   token {id}   a token for the next connection, please

import { ChatRoom } from './chat.js';
import { Notifications } from './notifications.js';

export const HUB_DEFAULTS = Object.freeze({
  heartbeat: 5000, // ms between pings to every tab
  deadAfter: 20000, // ms without a word from a tab before it counts as gone (a closed tab says nothing)
  recent: 50, // messages, and notifications per feed, kept for tabs that open a channel later
  drainTimeout: 120000, // ms a room whose last tab left stays open to deliver unacknowledged messages
  // (again and again while the server answers one `unavailable`: until it is stored or given up)
  tokenTimeout: 10000, // ms a tab has to answer a token request
});

const ROOM_EVENTS = ['state', 'open', 'close', 'error', 'welcome', 'recovery', 'message', 'presence', 'typing', 'ack', 'unsent', 'receipt', 'frame'];
const NOTIFY_EVENTS = ['state', 'open', 'close', 'error', 'welcome', 'recovery', 'notification', 'unread', 'subscribed', 'unsubscribed', 'frame'];

export class Hub {
  /**
   * @param {object} env  what the connections use: WebSocket, EventSource, fetch, setTimeout,
   *   clearTimeout, random, now, window (a worker passes its global scope, for online/offline), and
   *   HUB_DEFAULTS overrides. Missing ones are the global scope's own.
   */
  constructor(env = {}) {
    this.options = { ...HUB_DEFAULTS, ...env };
    this._env = env;
    this._setTimeout = env.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = env.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    this._now = env.now ?? (() => Date.now());
    this._tabs = new Map(); // port -> tab: {port, lastHeard, hasToken, subs: Map ch -> sub}
    this._channels = new Map(); // 'room:NAME' | 'notifications' -> channel
    this._identity = null; // the identity key of the first tab; every later one must match
    this._options = null; // connection options from the first tab (base, user, backoff …)
    this._tokens = false;
    this._lastToken = undefined;
    this._tokenRequests = new Map(); // id -> {resolve, reject, timer, tab}
    this._nextId = 0;
    this._heartbeatTimer = null;
  }

  /** A new tab: a MessagePort (or anything with postMessage and onmessage). */
  connect(port) {
    port.onmessage = (event) => this._message(port, event.data);
  }

  /** The channels with an open connection, for tests and diagnostics: key -> number of tabs. */
  get channels() {
    return new Map([...this._channels].map(([key, channel]) => [key, channel.subs.size]));
  }

  get tabs() {
    return this._tabs.size;
  }

  // --- from the tabs ---

  _message(port, message) {
    if (!message || typeof message !== 'object') return;
    if (message.op === 'hello') {
      this._hello(port, message);
      return;
    }
    const tab = this._tabs.get(port);
    if (!tab) {
      if (message.op !== 'bye') post(port, { kind: 'dropped' });
      return;
    }
    tab.lastHeard = this._now();
    const sub = message.ch === undefined ? undefined : tab.subs.get(message.ch);
    switch (message.op) {
      case 'pong':
        break;
      case 'bye':
        this._drop(tab);
        break;
      case 'wake':
        for (const channel of this._channels.values()) channel.conn.socket.wake();
        break;
      case 'token':
        this._tokenAnswer(message);
        break;
      case 'attach':
        this._attach(tab, message);
        break;
      case 'detach':
        if (sub) this._detach(sub);
        break;
      default:
        if (sub) this._operate(sub, message);
        break;
    }
  }

  _hello(port, { identity, options, hasToken }) {
    if (this._identity === null) {
      this._identity = identity ?? '';
      this._options = { ...(options ?? {}) };
      this._tokens = Boolean(hasToken); // connections ask a tab for a token before every attempt
    } else if ((identity ?? '') !== this._identity) {
      post(port, { kind: 'refused', reason: 'this worker serves another identity' });
      return;
    }
    const known = this._tabs.get(port);
    if (known) {
      // Hello again on a known port (the tab thought it was dropped): its attaches that follow
      // replace its subscriptions in place, so no channel closes meanwhile.
      known.lastHeard = this._now();
    } else {
      this._tabs.set(port, { port, lastHeard: this._now(), hasToken: Boolean(hasToken), subs: new Map() });
    }
    post(port, { kind: 'hello' });
    this._startHeartbeat();
  }

  _attach(tab, { ch, kind, room, topics = [], pending = [], read = 0, frames = false }) {
    const previous = tab.subs.get(ch);
    const key = kind === 'room' ? `room:${room}` : 'notifications';
    let channel = this._channels.get(key);
    const fresh = !channel;
    if (fresh) {
      try {
        channel = this._open(key, kind, room);
      } catch (error) {
        post(tab.port, { kind: 'event', ch, type: 'error', detail: { source: 'client', code: 'invalid', message: String(error?.message ?? error) } });
        return;
      }
    }
    if (channel.drainTimer !== null) {
      this._clearTimeout(channel.drainTimer);
      channel.drainTimer = null;
    }
    const sub = { tab, ch, channel, topics: new Set(), frames: Boolean(frames) };
    channel.subs.add(sub);
    if (previous) this._detach(previous); // after the new one is in: the channel stays open
    tab.subs.set(ch, sub);
    if (fresh) channel.conn.connect();
    else this._catchUp(sub);
    if (channel.conn.state === 'disconnected') channel.conn.connect(); // it had given up; a new tab tries again
    for (const topic of topics) this._subscribe(sub, topic);
    for (const { ref, text } of pending) this._say(sub, text, ref);
    if (read > 0) this._operate(sub, { op: 'read', seq: read });
  }

  _operate(sub, message) {
    const { conn } = sub.channel;
    try {
      switch (message.op) {
        case 'say':
          this._say(sub, message.text, message.ref);
          break;
        case 'typing':
          conn.typing?.();
          break;
        case 'read':
          conn.read(message.seq);
          break;
        case 'markAllRead':
          conn.markAllRead?.();
          break;
        case 'frames':
          sub.frames = Boolean(message.on);
          break;
        case 'history':
          this._history(sub, message);
          break;
        case 'subscribe':
          this._subscribe(sub, message.topic);
          break;
        case 'unsubscribe':
          this._unsubscribe(sub, message.topic);
          break;
        default:
          break;
      }
    } catch (error) {
      this._send(sub, 'error', { source: 'client', code: 'invalid', message: String(error?.message ?? error), ref: message.ref });
    }
  }

  _say(sub, text, ref) {
    const { channel } = sub;
    const queued = channel.conn.say(text, { ref });
    if (queued === null) {
      this._send(sub, 'error', { source: 'client', code: 'queue_full', message: 'too many messages are waiting to be sent', ref });
      return;
    }
    channel.owners.set(ref, sub);
  }

  _history(sub, { id, before, limit }) {
    const { channel } = sub;
    const ref = `hist-${++this._nextId}`;
    channel.owners.set(ref, sub);
    channel.conn.history({ before, limit, ref }).then(
      (value) => post(sub.tab.port, { kind: 'reply', ch: sub.ch, id, value }),
      (error) => post(sub.tab.port, { kind: 'reply', ch: sub.ch, id, error: { message: String(error?.message ?? error), code: error?.code } }),
    ).finally(() => channel.owners.delete(ref));
  }

  _subscribe(sub, topic) {
    const { channel } = sub;
    if (sub.topics.has(topic)) return;
    const conn = channel.conn;
    if (!conn.topics.has(topic)) {
      conn.subscribe(topic); // throws on an invalid name, before the tab counts as subscribed
      sub.topics.add(topic);
      return;
    }
    sub.topics.add(topic);
    if (!channel.subscribed.has(topic)) return; // the server's answer is on its way, to every tab that asked
    // Another tab follows it already: this tab's answer is built from what the Hub has.
    const position = conn.topics.get(topic);
    const items = channel.topicRecent.get(topic) ?? [];
    this._send(sub, 'subscribed', {
      type: 'subscribed', topic, seq: position.seq, epoch: position.epoch, recovered: false, notifications: items, shared: true,
    });
    for (const item of items) this._send(sub, 'notification', item);
  }

  _unsubscribe(sub, topic) {
    if (!sub.topics.delete(topic)) return;
    this._send(sub, 'unsubscribed', { topic });
    this._dropTopicIfUnused(sub.channel, topic);
  }

  _dropTopicIfUnused(channel, topic) {
    for (const other of channel.subs) if (other.topics.has(topic)) return;
    channel.conn.unsubscribe(topic);
    channel.subscribed.delete(topic);
    channel.topicRecent.delete(topic);
  }

  _detach(sub) {
    const { channel, tab } = sub;
    if (tab.subs.get(sub.ch) === sub) tab.subs.delete(sub.ch);
    if (!channel.subs.delete(sub)) return;
    for (const topic of sub.topics) this._dropTopicIfUnused(channel, topic);
    if (channel.subs.size === 0) this._release(channel);
  }

  _drop(tab) {
    this._tabs.delete(tab.port);
    for (const sub of [...tab.subs.values()]) this._detach(sub);
    for (const [id, request] of this._tokenRequests) {
      if (request.tab === tab) {
        this._tokenRequests.delete(id);
        this._clearTimeout(request.timer);
        request.reject(new Error('the tab went away'));
      }
    }
    if (this._tabs.size === 0) this._stopHeartbeat();
  }

  // --- channels ---

  _open(key, kind, room) {
    const options = {
      ...this._options,
      ...pick(this._env, ['WebSocket', 'EventSource', 'fetch', 'setTimeout', 'clearTimeout', 'random', 'now', 'window', 'document']),
      token: this._tokens ? () => this._token() : undefined,
    };
    const conn = kind === 'room' ? new ChatRoom(room, options) : new Notifications(options);
    const channel = {
      key,
      kind,
      conn,
      subs: new Set(),
      owners: new Map(), // ref -> sub: whose say or history this is
      recent: [], // {epoch, item}: the latest messages, or inbox notifications
      topicRecent: new Map(), // topic -> the latest notifications of it
      subscribed: new Set(), // topics the server (or the stream) has answered for
      drainTimer: null,
    };
    for (const type of kind === 'room' ? ROOM_EVENTS : NOTIFY_EVENTS) {
      conn.on(type, (detail) => this._forward(channel, type, detail));
    }
    this._channels.set(key, channel);
    return channel;
  }

  /** The last tab of a channel left: close it, unless said messages still wait for their ack. */
  _release(channel) {
    if (channel.kind === 'room' && channel.conn.pending.length > 0 && channel.conn.state !== 'disconnected') {
      channel.drainTimer = this._setTimeout(() => this._drained(channel), this.options.drainTimeout);
      return;
    }
    this._close(channel);
  }

  /**
   * drainTimeout passed. A say the store could not take yet is retried over the open connection
   * until it is stored or the room gives it up (giveUpUnavailable): the room stays for that.
   */
  _drained(channel) {
    channel.drainTimer = null;
    if (channel.subs.size === 0 && channel.conn.unsent.length > 0 && channel.conn.state !== 'disconnected') {
      channel.drainTimer = this._setTimeout(() => this._drained(channel), this.options.drainTimeout);
      return;
    }
    this._close(channel);
  }

  _close(channel) {
    if (channel.drainTimer !== null) this._clearTimeout(channel.drainTimer);
    channel.drainTimer = null;
    if (this._channels.get(channel.key) === channel) this._channels.delete(channel.key);
    channel.conn.close();
  }

  /** A tab opened a channel the Hub already has: the events a fresh connection would have given it. */
  _catchUp(sub) {
    const { conn, kind } = sub.channel;
    if (kind === 'room' && conn.position.epoch !== undefined) {
      const messages = this._recent(sub.channel, conn.position.epoch);
      this._send(sub, 'welcome', {
        type: 'welcome',
        room: conn.room,
        user: conn.user,
        count: conn.count,
        members: [...conn.members],
        seq: conn.position.seq,
        epoch: conn.position.epoch,
        reads: conn.reads.toObject(),
        messages,
        resumed: false,
        shared: true,
      });
      for (const message of messages) this._send(sub, 'message', message);
    } else if (kind === 'notifications' && conn.inbox.epoch !== undefined) {
      const notifications = this._recent(sub.channel, conn.inbox.epoch);
      this._send(sub, 'welcome', {
        type: 'welcome', user: conn.user, seq: conn.inbox.seq, epoch: conn.inbox.epoch, unread: conn.unread, notifications, resumed: false, shared: true,
      });
      for (const item of notifications) this._send(sub, 'notification', item);
      this._send(sub, 'unread', { count: conn.unread, readUpTo: conn.readUpTo });
    }
    this._send(sub, 'state', { state: conn.state, attempt: 0, transport: conn.transport });
  }

  _recent(channel, epoch) {
    return channel.recent.filter((entry) => entry.epoch === epoch).map((entry) => entry.item);
  }

  _remember(list, entry) {
    list.push(entry);
    if (list.length > this.options.recent) list.splice(0, list.length - this.options.recent);
  }

  /** An event of a channel's connection, to the tabs it concerns. */
  _forward(channel, type, detail) {
    const { conn } = channel;
    let to = channel.subs;
    const ref = detail?.ref;
    switch (type) {
      case 'message':
        this._remember(channel.recent, { epoch: conn.position.epoch, item: detail });
        break;
      case 'notification':
        if (detail.topic === undefined || detail.topic === null) {
          this._remember(channel.recent, { epoch: conn.inbox.epoch, item: detail });
        } else {
          if (!channel.topicRecent.has(detail.topic)) channel.topicRecent.set(detail.topic, []);
          this._remember(channel.topicRecent.get(detail.topic), detail);
          to = this._following(channel, detail.topic);
        }
        break;
      case 'subscribed':
        channel.subscribed.add(detail.topic);
        to = this._following(channel, detail.topic);
        break;
      case 'recovery':
        if (detail.topic !== undefined) to = this._following(channel, detail.topic);
        break;
      case 'unsubscribed':
        to = []; // each tab had its own answer when it unsubscribed
        break;
      case 'ack': {
        const owner = channel.owners.get(ref);
        channel.owners.delete(ref);
        to = owner && channel.subs.has(owner) ? [owner] : [];
        break;
      }
      case 'unsent': // still pending: the owner keeps it, and shows it as not yet sent
        to = channel.owners.has(ref) && channel.subs.has(channel.owners.get(ref)) ? [channel.owners.get(ref)] : [];
        break;
      case 'error':
        if (ref !== undefined && channel.owners.has(ref)) {
          const owner = channel.owners.get(ref);
          if (detail.code !== 'rate_limited') channel.owners.delete(ref);
          to = channel.subs.has(owner) ? [owner] : [];
        }
        break;
      case 'frame':
        to = [...channel.subs].filter((sub) => sub.frames && (detail.topic === undefined || detail.topic === null || sub.topics.has(detail.topic)));
        break;
      default:
        break;
    }
    for (const sub of [...to]) this._send(sub, type, detail);
    // A draining room closes once nothing waits any more, or when its connection gave up.
    if (channel.subs.size === 0 && channel.drainTimer !== null
        && (conn.pending.length === 0 || (type === 'close' && !detail.willReconnect))) {
      this._close(channel);
    }
  }

  _following(channel, topic) {
    return [...channel.subs].filter((sub) => sub.topics.has(topic));
  }

  _send(sub, type, detail) {
    post(sub.tab.port, { kind: 'event', ch: sub.ch, type, detail, props: props(sub.channel) });
  }

  // --- tokens: a tab holds the token function; connections ask for one before every attempt ---

  async _token() {
    const tabs = [...this._tabs.values()].filter((tab) => tab.hasToken).sort((a, b) => b.lastHeard - a.lastHeard);
    for (const tab of tabs) {
      try {
        const token = await this._askToken(tab);
        this._lastToken = token;
        return token;
      } catch {
        // the next tab, then the last token we had
      }
    }
    if (this._lastToken !== undefined) return this._lastToken;
    throw new Error('no tab could give a token');
  }

  _askToken(tab) {
    return new Promise((resolve, reject) => {
      const id = ++this._nextId;
      const timer = this._setTimeout(() => {
        this._tokenRequests.delete(id);
        reject(new Error('token request timed out'));
      }, this.options.tokenTimeout);
      this._tokenRequests.set(id, { resolve, reject, timer, tab });
      post(tab.port, { kind: 'token', id });
    });
  }

  _tokenAnswer({ id, token, error }) {
    const request = this._tokenRequests.get(id);
    if (!request) return;
    this._tokenRequests.delete(id);
    this._clearTimeout(request.timer);
    if (typeof token === 'string' && token) request.resolve(token);
    else request.reject(new Error(error ?? 'no token'));
  }

  // --- heartbeat: browsers do not tell a shared worker that a tab's port died ---

  _startHeartbeat() {
    if (this._heartbeatTimer !== null) return;
    const beat = () => {
      this._heartbeatTimer = null;
      const now = this._now();
      for (const tab of [...this._tabs.values()]) {
        if (now - tab.lastHeard > this.options.deadAfter) {
          this._drop(tab);
          post(tab.port, { kind: 'dropped' }); // a tab that was only frozen says hello again
        } else {
          post(tab.port, { kind: 'ping' });
        }
      }
      if (this._tabs.size > 0) this._heartbeatTimer = this._setTimeout(beat, this.options.heartbeat);
    };
    this._heartbeatTimer = this._setTimeout(beat, this.options.heartbeat);
  }

  _stopHeartbeat() {
    if (this._heartbeatTimer !== null) {
      this._clearTimeout(this._heartbeatTimer);
      this._heartbeatTimer = null;
    }
  }
}

/** The properties a tab mirrors, sent with every event. */
function props(channel) {
  const { conn } = channel;
  const common = { state: conn.state, transport: conn.transport, user: conn.user };
  if (channel.kind === 'room') return { ...common, count: conn.count, seq: conn.position.seq, epoch: conn.position.epoch };
  return { ...common, unread: conn.unread, readUpTo: conn.readUpTo, seq: conn.inbox.seq, epoch: conn.inbox.epoch };
}

function pick(source, names) {
  const picked = {};
  for (const name of names) if (source[name] !== undefined) picked[name] = source[name];
  return picked;
}

/** postMessage that never throws: a detail that cannot be cloned goes as JSON, a dead port is ignored. */
function post(port, message) {
  try {
    port.postMessage(message);
  } catch {
    try {
      port.postMessage(JSON.parse(JSON.stringify(message)));
    } catch {
      // the port is gone; the heartbeat will notice
    }
  }
}
