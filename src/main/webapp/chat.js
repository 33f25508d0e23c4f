// A chat room connection (contract 3.1) on top of Socket: resumes from the last seq, drops
// duplicates, retries unacknowledged `say` frames with the same ref after a reconnect (and, with
// backoff, over the same connection after an `unavailable` answer), and keeps the member list.
//
// Events, besides Socket's open / error / close (detail as there):
//   state     {state, attempt}   'connected' only once the welcome arrived
//   welcome   the welcome frame, plus `resumed` (whether since/epoch were sent)
//   recovery  {recovered, epochChanged}   after a resume; recovered false: messages were lost
//   message   a chat message, each seq once and in order
//   presence  {event, user, count}
//   typing    {user}
//   ack       {ref, seq}
//   unsent    {ref, code, message, delay, since}   the server could not store a say yet
//             (`unavailable`); it stays pending and goes again, same ref, in `delay` ms
//   receipt   {user, readUpTo, previous}   a member's read mark moved forward (contract section 11)
//   history   the history frame (also the value of the history() promise)
//   error     {source: 'socket'} or {source: 'server', code, message, ref}
//   frame     every server frame, as received

import { ResumingChannel } from './channel.js';
import { LogPosition, ReadMarks } from './resume.js';
import { chatPath, codePointLength, frames, isRoomName, MAX_REF_LENGTH, MAX_TEXT_CODE_POINTS, newRef } from './protocol.js';

export const CHAT_DEFAULTS = Object.freeze({
  maxPending: 100, // say frames kept until acknowledged
  typingInterval: 2000, // ms between two typing frames
  historyTimeout: 10000, // ms to wait for a history reply
  retryRateLimited: 1000, // ms before resending a say the server rate limited
  retryUnavailable: 500, // backoff base, ms, for says the server answered `unavailable` (store down)
  retryUnavailableMax: 30000, // backoff cap, ms
  giveUpUnavailable: 600000, // ms after its first `unavailable` answer a say is given up (an `error`)
  readInterval: 1000, // ms between two read frames; the server spaces receipts 1 s apart anyway
});

export class ChatRoom extends ResumingChannel {
  /**
   * @param {string} room
   * @param {object} options  base, user (auth=dev) or token (auth=jwt; a string or a function),
   *   CHAT_DEFAULTS, and any Socket option
   */
  constructor(room, options = {}) {
    if (!isRoomName(room)) throw new TypeError(`invalid room name: ${room}`);
    super(chatPath(room), { ...CHAT_DEFAULTS, ...options });
    this.room = room;
    this.position = new LogPosition();
    this.members = new Set();
    this.count = 0;
    this.user = undefined;
    this._pending = new Map(); // ref -> say frame, in the order they were said
    this._histories = new Map(); // ref -> {resolve, reject, timer}
    this._lastTyping = -Infinity;
    this.reads = new ReadMarks(); // every member's read mark, from welcome.reads and receipts
    this._readWanted = 0; // the highest seq the application marked read
    this._readSent = 0; // the highest seq sent in a read frame, in this epoch
    this._lastReadAt = -Infinity;
    this._readTimer = null;
    this._readRefs = []; // refs of the latest read frames, to know their error replies
    this.receiptsSupported = undefined; // false once the server answered a read with unknown_type
    this._now = options.now ?? (() => Date.now());
    this._setTimeout = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this._clearTimeout = options.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    this._random = options.random ?? Math.random;
    this._unsent = new Map(); // ref -> time of its first `unavailable` answer, until acknowledged
    this._held = new Set(); // refs waiting for the retry timer (a subset of _pending)
    this._retryTimer = null; // the next round of says the store could not take
    this._retryAttempt = 0; // rounds in a row answered `unavailable`; 0 again after an ack
    this._retryAt = 0; // when the retry timer fires
  }

  _resumeFrom() {
    return this.position.resumeFrom();
  }

  /** Refs of `say` frames not acknowledged yet, oldest first. */
  get pending() {
    return [...this._pending.keys()];
  }

  /** Refs of pending says the server answered `unavailable` (not yet stored), oldest first. */
  get unsent() {
    return [...this._pending.keys()].filter((ref) => this._unsent.has(ref));
  }

  /**
   * Says `text` in the room. Returns the frame's ref (the `ack` event names it), or null when
   * maxPending messages are already waiting. While disconnected the message waits and is sent,
   * once, after the next welcome. `ref` may be given (a string of at most 64 characters) to retry a
   * message said before, by another tab or page: a ref that is already pending is not added again.
   */
  say(text, { ref = newRef('say') } = {}) {
    checkText(text);
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_REF_LENGTH) throw new RangeError('invalid ref');
    if (this._pending.has(ref)) return ref;
    if (this._pending.size >= this.options.maxPending) return null;
    this._lastTyping = -Infinity; // the next keystroke starts a new message: say so at once
    const frame = frames.say(text, ref);
    this._pending.set(ref, frame);
    // While a retry round waits (the store is down), a new message waits with it, in order.
    if (this._retryTimer !== null) this._held.add(ref);
    else if (this._welcomed) this.socket.send(frame, { queue: false });
    return ref;
  }

  /** Tells the others this user is typing; call it on every keystroke, it throttles itself. */
  typing() {
    const now = this._now();
    if (!this._welcomed || now - this._lastTyping < this.options.typingInterval) return false;
    this._lastTyping = now;
    return this.socket.send(frames.typing(), { queue: false });
  }

  /**
   * Marks the room read up to `seq` (contract section 11). Reads are coalesced: at most one frame
   * per readInterval, carrying the highest seq asked for; a seq at or below this user's known mark
   * sends nothing. While disconnected the mark waits for the next welcome. Each frame has a ref,
   * so that a server without receipts (which answers unknown_type) is told apart from other errors:
   * the client then stops sending reads until the next welcome and reports no error.
   */
  read(seq) {
    if (!Number.isInteger(seq) || seq < 0) throw new RangeError('seq must be a non-negative integer');
    if (seq <= this._readWanted) return;
    this._readWanted = seq;
    this._flushRead();
  }

  /** The users whose read mark is at or past `seq` (this user included), sorted. */
  seenBy(seq) {
    return this.reads.seenBy(seq);
  }

  close() {
    this._clearReadTimer();
    this._clearRetry();
    return super.close();
  }

  /** Older messages: resolves to {messages (oldest first), more}. `before` is exclusive. */
  history({ before, limit, ref = newRef('hist') } = {}) {
    return new Promise((resolve, reject) => {
      if (!this._welcomed || !this.socket.send(frames.history(before, limit, ref), { queue: false })) {
        reject(new Error('not connected'));
        return;
      }
      const timer = this._setTimeout(() => {
        this._histories.delete(ref);
        reject(new Error('history timed out'));
      }, this.options.historyTimeout);
      this._histories.set(ref, { resolve, reject, timer });
    });
  }

  // --- internals ---

  _received(frame) {
    this.emit('frame', frame);
    switch (frame.type) {
      case 'welcome':
        this._welcome(frame);
        break;
      case 'message':
        this._message(frame);
        break;
      case 'ack':
        if (this._pending.delete(frame.ref)) {
          this._forget(frame.ref);
          this._retryAttempt = 0; // the store takes messages again: the backoff starts over
          this.emit('ack', { ref: frame.ref, seq: frame.seq });
        }
        break;
      case 'presence':
        if (frame.event === 'join') this.members.add(frame.user);
        else if (frame.event === 'leave') this.members.delete(frame.user);
        this.count = frame.count;
        this.emit('presence', { event: frame.event, user: frame.user, count: frame.count });
        break;
      case 'typing':
        this.emit('typing', { user: frame.user });
        break;
      case 'history': {
        const waiting = this._histories.get(frame.ref);
        if (waiting) {
          this._histories.delete(frame.ref);
          this._clearTimeout(waiting.timer);
          waiting.resolve({ messages: frame.messages ?? [], more: Boolean(frame.more) });
        }
        this.emit('history', frame);
        break;
      }
      case 'receipt': {
        const previous = this.reads.apply(frame.user, frame.readUpTo);
        if (previous !== null) this.emit('receipt', { user: frame.user, readUpTo: frame.readUpTo, previous });
        break;
      }
      case 'error':
        this._error(frame);
        break;
      default:
        // pong and frame types from later versions of the contract: nothing to do
        break;
    }
  }

  _welcome(frame) {
    const epochChanged = this.position.adopt(frame.epoch);
    this.user = frame.user;
    this.count = frame.count;
    this.members = new Set(frame.members ?? []);
    if (epochChanged) {
      // A new life of the room: seqs from before mean other messages now.
      this._readWanted = 0;
      this._readSent = 0;
    }
    this.reads.adopt(frame.reads, epochChanged);
    this.receiptsSupported = frame.reads !== undefined ? true : undefined; // perhaps a newer server now
    this.emit('welcome', { ...frame, resumed: this._resumed });
    if (this._resumed) {
      this.emit('recovery', { recovered: frame.recovered === true, epochChanged });
    }
    for (const message of frame.messages ?? []) {
      // After an incomplete recovery the messages start past a gap: take them as they come.
      if (this.position.accept(message.seq, { allowGap: true }) === 'new') this.emit('message', message);
    }
    this.position.catchUp(frame.seq);
    this._welcomed = true;
    this._updateState();
    // Unacknowledged messages go again with their own ref: the server acks a repeat with the
    // first seq instead of posting it twice. Those held for a retry round go now as well.
    this._clearRetry();
    this._held.clear();
    for (const say of this._pending.values()) this.socket.send(say, { queue: false });
    this._flushRead();
  }

  _flushRead() {
    if (!this._welcomed || this._readTimer !== null) return;
    const known = Math.max(this._readSent, this.user === undefined ? 0 : this.reads.get(this.user));
    if (this._readWanted <= known) return;
    const wait = this._lastReadAt + this.options.readInterval - this._now();
    if (wait > 0) {
      this._readTimer = this._setTimeout(() => {
        this._readTimer = null;
        this._flushRead();
      }, wait);
      return;
    }
    if (this.receiptsSupported === false) return;
    const ref = newRef('read');
    if (this.socket.send(frames.read(this._readWanted, ref), { queue: false })) {
      this._readSent = this._readWanted;
      this._lastReadAt = this._now();
      this._readRefs.push(ref);
      if (this._readRefs.length > 8) this._readRefs.shift();
    }
  }

  /** An error answering one of our read frames; true when handled here. */
  _readError(frame) {
    const index = frame.ref === undefined ? -1 : this._readRefs.indexOf(frame.ref);
    if (index < 0) return false;
    this._readRefs.splice(index, 1);
    if (frame.code === 'unknown_type') {
      this.receiptsSupported = false; // a server before section 11: nothing to report
      return true;
    }
    if (frame.code === 'rate_limited') {
      this._readSent = 0; // lost: the next flush, a readInterval later, sends the mark again
      this._flushRead();
      return true;
    }
    return false;
  }

  _clearReadTimer() {
    if (this._readTimer !== null) {
      this._clearTimeout(this._readTimer);
      this._readTimer = null;
    }
  }

  _message(frame) {
    if (!this._welcomed || frame.room !== this.room) return;
    const verdict = this.position.accept(frame.seq);
    if (verdict === 'new') this.emit('message', frame);
    else if (verdict === 'gap') this.socket.reconnect('gap in seq'); // the resume fills it
  }

  _error(frame) {
    if (this._readError(frame)) return;
    const say = frame.ref === undefined ? undefined : this._pending.get(frame.ref);
    if (say && frame.code === 'unavailable' && this._unavailable(frame)) return;
    if (say) {
      if (frame.code === 'rate_limited') {
        this._setTimeout(() => {
          if (this._welcomed && this._pending.has(frame.ref)) this.socket.send(say, { queue: false });
        }, this.options.retryRateLimited);
      } else {
        this._pending.delete(frame.ref); // invalid or forbidden: sending it again will not help
        this._forget(frame.ref);
      }
    }
    const waiting = frame.ref === undefined ? undefined : this._histories.get(frame.ref);
    if (waiting) {
      this._histories.delete(frame.ref);
      this._clearTimeout(waiting.timer);
      waiting.reject(Object.assign(new Error(frame.message ?? frame.code), { code: frame.code }));
    }
    this.emit('error', { source: 'server', code: frame.code, message: frame.message, ref: frame.ref });
  }

  /**
   * The store could not take a pending say (contract section 8): nothing was stored. It stays
   * pending and goes again with the same ref in the next retry round, after a full-jitter backoff
   * that grows with each round answered `unavailable` and starts over after an ack. True when
   * handled here; false once the say has been retried for giveUpUnavailable: then it is given up
   * as any other refused say (dropped, and an `error`).
   */
  _unavailable(frame) {
    const { ref } = frame;
    const now = this._now();
    if (!this._unsent.has(ref)) this._unsent.set(ref, now);
    const since = this._unsent.get(ref);
    if (now - since >= this.options.giveUpUnavailable) return false;
    this._held.add(ref);
    if (this._retryTimer === null) {
      const ceiling = Math.min(this.options.retryUnavailableMax, this.options.retryUnavailable * 2 ** this._retryAttempt);
      this._retryAttempt += 1;
      const delay = Math.floor(this._random() * ceiling);
      this._retryAt = now + delay;
      this._retryTimer = this._setTimeout(() => this._retryRound(), delay);
    }
    const delay = Math.max(0, this._retryAt - now);
    this.emit('unsent', { ref, code: frame.code, message: frame.message, delay, since });
    return true;
  }

  /** Sends the held says again, oldest first, each with its own ref. */
  _retryRound() {
    this._retryTimer = null;
    if (!this._welcomed) return; // the next welcome sends every pending say anyway
    for (const [ref, say] of this._pending) {
      if (this._held.delete(ref)) this.socket.send(say, { queue: false });
    }
  }

  _clearRetry() {
    if (this._retryTimer !== null) {
      this._clearTimeout(this._retryTimer);
      this._retryTimer = null;
    }
  }

  _forget(ref) {
    this._unsent.delete(ref);
    this._held.delete(ref);
  }

  _closed(detail) {
    this._welcomed = false;
    this._clearRetry(); // held says go again after the next welcome, with every pending one
    for (const [ref, waiting] of this._histories) {
      this._clearTimeout(waiting.timer);
      waiting.reject(new Error('connection closed'));
      this._histories.delete(ref);
    }
    this.emit('close', detail);
    // The socket's own state event follows and updates ours.
  }
}

/** Throws a RangeError unless `text` is 1 to 4000 code points, as `say` requires. */
export function checkText(text) {
  if (typeof text !== 'string' || text.length === 0 || codePointLength(text) > MAX_TEXT_CODE_POINTS) {
    throw new RangeError(`text must be 1 to ${MAX_TEXT_CODE_POINTS} characters`);
  }
}
