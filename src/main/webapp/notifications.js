// The notification stream (contract 3.2) on top of Socket: the user's inbox, topic
// subscriptions that survive reconnects, and the unread count. Where WebSockets keep failing to
// open while HTTP works, it moves to the event stream of contract section 12 by itself, and tries
// the WebSocket again every `websocketRetry` ms.
//
// Events, besides Socket's open / error / close:
//   state         {state, attempt, transport}   'connected' only once the welcome arrived;
//                 transport 'websocket' or 'eventsource'
//   welcome       the welcome frame, plus `resumed`
//   recovery      {recovered, epochChanged, topic?}   after a resume of the inbox or a topic
//   notification  a notification, each (inbox or topic, seq) once
//   unread        {count, readUpTo}   the inbox's unread count
//   subscribed    the subscribed frame;  unsubscribed {topic}
//   error         {source: 'socket' | 'eventsource' | 'http'} or {source: 'server', code, message, ref}
//   frame         every server frame, as received

import { ResumingChannel } from './channel.js';
import { EventStream } from './event-stream.js';
import { LogPosition, resolveToken } from './resume.js';
import { frames, httpBase, isTopicName, newRef, notificationsPath } from './protocol.js';
import { State } from './socket.js';

export const NOTIFICATIONS_DEFAULTS = Object.freeze({
  fallback: true, // move to the event stream when WebSockets keep failing to open
  fallbackAfter: 3, // WebSocket attempts in a row that never opened before HTTP is probed
  websocketRetry: 300000, // ms on the event stream between two tries of the WebSocket
  probeTimeout: 5000, // ms for the probe GET BASE/health/live
});

export const Transport = Object.freeze({ WEBSOCKET: 'websocket', EVENTSOURCE: 'eventsource' });

export class Notifications extends ResumingChannel {
  /** @param {object} options  base, user or token, NOTIFICATIONS_DEFAULTS, and any Socket option */
  constructor(options = {}) {
    super(notificationsPath(), { ...NOTIFICATIONS_DEFAULTS, ...options });
    this.inbox = new LogPosition();
    this.topics = new Map(); // topic -> LogPosition, for every topic the application subscribed
    this.unread = 0;
    this.readUpTo = 0;
    this.user = undefined;
    this._pendingRead = 0; // a read asked for while disconnected
    this._resumedTopics = new Set();
    this._EventSource = options.EventSource ?? globalThis.EventSource;
    this._fetch = options.fetch ?? (typeof globalThis.fetch === 'function' ? (...args) => globalThis.fetch(...args) : undefined);
    this._setTimeout = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = options.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    this._now = options.now ?? (() => Date.now());
    // The fallback (contract section 12). All of it is guarded by the one thread the client runs on.
    this._transport = Transport.WEBSOCKET;
    this._stream = null; // the EventStream while on the fallback
    this._streamTopics = []; // the topics in the current stream's address
    this._streamSeq = 0; // the inbox seq in the stream's welcome: items up to it are in its unread count
    this._opened = false; // the current WebSocket attempt reached open
    this._failedOpens = 0; // WebSocket attempts in a row that never opened
    this._probing = false;
    this._streamNotBefore = -Infinity; // after a 404 from the stream: no fallback before this time
    this._trial = false; // on the fallback, a single WebSocket attempt is under way
    this._wsRetryTimer = null;
    this._maxRetries = this.socket.options.maxRetries;
    this._readPosting = false;
    this._restartQueued = false;
    this._closedByApp = false;
  }

  get transport() {
    return this._transport;
  }

  connect() {
    this._closedByApp = false;
    if (this._transport === Transport.EVENTSOURCE && this._stream) {
      this._stream.connect();
      this._scheduleWebSocketTry();
    } else {
      super.connect();
    }
    return this;
  }

  close() {
    this._closedByApp = true;
    this._clearWebSocketTry();
    this._endTrial();
    this._stream?.close(1000, 'bye');
    return super.close();
  }

  /** Subscribes to a topic, now and after every reconnect, resuming where it left off. */
  subscribe(topic) {
    if (!isTopicName(topic)) throw new TypeError(`invalid topic name: ${topic}`);
    if (this.topics.has(topic)) return;
    this.topics.set(topic, new LogPosition());
    if (this._transport === Transport.EVENTSOURCE) this._restartStreamSoon();
    else if (this._welcomed) this._sendSubscribe(topic);
  }

  unsubscribe(topic) {
    if (!this.topics.delete(topic)) return;
    if (this._transport === Transport.EVENTSOURCE) {
      this._restartStreamSoon();
      this.emit('unsubscribed', { topic });
    } else if (this._welcomed) {
      this.socket.send(frames.unsubscribe(topic, newRef('unsub')), { queue: false });
    }
  }

  /** Marks the inbox read up to `seq`; every tab of this user gets the new unread count. */
  read(seq) {
    if (!Number.isInteger(seq) || seq < 0) throw new RangeError('seq must be a non-negative integer');
    this._pendingRead = Math.max(this._pendingRead, seq);
    if (this._welcomed) this._sendRead();
  }

  /** Marks everything in the inbox read. */
  markAllRead() {
    this.read(this.inbox.seq);
  }

  // --- the WebSocket ---

  _resumeFrom() {
    return this.inbox.resumeFrom();
  }

  _transportState() {
    if (this._transport === Transport.EVENTSOURCE) return this._stream?.state ?? State.CONNECTING;
    return this.socket.state;
  }

  _transportAttempt() {
    return this._transport === Transport.EVENTSOURCE ? (this._stream?.attempt ?? 0) : this.socket.attempt;
  }

  _socketOpened(detail) {
    this._opened = true;
    this._failedOpens = 0;
    if (this._transport === Transport.WEBSOCKET) this.emit('open', detail);
  }

  _socketError(detail) {
    if (this._transport === Transport.WEBSOCKET) this.emit('error', detail);
  }

  _closed(detail) {
    const neverOpened = !this._opened;
    this._opened = false;
    if (this._transport !== Transport.WEBSOCKET) {
      // On the fallback only a trial uses the socket; it gets one attempt (maxRetries 0).
      if (this._trial && !detail.willReconnect) {
        this._endTrial();
        this._scheduleWebSocketTry();
      }
      return;
    }
    this._welcomed = false;
    this.emit('close', detail);
    if (neverOpened && detail.willReconnect) {
      this._failedOpens += 1;
      if (this._failedOpens >= this.options.fallbackAfter) this._maybeFallBack();
    }
  }

  _received(frame) {
    if (this._transport === Transport.EVENTSOURCE) {
      if (!this._trial || frame.type !== 'welcome') return;
      this._backToWebSocket(); // the trial reached its welcome: the WebSocket works again
    }
    this._handle(frame, Transport.WEBSOCKET);
  }

  // --- the fallback ---

  _maybeFallBack() {
    if (!this.options.fallback || this._probing || this._closedByApp) return;
    if (typeof this._EventSource !== 'function' || typeof this._fetch !== 'function') return;
    if (this._now() < this._streamNotBefore) return;
    this._probing = true;
    this._httpWorks().then((works) => {
      this._probing = false;
      if (this._closedByApp || this._transport !== Transport.WEBSOCKET) return;
      if (!works) {
        this._failedOpens = 0; // probe again after as many failures
        return;
      }
      if (this._failedOpens >= this.options.fallbackAfter) this._useStream();
    });
  }

  /** Whether the server answers HTTP: GET BASE/health/live (BASE/health on a 1.0 server). */
  async _httpWorks() {
    const get = async (path) => {
      const abort = typeof AbortController === 'function' ? new AbortController() : null;
      const timer = this._setTimeout(() => abort?.abort(), this.options.probeTimeout);
      try {
        return await this._fetch(new URL(path, httpBase(this.options.base)).href, { signal: abort?.signal, cache: 'no-store' });
      } finally {
        this._clearTimeout(timer);
      }
    };
    try {
      let response = await get('health/live');
      if (response.status === 404) response = await get('health');
      return response.ok;
    } catch {
      return false;
    }
  }

  _useStream() {
    this._transport = Transport.EVENTSOURCE;
    this._welcomed = false;
    this._failedOpens = 0;
    this.socket.close(1000, 'moving to the event stream');
    const stream = new EventStream({
      ...this.options,
      url: () => this._streamUrl(),
      freshTokens: typeof this.options.token === 'function',
      EventSource: this._EventSource,
      fetch: this._fetch,
      setTimeout: this._setTimeout,
      clearTimeout: this._clearTimeout,
    });
    this._stream = stream;
    stream.on('open', (detail) => stream === this._stream && this.emit('open', { ...detail, transport: Transport.EVENTSOURCE }));
    stream.on('error', (detail) => stream === this._stream && this.emit('error', detail));
    stream.on('close', (detail) => stream === this._stream && this._streamClosed(detail));
    stream.on('state', () => stream === this._stream && this._updateState());
    stream.on('message', (frame) => stream === this._stream && this._handle(frame, Transport.EVENTSOURCE));
    this._updateState();
    stream.connect();
    this._scheduleWebSocketTry();
  }

  async _streamUrl() {
    const token = await resolveToken(this.options.token);
    const url = new URL('api/notifications/stream', httpBase(this.options.base));
    if (token) url.searchParams.set('access_token', token);
    else if (this.options.user) url.searchParams.set('user', this.options.user);
    this._streamTopics = [...this.topics.keys()];
    // Topic names need no escaping (contract section 1), and the contract writes the list with commas.
    if (this._streamTopics.length) url.search += `${url.search ? '&' : '?'}topics=${this._streamTopics.join(',')}`;
    return url.href;
  }

  _streamClosed(detail) {
    this._welcomed = false;
    this.emit('close', { ...detail, transport: Transport.EVENTSOURCE });
    if (detail.willReconnect || this._closedByApp) return;
    if (detail.status === 404) {
      // This server has no event stream: WebSockets are all there is.
      this._streamNotBefore = this._now() + this.options.websocketRetry;
      this._backToWebSocket();
      this.socket.connect();
    } else {
      this._clearWebSocketTry(); // refused for good (4500 …): as a WebSocket would be
    }
  }

  _backToWebSocket() {
    const stream = this._stream;
    this._stream = null;
    this._transport = Transport.WEBSOCKET;
    this._welcomed = false;
    this._failedOpens = 0;
    this._clearWebSocketTry();
    this._endTrial();
    stream?.close(1000, 'back to the WebSocket');
    this._updateState();
  }

  _scheduleWebSocketTry() {
    this._clearWebSocketTry();
    if (!(this.options.websocketRetry > 0) || this._closedByApp) return;
    this._wsRetryTimer = this._setTimeout(() => {
      this._wsRetryTimer = null;
      if (this._transport !== Transport.EVENTSOURCE || this._closedByApp || this._trial) return;
      this._trial = true;
      this.socket.options.maxRetries = 0; // one attempt; its close ends the trial
      this.socket.connect();
    }, this.options.websocketRetry);
  }

  _clearWebSocketTry() {
    if (this._wsRetryTimer !== null) {
      this._clearTimeout(this._wsRetryTimer);
      this._wsRetryTimer = null;
    }
  }

  _endTrial() {
    this._trial = false;
    this.socket.options.maxRetries = this._maxRetries;
  }

  /** A new address for new topics; several changes in a row make one new stream. */
  _restartStreamSoon() {
    if (this._restartQueued) return;
    this._restartQueued = true;
    Promise.resolve().then(() => {
      this._restartQueued = false;
      if (this._transport === Transport.EVENTSOURCE && this._stream) {
        this._welcomed = false;
        this._stream.restart();
      }
    });
  }

  // --- frames, from either transport ---

  _handle(frame, via) {
    this.emit('frame', frame);
    switch (frame.type) {
      case 'welcome':
        if (via === Transport.EVENTSOURCE) this._streamWelcome(frame);
        else this._welcome(frame);
        break;
      case 'notification':
        this._notification(frame, via);
        break;
      case 'subscribed':
        this._subscribed(frame);
        break;
      case 'unsubscribed':
        this.emit('unsubscribed', { topic: frame.topic });
        break;
      case 'unread':
        this.unread = frame.count;
        this.readUpTo = Math.max(this.readUpTo, frame.readUpTo ?? 0);
        this.emit('unread', { count: this.unread, readUpTo: this.readUpTo });
        break;
      case 'error':
        this.emit('error', { source: 'server', code: frame.code, message: frame.message, ref: frame.ref });
        break;
      default:
        break;
    }
  }

  _sendSubscribe(topic) {
    const from = this.topics.get(topic).resumeFrom();
    if (from.epoch !== undefined) this._resumedTopics.add(topic);
    else this._resumedTopics.delete(topic);
    this.socket.send(frames.subscribe(topic, from.since, from.epoch, newRef('sub')), { queue: false });
  }

  _sendRead() {
    if (this._transport === Transport.EVENTSOURCE) {
      this._postRead();
      return;
    }
    if (this.socket.send(frames.read(this._pendingRead, newRef('read')), { queue: false })) this._pendingRead = 0;
  }

  /** POST BASE/api/notifications/read {seq}: the read frame of the event stream. One at a time. */
  async _postRead() {
    if (this._readPosting || this._pendingRead <= 0) return;
    const seq = this._pendingRead;
    this._pendingRead = 0;
    this._readPosting = true;
    let again = false;
    try {
      const token = await resolveToken(this.options.token);
      const url = new URL('api/notifications/read', httpBase(this.options.base));
      const headers = { 'Content-Type': 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      else if (this.options.user) url.searchParams.set('user', this.options.user);
      const response = await this._fetch(url.href, { method: 'POST', headers, body: JSON.stringify({ seq }) });
      if (response.ok) {
        const body = await response.json();
        if (this._transport === Transport.EVENTSOURCE && Number.isInteger(body?.count)) {
          this._handle({ type: 'unread', count: body.count, readUpTo: body.readUpTo }, Transport.EVENTSOURCE);
        }
        again = true;
      } else {
        // 429 and 5xx may pass; anything else will not get better by sending it again.
        if (response.status === 429 || response.status >= 500) this._pendingRead = Math.max(this._pendingRead, seq);
        this.emit('error', { source: 'http', code: response.status, message: `marking read failed: HTTP ${response.status}` });
      }
    } catch (error) {
      this._pendingRead = Math.max(this._pendingRead, seq); // sent again after the next welcome
      this.emit('error', { source: 'http', message: `marking read failed: ${error?.message ?? error}` });
    } finally {
      this._readPosting = false;
    }
    if (again && this._pendingRead > 0 && this._welcomed) this._sendRead();
  }

  _welcome(frame) {
    const epochChanged = this.inbox.adopt(frame.epoch);
    if (epochChanged) this.readUpTo = 0;
    this.user = frame.user;
    this.emit('welcome', { ...frame, resumed: this._resumed });
    if (this._resumed) this.emit('recovery', { recovered: frame.recovered === true, epochChanged });
    for (const item of frame.notifications ?? []) {
      if (this.inbox.accept(item.seq, { allowGap: true }) === 'new') this.emit('notification', item);
    }
    this.inbox.catchUp(frame.seq);
    this.unread = frame.unread ?? 0;
    this.emit('unread', { count: this.unread, readUpTo: this.readUpTo });
    this._welcomed = true;
    this._updateState();
    for (const topic of this.topics.keys()) this._sendSubscribe(topic);
    if (this._pendingRead > 0) this._sendRead();
  }

  /**
   * The stream's welcome comes without notifications: the recovered (or latest) ones follow as
   * events, so the position does not catch up here. It says `recovered` when the browser sent
   * Last-Event-ID.
   */
  _streamWelcome(frame) {
    const epochChanged = this.inbox.adopt(frame.epoch);
    if (epochChanged) this.readUpTo = 0;
    this.user = frame.user;
    const resumed = frame.recovered !== undefined;
    this.emit('welcome', { ...frame, resumed, transport: Transport.EVENTSOURCE });
    if (resumed) this.emit('recovery', { recovered: frame.recovered === true, epochChanged });
    this._streamSeq = Number.isInteger(frame.seq) ? frame.seq : 0;
    this.unread = frame.unread ?? 0;
    this.emit('unread', { count: this.unread, readUpTo: this.readUpTo });
    this._welcomed = true;
    this._updateState();
    for (const topic of this._streamTopics) {
      if (this.topics.has(topic)) this.emit('subscribed', { type: 'subscribed', topic, transport: Transport.EVENTSOURCE });
    }
    if (this._pendingRead > 0) this._sendRead();
  }

  _notification(frame, via) {
    if (!this._welcomed) return;
    const stream = via === Transport.EVENTSOURCE;
    if (frame.topic === undefined || frame.topic === null) {
      // On the stream a gap cannot be filled by reconnecting: the browser's Last-Event-ID does that.
      const verdict = this.inbox.accept(frame.seq, { allowGap: stream });
      if (verdict === 'gap') {
        this.socket.reconnect('gap in seq');
        return;
      }
      if (verdict !== 'new') return;
      if (frame.seq > this.readUpTo && !(stream && frame.seq <= this._streamSeq)) {
        this.unread += 1;
        this.emit('unread', { count: this.unread, readUpTo: this.readUpTo });
      }
      this.emit('notification', frame);
      return;
    }
    const position = this.topics.get(frame.topic);
    if (!position) return; // unsubscribed meanwhile
    if (position.accept(frame.seq, { allowGap: true }) === 'new') this.emit('notification', frame);
  }

  _subscribed(frame) {
    const position = this.topics.get(frame.topic);
    if (!position) return;
    // Items seen on the event stream have a seq but no epoch: keep that seq in the epoch now named.
    const seenOnStream = position.epoch === undefined ? position.seq : 0;
    const epochChanged = position.adopt(frame.epoch);
    if (seenOnStream > 0) position.seq = seenOnStream;
    this.emit('subscribed', frame);
    if (this._resumedTopics.has(frame.topic)) {
      this.emit('recovery', { topic: frame.topic, recovered: frame.recovered === true, epochChanged });
    }
    for (const item of frame.notifications ?? []) {
      if (position.accept(item.seq, { allowGap: true }) === 'new') this.emit('notification', { ...item, topic: frame.topic });
    }
    position.catchUp(frame.seq);
  }
}
