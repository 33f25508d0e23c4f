// The notification stream (contract 3.2) on top of Socket: the user's inbox, topic
// subscriptions that survive reconnects, and the unread count.
//
// Events, besides Socket's open / error / close:
//   state         {state, attempt}   'connected' only once the welcome arrived
//   welcome       the welcome frame, plus `resumed`
//   recovery      {recovered, epochChanged, topic?}   after a resume of the inbox or a topic
//   notification  a notification, each (inbox or topic, seq) once
//   unread        {count, readUpTo}   the inbox's unread count
//   subscribed    the subscribed frame;  unsubscribed {topic}
//   error         {source: 'socket'} or {source: 'server', code, message, ref}
//   frame         every server frame, as received

import { ResumingChannel } from './channel.js';
import { LogPosition } from './resume.js';
import { frames, isTopicName, newRef, notificationsPath } from './protocol.js';

export class Notifications extends ResumingChannel {
  /** @param {object} options  base, user or token, and any Socket option */
  constructor(options = {}) {
    super(notificationsPath(), { ...options });
    this.inbox = new LogPosition();
    this.topics = new Map(); // topic -> LogPosition, for every topic the application subscribed
    this.unread = 0;
    this.readUpTo = 0;
    this.user = undefined;
    this._pendingRead = 0; // a read asked for while disconnected
    this._resumedTopics = new Set();
  }

  _resumeFrom() {
    return this.inbox.resumeFrom();
  }

  _closed(detail) {
    this._welcomed = false;
    this.emit('close', detail);
  }

  /** Subscribes to a topic, now and after every reconnect, resuming where it left off. */
  subscribe(topic) {
    if (!isTopicName(topic)) throw new TypeError(`invalid topic name: ${topic}`);
    if (!this.topics.has(topic)) this.topics.set(topic, new LogPosition());
    if (this._welcomed) this._sendSubscribe(topic);
  }

  unsubscribe(topic) {
    if (!this.topics.delete(topic)) return;
    if (this._welcomed) this.socket.send(frames.unsubscribe(topic, newRef('unsub')), { queue: false });
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

  // --- internals ---

  _sendSubscribe(topic) {
    const from = this.topics.get(topic).resumeFrom();
    if (from.epoch !== undefined) this._resumedTopics.add(topic);
    else this._resumedTopics.delete(topic);
    this.socket.send(frames.subscribe(topic, from.since, from.epoch, newRef('sub')), { queue: false });
  }

  _sendRead() {
    if (this.socket.send(frames.read(this._pendingRead, newRef('read')), { queue: false })) this._pendingRead = 0;
  }

  _received(frame) {
    this.emit('frame', frame);
    switch (frame.type) {
      case 'welcome':
        this._welcome(frame);
        break;
      case 'notification':
        this._notification(frame);
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

  _notification(frame) {
    if (!this._welcomed) return;
    if (frame.topic === undefined || frame.topic === null) {
      const verdict = this.inbox.accept(frame.seq);
      if (verdict === 'gap') {
        this.socket.reconnect('gap in seq');
        return;
      }
      if (verdict !== 'new') return;
      if (frame.seq > this.readUpTo) {
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
    const epochChanged = position.adopt(frame.epoch);
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
