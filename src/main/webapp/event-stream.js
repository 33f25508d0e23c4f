// The notification stream as server-sent events (contract section 12), for networks where
// WebSockets cannot open: an EventSource on BASE/api/notifications/stream, with the same events
// as Socket so that Notifications can use either.
//
// Who reconnects: after a network error or a stream the server ended (1001, 1013 …) the browser's
// EventSource reconnects by itself and sends Last-Event-ID, which recovers the inbox. We replace
// the EventSource ourselves only when its address must change (a fresh token after 4001, new
// topics) or when the browser gave up on it (an HTTP error: then a plain fetch of the same address
// tells us the status, since EventSource does not). A new EventSource cannot send Last-Event-ID,
// so its welcome starts without `recovered`; Notifications drops what it already delivered.
//
// Events (each carries `detail`), as Socket's:
//   state    {state, previous, attempt}   'disconnected' | 'connecting' | 'connected'
//   open     {url}
//   message  a frame: the data of a `welcome`, `notification` or `unread` event
//   error    {source: 'eventsource'}
//   close    {code, reason, wasClean, willReconnect, delay, status?}

import { mayReconnect } from './close-codes.js';
import { Emitter } from './emitter.js';
import { parseFrame } from './protocol.js';
import { DEFAULTS, State } from './socket.js';

// RFC 6455 7.4.1's code for a connection lost without a close frame; we use it for streams too.
const ABNORMAL = 1006;
const FRAME_EVENTS = ['welcome', 'notification', 'unread'];

/**
 * What an HTTP status of the stream's address means, as the close code a WebSocket would have got
 * (contract section 12 lists the statuses). The close event carries the status as well.
 */
export function closeForStatus(status) {
  if (status === 401) return { code: 4500, reason: 'not authenticated (401)' };
  if (status === 403) return { code: 4501, reason: 'forbidden (403)' };
  if (status === 400) return { code: 4502, reason: 'invalid request (400)' };
  if (status === 404) return { code: ABNORMAL, reason: 'this server has no event stream (404)' };
  if (status === 429) return { code: 1013, reason: 'too many connections, try again later (429)' };
  return { code: 1011, reason: `HTTP ${status}` };
}

export class EventStream extends Emitter {
  /**
   * @param {object} options
   * @param {() => string|Promise<string>} options.url  called before every new EventSource
   * @param {boolean} options.freshTokens  whether a new attempt can bring a new token (a 401 is
   *   then tried once more before giving up)
   * Other options: minDelay, maxDelay, maxRetries (as Socket), EventSource, fetch, setTimeout,
   * clearTimeout, random.
   */
  constructor(options) {
    super();
    this.options = { ...DEFAULTS, ...options };
    this._EventSource = options.EventSource ?? globalThis.EventSource;
    this._fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this._setTimeout = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = options.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    this._random = options.random ?? Math.random;
    this._state = State.DISCONNECTED;
    this._es = null; // the current EventSource; every handler checks it is still this one
    this._wanted = false;
    this._attempt = 0; // EventSources in a row that the browser gave up on
    this._generation = 0;
    this._retryTimer = null;
    this._unauthorized = 0; // 401s in a row
    this._closing = null; // the `close` event the server sent on the current stream
    this.lastEventId = ''; // the id of the last inbox notification, as the browser will send it
  }

  get state() {
    return this._state;
  }

  get attempt() {
    return this._attempt;
  }

  connect() {
    this._wanted = true;
    if (this._state === State.DISCONNECTED) this._open();
    return this;
  }

  close(code = 1000, reason = '') {
    this._wanted = false;
    this._clearRetry();
    if (this._es) {
      this._discard();
      this.emit('close', { code, reason, wasClean: true, willReconnect: false, delay: 0 });
    }
    this._setState(State.DISCONNECTED);
  }

  /** Replaces the EventSource now, for a new address (topics changed). */
  restart() {
    if (!this._wanted) return;
    this._discard();
    this._open();
  }

  // --- internals ---

  async _open() {
    this._clearRetry();
    const generation = ++this._generation;
    this._setState(State.CONNECTING);
    let url;
    try {
      url = await this.options.url();
    } catch (error) {
      if (generation !== this._generation || !this._wanted) return;
      this._retry(ABNORMAL, `no address: ${error?.message ?? error}`);
      return;
    }
    if (generation !== this._generation || !this._wanted) return;
    let es;
    try {
      es = new this._EventSource(url);
    } catch (error) {
      this._stop(ABNORMAL, String(error?.message ?? error));
      return;
    }
    this._es = es;
    this._url = url;
    this._closing = null;
    es.onopen = () => {
      if (es !== this._es) return;
      this._closing = null;
      this._setState(State.CONNECTED);
      this.emit('open', { url });
    };
    for (const type of FRAME_EVENTS) es.addEventListener(type, (event) => this._frame(es, type, event));
    es.addEventListener('close', (event) => this._serverClose(es, event));
    es.onerror = () => this._error(es);
  }

  _frame(es, type, event) {
    if (es !== this._es) return;
    const frame = parseFrame(event.data);
    if (!frame) return;
    if (type === 'welcome') {
      this._attempt = 0;
      this._unauthorized = 0;
    }
    if (event.lastEventId) this.lastEventId = event.lastEventId;
    this.emit('message', frame);
  }

  /** `event: close` with {code, reason}: the server ends the stream on purpose. */
  _serverClose(es, event) {
    if (es !== this._es) return;
    let data = null;
    try {
      data = JSON.parse(event.data);
    } catch {
      // a close without a readable code: treated as a dropped stream
    }
    const { code, reason } = data ?? {};
    const closeCode = Number.isInteger(code) ? code : ABNORMAL;
    const why = typeof reason === 'string' ? reason : '';
    if (!mayReconnect(closeCode)) {
      this._stop(closeCode, why, true);
    } else if (closeCode === 4001) {
      // The token in the address expired: the browser would send it again. A new one, with a new token.
      this._discard();
      this._retry(closeCode, why, true);
    } else {
      // 1001, 1013 …: the browser reconnects by itself, with Last-Event-ID.
      this._closing = { code: closeCode, reason: why };
      this.emit('close', { code: closeCode, reason: why, wasClean: true, willReconnect: true, delay: null });
      this._setState(State.CONNECTING);
    }
  }

  _error(es) {
    if (es !== this._es) return;
    this.emit('error', { source: 'eventsource' });
    if (es.readyState !== 2) {
      // CONNECTING: the browser is reconnecting by itself.
      if (this._closing === null && this._state === State.CONNECTED) {
        this.emit('close', { code: ABNORMAL, reason: 'stream lost', wasClean: false, willReconnect: true, delay: null });
      }
      this._closing = this._closing ?? { code: ABNORMAL, reason: 'stream lost' };
      this._setState(State.CONNECTING);
      return;
    }
    // CLOSED: the browser gave up (an HTTP error or a wrong content type). Ask the address why.
    const url = this._url;
    this._discard();
    const generation = this._generation;
    this._setState(State.CONNECTING);
    this._status(url).then((status) => {
      if (generation !== this._generation || !this._wanted) return;
      if (status === undefined || status === 200 || status === 429 || status >= 500) {
        const { code, reason } = status && status !== 200 ? closeForStatus(status) : { code: ABNORMAL, reason: 'stream failed' };
        this._retry(code, reason, false, status);
        return;
      }
      if (status === 401 && this.options.freshTokens && this._unauthorized === 0) {
        this._unauthorized += 1; // perhaps only expired: once more with a fresh token
        this._retry(4001, 'not authenticated (401)', false, status);
        return;
      }
      const { code, reason } = closeForStatus(status);
      this._stop(code, reason, false, status);
    });
  }

  /** The HTTP status of `url`, read with fetch and then abandoned; undefined when unreachable. */
  async _status(url) {
    const abort = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = this._setTimeout(() => abort?.abort(), this.options.connectTimeout);
    try {
      const response = await this._fetch(url, { headers: { Accept: 'text/event-stream' }, signal: abort?.signal, cache: 'no-store' });
      return response.status;
    } catch {
      return undefined;
    } finally {
      this._clearTimeout(timer);
      abort?.abort(); // a 200 would stream for ever
    }
  }

  _retry(code, reason, wasClean, status) {
    const willReconnect = this._wanted && this._attempt < this.options.maxRetries;
    if (!willReconnect) {
      this._stop(code, reason, wasClean, status);
      return;
    }
    const { minDelay, maxDelay } = this.options;
    const delay = Math.floor(this._random() * Math.min(maxDelay, minDelay * 2 ** Math.min(this._attempt, 30)));
    this._attempt += 1;
    this.emit('close', { code, reason, wasClean, willReconnect: true, delay, ...(status ? { status } : {}) });
    this._setState(State.CONNECTING);
    this._retryTimer = this._setTimeout(() => {
      this._retryTimer = null;
      this._open();
    }, delay);
  }

  _stop(code, reason, wasClean = false, status) {
    this._wanted = false;
    this._clearRetry();
    this._discard();
    this.emit('close', { code, reason, wasClean, willReconnect: false, delay: 0, ...(status ? { status } : {}) });
    this._setState(State.DISCONNECTED);
  }

  _discard() {
    const es = this._es;
    if (!es) return;
    this._es = null;
    es.onopen = es.onerror = null;
    try {
      es.close();
    } catch {
      // already closed
    }
  }

  _clearRetry() {
    if (this._retryTimer !== null) {
      this._clearTimeout(this._retryTimer);
      this._retryTimer = null;
    }
  }

  _setState(state) {
    if (state === this._state) return;
    const previous = this._state;
    this._state = state;
    this.emit('state', { state, previous, attempt: this._attempt });
  }
}
