// The chat column of the demo: messages, members, who is typing, older history, who has seen
// each message, and the notice shown when a reconnect could not recover every message.
//
// A message this tab said shows below the others until the server acknowledges it: "sending…",
// "not yet sent" while the server answers `unavailable` (its store is down: the room retries it),
// "not sent" when the room gave it up or the server refused it.
//
// Messages count as read when at least half of one shows in the list while the page is visible
// and focused; the view then tells the room (room.read coalesces the frames).

import { el, setText, timeElement } from './dom.js';

const TYPING_SHOWN_FOR = 3000; // ms a typing hint stays after the last typing frame
const SEEN_NAMES = 3; // names written out in "Seen by …" before "and N others"

/** "Seen by alice", "Seen by alice and bob", "Seen by a, b, c and 2 others". */
export function seenByText(users) {
  if (users.length === 0) return '';
  if (users.length === 1) return `Seen by ${users[0]}`;
  if (users.length <= SEEN_NAMES) return `Seen by ${users.slice(0, -1).join(', ')} and ${users.at(-1)}`;
  const others = users.length - SEEN_NAMES;
  return `Seen by ${users.slice(0, SEEN_NAMES).join(', ')} and ${others} other${others === 1 ? '' : 's'}`;
}

export class ChatView {
  constructor(elements) {
    this.e = elements; // {title, count, members, messages, typing, older, notice, noticeText, input, send, error}
    this.room = null;
    this._typing = new Map(); // user -> timer
    this._stops = [];
    this._oldest = null; // {epoch, seq} of the first message shown from the current epoch
    this._epoch = undefined;
    this._visible = new Set(); // seqs of the current epoch's messages on screen now
    this._observer = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => this._seen(entries), { root: this.e.messages, threshold: 0.5 })
      : null;
    this.e.older.addEventListener('click', () => this.loadOlder());
    window.addEventListener('focus', () => this._markRead());
    document.addEventListener('visibilitychange', () => this._markRead());
  }

  /** Shows `room` (a ChatRoom) and forgets the room shown before. */
  show(room) {
    this.detach();
    this.room = room;
    this.e.messages.replaceChildren();
    this._observer?.disconnect();
    this._visible.clear();
    this._oldest = null;
    this._epoch = undefined;
    this.hideNotice();
    setText(this.e.title, `# ${room.room}`);
    setText(this.e.error, '');
    this._renderMembers();
    this._renderTyping();
    const on = (type, handler) => this._stops.push(room.on(type, handler));
    on('welcome', (welcome) => {
      if (this._epoch !== welcome.epoch) this._visible.clear();
      this._epoch = welcome.epoch;
      this._renderMembers();
      this._renderAllSeen();
      this._setOlder(welcome.messages?.[0]?.seq ?? welcome.seq + 1, welcome.epoch);
    });
    on('recovery', ({ recovered, epochChanged }) => {
      if (recovered) return;
      const text = epochChanged
        ? 'The server restarted and lost the messages it had; messages sent while you were away may be missing.'
        : 'You were away too long: some messages are no longer available.';
      this._insert(el('li', { class: 'gap', 'data-testid': 'gap', role: 'note' }, 'Some messages may be missing here.'));
      this.showNotice(text);
    });
    on('message', (message) => {
      this._append(message);
      this._stopTyping(message.from);
    });
    on('ack', ({ ref }) => this._pendingItem(ref)?.remove());
    on('unsent', ({ ref }) => this._markPending(ref, 'unsent', 'not yet sent',
      'The server could not store it yet; it is sent again by itself until it is.'));
    on('presence', () => this._renderMembers());
    on('receipt', ({ readUpTo, previous }) => this._renderSeenBetween(previous, readUpTo));
    on('typing', ({ user }) => this._startTyping(user));
    on('state', ({ state }) => {
      // The input stays usable while reconnecting: what is typed waits and goes out after.
      if (state !== 'connected') this._clearTyping();
    });
    on('close', (detail) => {
      if (!detail.willReconnect && detail.code !== 1000) setText(this.e.error, `The server closed the room (${detail.code}${detail.reason ? `: ${detail.reason}` : ''}).`);
    });
    on('error', (detail) => {
      if (detail.source === 'server') setText(this.e.error, `${detail.code}: ${detail.message ?? ''}`);
      // A said message the room no longer keeps (refused, or given up) was not sent.
      if (detail.ref !== undefined && this.room && !this.room.pending.includes(detail.ref)) this._markFailed(detail.ref);
    });
    this.e.input.disabled = false;
    this.e.send.disabled = false;
  }

  detach() {
    for (const stop of this._stops) stop();
    this._stops = [];
    this._observer?.disconnect();
    this._visible.clear();
    this._clearTyping();
    this.room = null;
    this.e.input.disabled = true;
    this.e.send.disabled = true;
    this.e.older.hidden = true;
  }

  /** Sends the input's text; while reconnecting it is shown as pending and sent later. */
  send() {
    const text = this.e.input.value;
    if (!this.room || text.trim() === '') return;
    let ref;
    try {
      ref = this.room.say(text);
    } catch (error) {
      setText(this.e.error, error.message);
      return;
    }
    if (ref === null) {
      setText(this.e.error, 'Too many messages are waiting to be sent; try again when connected.');
      return;
    }
    setText(this.e.error, '');
    this.e.input.value = '';
    if (this.room.pending.includes(ref)) {
      this.e.messages.append(el('li', { class: 'message pending', 'data-testid': 'pending-message', 'data-ref': ref, 'data-state': 'sending' },
        el('span', { class: 'from' }, this.room.user ?? 'you'), ' ',
        el('span', { class: 'status', 'data-testid': 'pending-status' }, 'sending…'), ' ',
        el('span', { class: 'text', 'data-testid': 'message-text' }, text)));
      this._scroll();
    }
  }

  typing() {
    this.room?.typing();
  }

  async loadOlder() {
    if (!this.room || !this._oldest || this._oldest.epoch !== this._epoch) return;
    this.e.older.disabled = true;
    try {
      const page = await this.room.history({ before: this._oldest.seq, limit: 50 });
      const anchor = this.e.messages.querySelector(`li[data-epoch="${CSS.escape(String(this._epoch))}"]`) ?? this.e.messages.firstChild;
      for (const message of page.messages) {
        if (this.e.messages.querySelector(`li[data-seq="${message.seq}"][data-epoch="${CSS.escape(String(this._epoch))}"]`)) continue;
        const item = this._messageItem(message);
        this.e.messages.insertBefore(item, anchor);
        this._renderSeen(item);
        this._observer?.observe(item);
      }
      if (page.messages.length > 0) this._oldest = { epoch: this._epoch, seq: page.messages[0].seq };
      this.e.older.hidden = !page.more;
    } catch (error) {
      setText(this.e.error, `Could not load older messages: ${error.message}`);
    } finally {
      this.e.older.disabled = false;
    }
  }

  showNotice(text) {
    setText(this.e.noticeText, text);
    this.e.notice.hidden = false;
  }

  hideNotice() {
    this.e.notice.hidden = true;
  }

  // --- rendering ---

  _pendingItem(ref) {
    return this.e.messages.querySelector(`li[data-ref="${CSS.escape(ref)}"]`);
  }

  /** Shows a message this tab said as `state` ('unsent'), still waiting for its ack. */
  _markPending(ref, state, label, title) {
    const item = this._pendingItem(ref);
    if (!item || !item.classList.contains('pending')) return;
    item.dataset.state = state;
    setText(item.querySelector('.status'), label);
    item.title = title;
  }

  /** A message this tab said that the room gave up or the server refused: it stays, marked. */
  _markFailed(ref) {
    const item = this._pendingItem(ref);
    if (!item || !item.classList.contains('pending')) return;
    item.classList.replace('pending', 'failed');
    item.dataset.state = 'failed';
    item.dataset.testid = 'failed-message';
    setText(item.querySelector('.status'), 'not sent');
    item.title = 'The server did not take this message; it was not sent.';
  }

  _messageItem(message) {
    return el('li', {
      class: 'message',
      'data-testid': 'message',
      'data-seq': message.seq,
      'data-epoch': this._epoch,
      'data-from': message.from,
    },
    el('span', { class: 'from', 'data-testid': 'message-from' }, message.name ?? message.from), ' ',
    timeElement(message.at), ' ',
    el('span', { class: 'text', 'data-testid': 'message-text' }, message.text),
    el('span', { class: 'seen', 'data-testid': 'seen-by' }));
  }

  _append(message) {
    if (!this._oldest || this._oldest.epoch !== this._epoch) this._setOlder(message.seq, this._epoch);
    const item = this._messageItem(message);
    this._insert(item);
    this._renderSeen(item);
    this._observer?.observe(item);
  }

  // --- read receipts ---

  /** Who has seen a message: every reader but its author and this user. */
  _renderSeen(item) {
    if (!this.room || item.dataset.epoch !== String(this._epoch)) return;
    const readers = this.room.seenBy(Number(item.dataset.seq)).filter((user) => user !== item.dataset.from && user !== this.room.user);
    const line = item.querySelector('.seen');
    setText(line, seenByText(readers));
    if (readers.length > SEEN_NAMES) line.title = readers.join(', ');
    else line.removeAttribute('title');
  }

  _renderAllSeen() {
    for (const item of this.e.messages.querySelectorAll('li.message[data-seq]')) this._renderSeen(item);
  }

  /** A receipt moved one reader from `after` to `upTo`: only those messages change. */
  _renderSeenBetween(after, upTo) {
    for (const item of this.e.messages.querySelectorAll('li.message[data-seq]')) {
      const seq = Number(item.dataset.seq);
      if (seq > after && seq <= upTo) this._renderSeen(item);
    }
  }

  _seen(entries) {
    for (const entry of entries) {
      const { seq, epoch } = entry.target.dataset;
      if (epoch !== String(this._epoch)) continue;
      if (entry.isIntersecting) this._visible.add(Number(seq));
      else this._visible.delete(Number(seq));
    }
    this._markRead();
  }

  /** Marks read up to the latest message on screen, when someone can be looking at it. */
  _markRead() {
    if (!this.room || this._visible.size === 0) return;
    if (document.visibilityState !== 'visible' || !document.hasFocus()) return;
    this.room.read(Math.max(...this._visible));
  }

  /** Adds a line at the end, but before pending messages: those are still on their way. */
  _insert(node) {
    this.e.messages.insertBefore(node, this.e.messages.querySelector('li.pending'));
    this._scroll();
  }

  _setOlder(seq, epoch) {
    if (this._oldest && this._oldest.epoch === epoch) return;
    this._oldest = { epoch, seq };
    this.e.older.hidden = !(seq > 1);
  }

  _scroll() {
    this.e.messages.scrollTop = this.e.messages.scrollHeight;
  }

  _renderMembers() {
    const room = this.room;
    setText(this.e.count, String(room?.count ?? 0));
    const names = room ? [...room.members].sort() : [];
    setText(this.e.members, names.length ? `: ${names.join(', ')}` : '');
  }

  _startTyping(user) {
    clearTimeout(this._typing.get(user));
    this._typing.set(user, setTimeout(() => this._stopTyping(user), TYPING_SHOWN_FOR));
    this._renderTyping();
  }

  _stopTyping(user) {
    if (!this._typing.has(user)) return;
    clearTimeout(this._typing.get(user));
    this._typing.delete(user);
    this._renderTyping();
  }

  _clearTyping() {
    for (const timer of this._typing.values()) clearTimeout(timer);
    this._typing.clear();
    this._renderTyping();
  }

  _renderTyping() {
    const users = [...this._typing.keys()];
    let text = '';
    if (users.length === 1) text = `${users[0]} is typing…`;
    else if (users.length === 2) text = `${users[0]} and ${users[1]} are typing…`;
    else if (users.length > 2) text = `${users.length} people are typing…`;
    setText(this.e.typing, text);
  }
}
