// The tab's side of the shared worker: SharedClient talks to the Hub (hub.js) in a SharedWorker
// named after the identity, and hands out SharedChatRoom and SharedNotifications, which have the
// API of ChatRoom and Notifications. When the worker cannot be made or does not answer, the same
// Hub runs in the page instead (one connection per tab, as without a worker), behind a
// MessageChannel, so the connections never notice.
//
// The messages on the port are listed in hub.js.

import { CHAT_DEFAULTS, checkText } from './chat.js';
import { Emitter } from './emitter.js';
import { Hub } from './hub.js';
import { httpBase, isRoomName, isTopicName, newRef, MAX_REF_LENGTH } from './protocol.js';
import { LogPosition, ReadMarks, resolveToken } from './resume.js';
import { State } from './socket.js';

export const SHARED_DEFAULTS = Object.freeze({
  workerTimeout: 10000, // ms for the worker's hello before the connections run in the page instead
  workerDeadAfter: 30000, // ms without a ping from the worker before it counts as dead and is replaced
});

// Options a worker can take from a tab: data only, no functions or classes.
const CONNECTION_OPTIONS = ['user', 'minDelay', 'maxDelay', 'maxRetries', 'stableAfter', 'connectTimeout', 'pingInterval',
  'pongTimeout', 'maxQueue', 'maxPending', 'typingInterval', 'historyTimeout', 'retryRateLimited', 'retryUnavailable',
  'retryUnavailableMax', 'giveUpUnavailable', 'readInterval',
  'fallback', 'fallbackAfter', 'websocketRetry', 'probeTimeout'];

/** The `sub` claim of a JWT, read without checking the signature (the server checks it), or null. */
export function jwtSubject(token) {
  if (typeof token !== 'string') return null;
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims?.sub === 'string' && claims.sub ? claims.sub : null;
  } catch {
    return null;
  }
}

/**
 * Which worker serves these options: the server and the user (a guest name, or a token's subject).
 * Null when there is no identity to share (then every tab connects on its own).
 */
export async function identityKey(options) {
  const base = httpBase(options.base).href;
  if (options.token) {
    const sub = jwtSubject(await resolveToken(options.token));
    return sub ? `${base} sub:${sub}` : null;
  }
  return options.user ? `${base} user:${options.user}` : null;
}

export class SharedClient {
  /**
   * @param {object} options  createClient's options
   * @param {object} env  SharedWorker, workerUrl, setTimeout, clearTimeout, now, window, document,
   *   MessageChannel, and `hub`: the env of a Hub run in the page (all default to the browser's own)
   */
  constructor(options = {}, env = {}) {
    this.options = { ...SHARED_DEFAULTS, ...options };
    this._env = env;
    this._SharedWorker = 'SharedWorker' in env ? env.SharedWorker : globalThis.SharedWorker;
    this._MessageChannel = env.MessageChannel ?? globalThis.MessageChannel;
    this._workerUrl = env.workerUrl ?? new URL('./switchboard-worker.js', import.meta.url);
    this._setTimeout = env.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = env.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    this._now = env.now ?? (() => Date.now());
    this._window = env.window ?? (typeof window === 'undefined' ? null : window);
    this._document = env.document ?? (typeof document === 'undefined' ? null : document);
    this._channels = new Map(); // ch -> SharedChatRoom | SharedNotifications
    this._nextCh = 0;
    this._port = null;
    this._worker = null;
    this._identity = null;
    this._mode = 'starting'; // 'starting' | 'worker' | 'page'
    this._greeted = false; // the other side answered our hello
    this._lastPing = 0;
    this._helloTimer = null;
    this._watchdog = null;
    this._started = false;
    this._gone = false; // pagehide: the page is going away (or into the back/forward cache)
    this._listen();
  }

  /** 'starting', 'worker' (one connection per channel for all tabs) or 'page' (one per tab). */
  get mode() {
    return this._mode;
  }

  room(name, more = {}) {
    const room = new SharedChatRoom(this, name, { ...this.options, ...more }, `c${++this._nextCh}`);
    this._add(room);
    return room;
  }

  notifications(more = {}) {
    const stream = new SharedNotifications(this, { ...this.options, ...more }, `c${++this._nextCh}`);
    this._add(stream);
    return stream;
  }

  // --- for the connections ---

  _add(channel) {
    this._channels.set(channel.ch, channel);
    if (!this._started) this._start();
    else this._post(channel._attachMessage());
  }

  _remove(channel) {
    if (this._channels.get(channel.ch) !== channel) return;
    this._channels.delete(channel.ch);
    this._post({ op: 'detach', ch: channel.ch });
  }

  /** Sends to the Hub; false while there is none yet (what matters is re-sent with the attach). */
  _post(message) {
    if (!this._port) return false;
    try {
      this._port.postMessage(message);
      return true;
    } catch {
      return false;
    }
  }

  // --- the worker ---

  async _start() {
    this._started = true;
    let identity = null;
    try {
      identity = await identityKey(this.options);
    } catch {
      identity = null;
    }
    this._identity = identity;
    if (identity === null || typeof this._SharedWorker !== 'function') {
      this._runInPage();
      return;
    }
    this._startWorker();
  }

  _startWorker() {
    let worker;
    try {
      worker = new this._SharedWorker(this._workerUrl, { type: 'module', name: `switchboard ${this._identity}` });
    } catch {
      this._runInPage();
      return;
    }
    this._worker = worker;
    worker.onerror = () => {
      if (this._worker === worker && !this._greeted) this._runInPage();
    };
    this._use(worker.port, 'worker');
    this._clearHelloTimer();
    this._helloTimer = this._setTimeout(() => {
      this._helloTimer = null;
      if (this._worker === worker && !this._greeted) this._runInPage();
    }, this.options.workerTimeout);
  }

  /** The Hub in this page: each tab has its own connections, as without SharedWorker. */
  _runInPage() {
    if (this._mode === 'page') return;
    this._clearHelloTimer();
    this._stopWatchdog();
    if (this._port) {
      this._post({ op: 'bye' }); // a worker that started late lets go of what we asked it for
      this._port.onmessage = null;
      this._port.close?.();
    }
    this._worker = null;
    const hub = new Hub(this._env.hub ?? {});
    const { port1, port2 } = new this._MessageChannel();
    hub.connect(port1);
    this._use(port2, 'page');
  }

  _use(port, mode) {
    this._port = port;
    this._greeted = false;
    this._mode = mode === 'page' ? 'page' : 'starting';
    port.onmessage = (event) => {
      if (this._port === port) this._received(event.data);
    };
    this._hello();
  }

  /** Hello, and every channel of this tab with what the Hub needs to take it over. */
  _hello() {
    const options = {};
    for (const name of CONNECTION_OPTIONS) if (this.options[name] !== undefined) options[name] = this.options[name];
    options.base = httpBase(this.options.base).href;
    this._post({ op: 'hello', identity: this._identity, options, hasToken: Boolean(this.options.token) });
    for (const channel of this._channels.values()) this._post(channel._attachMessage());
  }

  _received(message) {
    if (!message || typeof message !== 'object') return;
    switch (message.kind) {
      case 'hello':
        this._greeted = true;
        this._lastPing = this._now();
        this._clearHelloTimer();
        if (this._worker) {
          this._mode = 'worker';
          this._startWatchdog();
        }
        break;
      case 'ping':
        this._lastPing = this._now();
        this._post({ op: 'pong' });
        break;
      case 'event':
        this._channels.get(message.ch)?._apply(message);
        break;
      case 'reply':
        this._channels.get(message.ch)?._reply(message);
        break;
      case 'token':
        this._giveToken(message.id);
        break;
      case 'dropped':
        // The Hub took us for gone (a frozen tab, a slow machine): start over.
        if (!this._gone) this._hello();
        break;
      case 'refused':
        this._runInPage();
        break;
      default:
        break;
    }
  }

  async _giveToken(id) {
    try {
      const token = await resolveToken(this.options.token);
      this._post({ op: 'token', id, token });
    } catch (error) {
      this._post({ op: 'token', id, error: String(error?.message ?? error) });
    }
  }

  /** A worker that stops pinging was killed (or hangs): a new one, and everything asked again. */
  _startWatchdog() {
    this._stopWatchdog();
    const check = () => {
      this._watchdog = null;
      if (this._mode !== 'worker') return;
      if (!this._gone && this._now() - this._lastPing > this.options.workerDeadAfter) {
        this._port.onmessage = null;
        this._port.close?.();
        this._port = null;
        this._greeted = false;
        this._startWorker();
        return;
      }
      this._watchdog = this._setTimeout(check, this.options.workerDeadAfter / 2);
    };
    this._watchdog = this._setTimeout(check, this.options.workerDeadAfter / 2);
  }

  _stopWatchdog() {
    if (this._watchdog !== null) {
      this._clearTimeout(this._watchdog);
      this._watchdog = null;
    }
  }

  _clearHelloTimer() {
    if (this._helloTimer !== null) {
      this._clearTimeout(this._helloTimer);
      this._helloTimer = null;
    }
  }

  /** The page tells the worker when it goes (pagehide), comes back (pageshow) and wakes up. */
  _listen() {
    this._window?.addEventListener?.('pagehide', () => {
      this._gone = true;
      this._post({ op: 'bye' });
    });
    this._window?.addEventListener?.('pageshow', (event) => {
      if (!this._gone || !event.persisted) return;
      this._gone = false; // back from the back/forward cache
      this._lastPing = this._now();
      this._hello();
    });
    this._window?.addEventListener?.('online', () => this._post({ op: 'wake' }));
    this._document?.addEventListener?.('visibilitychange', () => {
      if (this._document.visibilityState === 'visible') this._post({ op: 'wake' });
    });
  }
}

/** What SharedChatRoom and SharedNotifications share: state, events from the Hub, close. */
class SharedChannel extends Emitter {
  constructor(client, options, ch) {
    super();
    this.client = client;
    this.options = options;
    this.ch = ch;
    this.user = undefined;
    this._state = State.CONNECTING; // already connecting, as a ChatRoom from createClient is
    this._transport = 'websocket';
    this._closed = false;
    this._frames = false;
  }

  get state() {
    return this._state;
  }

  get transport() {
    return this._transport;
  }

  connect() {
    if (this._closed) {
      this._closed = false;
      this.client._add(this);
    }
    return this;
  }

  close() {
    if (this._closed) return this;
    this._closed = true;
    this.client._remove(this);
    this._closedHere();
    this.emit('close', { code: 1000, reason: 'bye', wasClean: true, willReconnect: false, delay: 0 });
    this._setState(State.DISCONNECTED, 0, this._transport);
    return this;
  }

  addEventListener(type, listener, options) {
    if (type === 'frame' && !this._frames) {
      this._frames = true; // frames cross the port only for tabs that listen to them
      this.client._post({ op: 'frames', ch: this.ch, on: true });
    }
    super.addEventListener(type, listener, options);
  }

  _apply({ type, detail, props }) {
    if (this._closed) return;
    if (props) {
      this.user = props.user ?? this.user;
      this._props(props);
    }
    if (type === 'state') {
      this._setState(detail.state, detail.attempt ?? 0, detail.transport ?? this._transport);
      return;
    }
    if (this._event(type, detail) === false) return; // a repeat, after the tab attached again
    this.emit(type, detail);
  }

  _setState(state, attempt, transport) {
    if (state === this._state && transport === this._transport) return;
    this._state = state;
    this._transport = transport;
    this.emit('state', { state, attempt, transport });
  }

  _closedHere() {}
}

export class SharedChatRoom extends SharedChannel {
  constructor(client, room, options, ch) {
    if (!isRoomName(room)) throw new TypeError(`invalid room name: ${room}`);
    super(client, { ...CHAT_DEFAULTS, ...options }, ch);
    this.room = room;
    this.members = new Set();
    this.count = 0;
    this.position = new LogPosition();
    this.reads = new ReadMarks();
    this._pending = new Map(); // ref -> text, until acknowledged: said again to a new worker
    this._unsent = new Set(); // refs the server answered `unavailable`: the worker retries them
    this._histories = new Map(); // id -> {resolve, reject, timer}
    this._readAsked = 0;
    this._lastTyping = -Infinity;
    this._now = options.now ?? (() => Date.now());
  }

  get pending() {
    return [...this._pending.keys()];
  }

  /** Refs of pending says the server answered `unavailable` (not yet stored), oldest first. */
  get unsent() {
    return [...this._pending.keys()].filter((ref) => this._unsent.has(ref));
  }

  say(text, { ref = newRef('say') } = {}) {
    checkText(text);
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_REF_LENGTH) throw new RangeError('invalid ref');
    if (this._pending.has(ref)) return ref;
    if (this._pending.size >= this.options.maxPending) return null;
    this._pending.set(ref, text);
    this._lastTyping = -Infinity;
    this.client._post({ op: 'say', ch: this.ch, ref, text });
    return ref;
  }

  typing() {
    const now = this._now();
    if (this._state !== State.CONNECTED || now - this._lastTyping < this.options.typingInterval) return false;
    this._lastTyping = now;
    return this.client._post({ op: 'typing', ch: this.ch });
  }

  read(seq) {
    if (!Number.isInteger(seq) || seq < 0) throw new RangeError('seq must be a non-negative integer');
    if (seq <= this._readAsked) return;
    this._readAsked = seq; // the worker coalesces; this only spares the port
    this.client._post({ op: 'read', ch: this.ch, seq });
  }

  seenBy(seq) {
    return this.reads.seenBy(seq);
  }

  history({ before, limit } = {}) {
    return new Promise((resolve, reject) => {
      if (this._state !== State.CONNECTED) {
        reject(new Error('not connected'));
        return;
      }
      const id = newRef('hist');
      const timer = this.client._setTimeout(() => {
        this._histories.delete(id);
        reject(new Error('history timed out'));
      }, this.options.historyTimeout + 1000);
      this._histories.set(id, { resolve, reject, timer });
      if (!this.client._post({ op: 'history', ch: this.ch, id, before, limit })) {
        this._settle(id, { error: { message: 'not connected' } });
      }
    });
  }

  _attachMessage() {
    return {
      op: 'attach',
      ch: this.ch,
      kind: 'room',
      room: this.room,
      pending: [...this._pending].map(([ref, text]) => ({ ref, text })),
      read: this._readAsked,
      frames: this._frames,
    };
  }

  _props(props) {
    if (Number.isInteger(props.count)) this.count = props.count;
  }

  _event(type, detail) {
    switch (type) {
      case 'welcome': {
        // No catch-up to detail.seq here: the welcome's messages follow as message events.
        const epochChanged = this.position.adopt(detail.epoch);
        if (epochChanged) this._readAsked = 0;
        this.members = new Set(detail.members ?? []);
        this.count = detail.count ?? this.count;
        this.reads.adopt(detail.reads, epochChanged);
        break;
      }
      case 'message':
        return this.position.accept(detail.seq, { allowGap: true }) === 'new';
      case 'presence':
        if (detail.event === 'join') this.members.add(detail.user);
        else if (detail.event === 'leave') this.members.delete(detail.user);
        this.count = detail.count;
        break;
      case 'receipt':
        this.reads.apply(detail.user, detail.readUpTo);
        break;
      case 'ack':
        this._pending.delete(detail.ref);
        this._unsent.delete(detail.ref);
        break;
      case 'unsent':
        if (this._pending.has(detail.ref)) this._unsent.add(detail.ref);
        break;
      case 'error':
        if (detail.ref !== undefined && detail.code !== 'rate_limited') {
          this._pending.delete(detail.ref);
          this._unsent.delete(detail.ref);
        }
        break;
      default:
        break;
    }
  }

  _reply({ id, value, error }) {
    this._settle(id, { value, error });
  }

  _settle(id, { value, error }) {
    const waiting = this._histories.get(id);
    if (!waiting) return;
    this._histories.delete(id);
    this.client._clearTimeout(waiting.timer);
    if (error) {
      waiting.reject(Object.assign(new Error(error.message), { code: error.code }));
    } else {
      waiting.resolve(value);
      this.emit('history', value);
    }
  }

  _closedHere() {
    for (const id of [...this._histories.keys()]) this._settle(id, { error: { message: 'connection closed' } });
  }
}

export class SharedNotifications extends SharedChannel {
  constructor(client, options, ch) {
    super(client, options, ch);
    this.inbox = new LogPosition();
    this.topics = new Map(); // topic -> LogPosition
    this.unread = 0;
    this.readUpTo = 0;
    this._readAsked = 0;
  }

  subscribe(topic) {
    if (!isTopicName(topic)) throw new TypeError(`invalid topic name: ${topic}`);
    if (this.topics.has(topic)) return;
    this.topics.set(topic, new LogPosition());
    this.client._post({ op: 'subscribe', ch: this.ch, topic });
  }

  unsubscribe(topic) {
    if (!this.topics.delete(topic)) return;
    this.client._post({ op: 'unsubscribe', ch: this.ch, topic });
  }

  read(seq) {
    if (!Number.isInteger(seq) || seq < 0) throw new RangeError('seq must be a non-negative integer');
    this._readAsked = Math.max(this._readAsked, seq);
    this.client._post({ op: 'read', ch: this.ch, seq });
  }

  markAllRead() {
    this.client._post({ op: 'markAllRead', ch: this.ch });
  }

  _attachMessage() {
    return {
      op: 'attach',
      ch: this.ch,
      kind: 'notifications',
      topics: [...this.topics.keys()],
      read: this._readAsked > this.readUpTo ? this._readAsked : 0,
      frames: this._frames,
    };
  }

  _props(props) {
    if (Number.isInteger(props.unread)) this.unread = props.unread;
    if (Number.isInteger(props.readUpTo)) this.readUpTo = props.readUpTo;
  }

  _event(type, detail) {
    switch (type) {
      case 'welcome':
        if (this.inbox.adopt(detail.epoch)) this.readUpTo = 0;
        break;
      case 'notification': {
        const position = detail.topic ? this.topics.get(detail.topic) : this.inbox;
        if (!position) return false; // unsubscribed meanwhile
        return position.accept(detail.seq, { allowGap: true }) === 'new';
      }
      case 'subscribed': {
        const position = this.topics.get(detail.topic);
        if (position && detail.epoch !== undefined) position.adopt(detail.epoch); // its items follow as events
        break;
      }
      case 'unread':
        this.unread = detail.count;
        this.readUpTo = Math.max(this.readUpTo, detail.readUpTo ?? 0);
        break;
      default:
        break;
    }
  }
}
