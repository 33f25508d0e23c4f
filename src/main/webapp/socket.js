// One logical connection that stays up: a WebSocket that is replaced whenever it closes, with
// full-jitter exponential backoff, the contract's close-code policy, a bounded send queue, an
// application-level ping to find dead connections, and the browser's online/visibility hints.
//
// Events (each carries `detail`):
//   state    {state, previous, attempt}   'disconnected' | 'connecting' | 'connected'
//   open     {url}                        a WebSocket opened
//   message  frame                        a parsed server frame (the WebSocket `message` event)
//   error    {source: 'socket'}           the WebSocket reported an error (a close follows)
//   close    {code, reason, wasClean, willReconnect, delay}

import { mayReconnect } from './close-codes.js';
import { encodeFrame, frames, parseFrame } from './protocol.js';
import { Emitter } from './emitter.js';

export const State = Object.freeze({
  DISCONNECTED: 'disconnected',
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
});

export const DEFAULTS = Object.freeze({
  minDelay: 500, // backoff base, ms: the first retry waits up to this long
  maxDelay: 30000, // backoff cap, ms
  maxRetries: Infinity, // consecutive failed attempts before giving up
  stableAfter: 5000, // ms a connection must stay open before the backoff starts over
  connectTimeout: 10000, // ms for the handshake
  pingInterval: 20000, // ms between application pings; the server's idle limit is 60 s
  pongTimeout: 10000, // ms without any frame after a ping before the connection counts as dead
  maxQueue: 100, // frames kept while disconnected
});

const HEARTBEAT = 'hb';
// RFC 6455 7.4.1: 1006 is never sent on the wire; we report it for connections we gave up on.
const ABNORMAL = 1006;

export class Socket extends Emitter {
  /**
   * @param {object} options
   * @param {() => string|Promise<string>} options.url  called before every attempt, so the
   *   address can carry a fresh token and the latest resume position
   * Other options: see DEFAULTS, plus WebSocket, setTimeout, clearTimeout, random, window,
   * document (all default to the browser's own; tests pass fakes).
   */
  constructor(options) {
    super();
    if (typeof options?.url !== 'function') throw new TypeError('options.url must be a function');
    this.options = { ...DEFAULTS, ...options };
    this._WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this._setTimeout = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = options.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    this._random = options.random ?? Math.random;
    this._window = options.window ?? (typeof window === 'undefined' ? null : window);
    this._document = options.document ?? (typeof document === 'undefined' ? null : document);

    this._state = State.DISCONNECTED;
    this._ws = null; // the current WebSocket; every handler checks it is still this one
    this._wanted = false; // the application asked for a connection and has not closed it
    this._attempt = 0; // consecutive attempts without a stable connection
    this._generation = 0; // bumped on every attempt, so a late url() answer is ignored
    this._queue = [];
    this._timers = { retry: null, connect: null, stable: null, ping: null, pong: null };
    this._heartbeats = 0;
    this._listening = false;
    this._onOnline = () => this._wake();
    this._onOffline = () => this.checkAlive();
    this._onVisibility = () => {
      if (this._document?.visibilityState === 'visible') this.wake();
    };
  }

  get state() {
    return this._state;
  }

  /** Consecutive failed attempts; 0 once a connection has been stable. */
  get attempt() {
    return this._attempt;
  }

  get queued() {
    return this._queue.length;
  }

  /** Starts connecting (and keeps reconnecting) until close(). Returns this. */
  connect() {
    this._wanted = true;
    this._listen(true);
    if (this._state === State.DISCONNECTED) this._open();
    return this;
  }

  /** Closes for good: no reconnect, the queue is dropped. */
  close(code = 1000, reason = '') {
    this._wanted = false;
    this._listen(false);
    this._queue = [];
    this._clear('retry');
    const ws = this._ws;
    if (ws) {
      this._detach(ws);
      try {
        ws.close(code, reason);
      } catch {
        // already closing
      }
      this.emit('close', { code, reason, wasClean: true, willReconnect: false, delay: 0 });
    }
    this._setState(State.DISCONNECTED);
  }

  /** Drops the current connection and opens a new one now (used to recover after a gap). */
  reconnect(reason = 'client reconnect') {
    if (!this._wanted) return;
    if (this._ws) this._drop(reason, { immediate: true });
    else this._wake();
  }

  /**
   * Sends a frame (an object). While not connected it is queued, up to maxQueue frames, unless
   * `queue` is false. Returns whether the frame was sent or queued; it never throws.
   */
  send(frame, { queue = true } = {}) {
    if (this._state === State.CONNECTED && this._ws) {
      try {
        this._ws.send(encodeFrame(frame));
        return true;
      } catch {
        return false;
      }
    }
    if (!queue || !this._wanted || this._queue.length >= this.options.maxQueue) return false;
    this._queue.push(frame);
    return true;
  }

  /**
   * The page became visible or the network came back (a shared worker hears it from its tabs):
   * reconnects now if waiting for a retry, and checks a connection that looks open.
   */
  wake() {
    this._wake();
    this.checkAlive();
  }

  /** Sends a ping now and drops the connection if nothing comes back within pongTimeout. */
  checkAlive() {
    if (this._state !== State.CONNECTED || this._timers.pong) return;
    this._heartbeats += 1;
    this.send(frames.ping(`${HEARTBEAT}-${this._heartbeats}`), { queue: false });
    this._timers.pong = this._setTimeout(() => {
      this._timers.pong = null;
      this._drop('ping timeout');
    }, this.options.pongTimeout);
  }

  // --- internals ---

  async _open() {
    this._clear('retry');
    const generation = ++this._generation;
    this._setState(State.CONNECTING);
    let url;
    try {
      url = await this.options.url();
    } catch (error) {
      if (generation !== this._generation || !this._wanted) return;
      this.emit('error', { source: 'url', error });
      this._retry(ABNORMAL, 'no address', false);
      return;
    }
    if (generation !== this._generation || !this._wanted) return;
    let ws;
    try {
      ws = new this._WebSocket(url);
    } catch (error) {
      // A malformed address will not get better by trying again.
      this.emit('error', { source: 'socket', error });
      this._wanted = false;
      this._listen(false);
      this.emit('close', { code: ABNORMAL, reason: String(error?.message ?? error), wasClean: false, willReconnect: false, delay: 0 });
      this._setState(State.DISCONNECTED);
      return;
    }
    this._ws = ws;
    ws.onopen = () => this._opened(ws, url);
    ws.onmessage = (event) => this._received(ws, event);
    ws.onerror = () => {
      if (ws === this._ws) this.emit('error', { source: 'socket' });
    };
    ws.onclose = (event) => this._closed(ws, event.code, event.reason, event.wasClean);
    this._timers.connect = this._setTimeout(() => {
      this._timers.connect = null;
      if (ws === this._ws && this._state === State.CONNECTING) this._drop('connect timeout');
    }, this.options.connectTimeout);
  }

  _opened(ws, url) {
    if (ws !== this._ws) return;
    this._clear('connect');
    this._setState(State.CONNECTED);
    this._timers.stable = this._setTimeout(() => {
      this._timers.stable = null;
      this._attempt = 0;
    }, this.options.stableAfter);
    this._schedulePing();
    this.emit('open', { url });
    const queued = this._queue;
    this._queue = [];
    for (const frame of queued) this.send(frame);
  }

  _received(ws, event) {
    if (ws !== this._ws) return;
    // Any frame proves the connection is alive.
    this._clear('pong');
    this._schedulePing();
    const frame = parseFrame(event.data);
    if (!frame) return;
    if (frame.type === 'pong' && typeof frame.ref === 'string' && frame.ref.startsWith(`${HEARTBEAT}-`)) return;
    this.emit('message', frame);
  }

  _closed(ws, code, reason, wasClean) {
    if (ws !== this._ws) return;
    this._detach(ws);
    this._retry(code, reason, wasClean);
  }

  _retry(code, reason, wasClean, { immediate = false } = {}) {
    const willReconnect = this._wanted && mayReconnect(code) && this._attempt < this.options.maxRetries;
    if (!willReconnect) {
      this._wanted = false;
      this._listen(false);
      this._queue = [];
      this.emit('close', { code, reason, wasClean, willReconnect: false, delay: 0 });
      this._setState(State.DISCONNECTED);
      return;
    }
    const delay = immediate ? 0 : this._backoff();
    this._attempt += 1;
    this.emit('close', { code, reason, wasClean, willReconnect: true, delay });
    this._setState(State.CONNECTING);
    if (immediate) {
      this._open();
      return;
    }
    this._timers.retry = this._setTimeout(() => {
      this._timers.retry = null;
      this._open();
    }, delay);
  }

  /** Full jitter: a uniform delay between 0 and min(maxDelay, minDelay * 2^attempt). */
  _backoff() {
    const { minDelay, maxDelay } = this.options;
    const ceiling = Math.min(maxDelay, minDelay * 2 ** Math.min(this._attempt, 30));
    return Math.floor(this._random() * ceiling);
  }

  /** Gives up on the current WebSocket without waiting for its close handshake. */
  _drop(reason, { immediate = false } = {}) {
    const ws = this._ws;
    if (!ws) return;
    this._detach(ws);
    try {
      ws.close(4000, reason);
    } catch {
      // already closed
    }
    this._retry(ABNORMAL, reason, false, { immediate });
  }

  _detach(ws) {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    if (ws === this._ws) this._ws = null;
    for (const name of ['connect', 'stable', 'ping', 'pong']) this._clear(name);
  }

  /** Reconnects now if waiting for a retry: the network is back or the page is visible again. */
  _wake() {
    if (this._wanted && this._timers.retry) {
      this._attempt = 0;
      this._open();
    }
  }

  _schedulePing() {
    this._clear('ping');
    if (!(this.options.pingInterval > 0)) return;
    this._timers.ping = this._setTimeout(() => {
      this._timers.ping = null;
      this.checkAlive();
    }, this.options.pingInterval);
  }

  _clear(name) {
    if (this._timers[name]) {
      this._clearTimeout(this._timers[name]);
      this._timers[name] = null;
    }
  }

  _listen(on) {
    if (on === this._listening) return;
    this._listening = on;
    const method = on ? 'addEventListener' : 'removeEventListener';
    this._window?.[method]?.('online', this._onOnline);
    this._window?.[method]?.('offline', this._onOffline);
    this._document?.[method]?.('visibilitychange', this._onVisibility);
  }

  _setState(state) {
    if (state === this._state) return;
    const previous = this._state;
    this._state = state;
    this.emit('state', { state, previous, attempt: this._attempt });
  }
}
