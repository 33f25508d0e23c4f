// The chat column of the demo: messages, members, who is typing, older history, and the notice
// shown when a reconnect could not recover every message.

import { el, setText, timeElement } from './dom.js';

const TYPING_SHOWN_FOR = 3000; // ms a typing hint stays after the last typing frame

export class ChatView {
  constructor(elements) {
    this.e = elements; // {title, count, members, messages, typing, older, notice, noticeText, input, send, error}
    this.room = null;
    this._typing = new Map(); // user -> timer
    this._stops = [];
    this._oldest = null; // {epoch, seq} of the first message shown from the current epoch
    this._epoch = undefined;
    this.e.older.addEventListener('click', () => this.loadOlder());
  }

  /** Shows `room` (a ChatRoom) and forgets the room shown before. */
  show(room) {
    this.detach();
    this.room = room;
    this.e.messages.replaceChildren();
    this._oldest = null;
    this._epoch = undefined;
    this.hideNotice();
    setText(this.e.title, `# ${room.room}`);
    setText(this.e.error, '');
    this._renderMembers();
    this._renderTyping();
    const on = (type, handler) => this._stops.push(room.on(type, handler));
    on('welcome', (welcome) => {
      this._epoch = welcome.epoch;
      this._renderMembers();
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
    on('ack', ({ ref }) => this.e.messages.querySelector(`li[data-ref="${CSS.escape(ref)}"]`)?.remove());
    on('presence', () => this._renderMembers());
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
    });
    this.e.input.disabled = false;
    this.e.send.disabled = false;
  }

  detach() {
    for (const stop of this._stops) stop();
    this._stops = [];
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
      this.e.messages.append(el('li', { class: 'message pending', 'data-testid': 'pending-message', 'data-ref': ref },
        el('span', { class: 'from' }, this.room.user ?? 'you'), ' ',
        el('span', { class: 'status' }, 'sending…'), ' ',
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
        this.e.messages.insertBefore(this._messageItem(message), anchor);
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
    el('span', { class: 'text', 'data-testid': 'message-text' }, message.text));
  }

  _append(message) {
    if (!this._oldest || this._oldest.epoch !== this._epoch) this._setOlder(message.seq, this._epoch);
    this._insert(this._messageItem(message));
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
