// The notification panel of the demo: newest first, an unread badge, "mark all read", topics.

import { el, setText, timeElement } from './dom.js';

const MAX_SHOWN = 200;

export class NotificationsView {
  constructor(elements) {
    this.e = elements; // {list, badge, markRead, topicInput, topicSubmit, topics, error}
    this.stream = null;
    this._stops = [];
    this.e.markRead.addEventListener('click', () => this.stream?.markAllRead());
  }

  show(stream) {
    this.detach();
    this.stream = stream;
    this.e.list.replaceChildren();
    const on = (type, handler) => this._stops.push(stream.on(type, handler));
    on('notification', (item) => this._add(item));
    on('unread', ({ count, readUpTo }) => this._renderUnread(count, readUpTo));
    on('subscribed', () => this._renderTopics());
    on('unsubscribed', () => this._renderTopics());
    on('recovery', ({ recovered, topic }) => {
      if (!recovered) setText(this.e.error, `Some notifications${topic ? ` on ${topic}` : ''} may be missing (the server lost them).`);
    });
    on('error', (detail) => {
      if (detail.source === 'server') setText(this.e.error, `${detail.code}: ${detail.message ?? ''}`);
    });
    this.e.markRead.disabled = false;
    this.e.topicInput.disabled = false;
    this.e.topicSubmit.disabled = false;
    this._renderUnread(0, 0);
    this._renderTopics();
  }

  detach() {
    for (const stop of this._stops) stop();
    this._stops = [];
    this.stream = null;
    this.e.markRead.disabled = true;
    this.e.topicInput.disabled = true;
    this.e.topicSubmit.disabled = true;
  }

  follow(topic) {
    if (!this.stream) return;
    try {
      this.stream.subscribe(topic);
      setText(this.e.error, '');
      this._renderTopics();
    } catch (error) {
      setText(this.e.error, error.message);
    }
  }

  _add(item) {
    const unread = !item.topic && item.seq > (this.stream?.readUpTo ?? 0);
    const node = el('li', {
      class: unread ? 'notification unread' : 'notification',
      'data-testid': 'notification',
      'data-seq': item.seq,
      'data-topic': item.topic,
    },
    el('span', { class: 'title', 'data-testid': 'notification-title' }, item.title), ' ',
    item.topic ? el('span', { class: 'topic' }, `#${item.topic}`) : null, ' ',
    timeElement(item.at),
    item.body ? el('p', { class: 'body', 'data-testid': 'notification-body' }, item.body) : null);
    this.e.list.prepend(node);
    while (this.e.list.childElementCount > MAX_SHOWN) this.e.list.lastElementChild.remove();
  }

  _renderUnread(count, readUpTo) {
    setText(this.e.badge, String(count));
    this.e.badge.hidden = count === 0;
    this.e.badge.setAttribute('aria-label', `${count} unread`);
    for (const node of this.e.list.querySelectorAll('li.unread')) {
      if (Number(node.dataset.seq) <= readUpTo || count === 0) node.classList.remove('unread');
    }
  }

  _renderTopics() {
    const topics = this.stream ? [...this.stream.topics.keys()] : [];
    setText(this.e.topics, topics.length ? `Following: ${topics.map((t) => `#${t}`).join(', ')}` : '');
  }
}
