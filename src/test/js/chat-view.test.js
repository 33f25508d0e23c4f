// The demo's chat view (issue 9): a message the server answered `unavailable` shows as "not yet
// sent" until its ack, then as sent; one given up shows as "not sent". A tiny fake DOM stands in
// for the browser's: elements, text nodes, and simple selectors (tag, .class, [attr], [attr="v"]).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatRoom } from '../../main/webapp/chat.js';
import { fakeOptions, flush } from './fakes.js';

class FakeText {
  constructor(text) {
    this.data = String(text);
    this.parent = null;
  }

  get textContent() {
    return this.data;
  }
}

class FakeElement extends EventTarget {
  constructor(tag) {
    super();
    this.tagName = tag.toUpperCase();
    this.attributes = new Map();
    this.children = [];
    this.parent = null;
    this.hidden = false;
    this.disabled = false;
    this.value = '';
    this.scrollTop = 0;
    this.scrollHeight = 0;
    const self = this;
    this.dataset = new Proxy({}, {
      get: (_, key) => self.getAttribute(`data-${String(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`) ?? undefined,
      set: (_, key, value) => {
        self.setAttribute(`data-${String(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value);
        return true;
      },
    });
    this.classList = {
      contains: (name) => self._classes().includes(name),
      replace: (from, to) => self.setAttribute('class', self._classes().map((c) => (c === from ? to : c)).join(' ')),
    };
  }

  _classes() {
    return (this.getAttribute('class') ?? '').split(/\s+/).filter(Boolean);
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  removeAttribute(name) {
    this.attributes.delete(name);
  }

  set title(value) {
    this.setAttribute('title', value);
  }

  get title() {
    return this.getAttribute('title') ?? '';
  }

  get firstChild() {
    return this.children[0] ?? null;
  }

  append(...nodes) {
    for (const node of nodes) this.insertBefore(typeof node === 'string' ? new FakeText(node) : node, null);
  }

  insertBefore(node, before) {
    node.parent?.children.splice(node.parent.children.indexOf(node), 1);
    const index = before ? this.children.indexOf(before) : -1;
    if (index < 0) this.children.push(node);
    else this.children.splice(index, 0, node);
    node.parent = this;
    return node;
  }

  replaceChildren(...nodes) {
    for (const child of this.children) child.parent = null;
    this.children = [];
    this.append(...nodes);
  }

  remove() {
    this.parent?.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = null;
  }

  get textContent() {
    return this.children.map((child) => child.textContent).join('');
  }

  set textContent(text) {
    this.replaceChildren(new FakeText(text));
  }

  _matches(selector) {
    const parts = selector.match(/^[a-z]+|\.[\w-]+|\[[^\]]+\]/g) ?? [];
    return parts.every((part) => {
      if (part.startsWith('.')) return this.classList.contains(part.slice(1));
      if (part.startsWith('[')) {
        const [, name, value] = part.match(/^\[([\w-]+)(?:="(.*)")?\]$/);
        return value === undefined ? this.attributes.has(name) : this.getAttribute(name) === value;
      }
      return this.tagName === part.toUpperCase();
    });
  }

  querySelectorAll(selector) {
    const found = [];
    const walk = (node) => {
      for (const child of node.children ?? []) {
        if (child instanceof FakeElement) {
          if (child._matches(selector)) found.push(child);
          walk(child);
        }
      }
    };
    walk(this);
    return found;
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

function installDom() {
  const document = new EventTarget();
  document.createElement = (tag) => new FakeElement(tag);
  document.createTextNode = (text) => new FakeText(text);
  document.visibilityState = 'hidden';
  document.hasFocus = () => false;
  globalThis.document = document;
  globalThis.window ??= new EventTarget();
  globalThis.CSS ??= { escape: (s) => String(s).replace(/["\\]/g, '\\$&') };
}

const welcome = (fields = {}) => ({ type: 'welcome', room: 'lobby', user: 'alice', count: 1, members: ['alice'], seq: 0, epoch: 'e1', messages: [], ...fields });
const unavailable = (ref) => ({ type: 'error', code: 'unavailable', message: 'the store cannot be reached', ref });

async function chatView() {
  installDom();
  const { ChatView } = await import('../../main/webapp/chat-view.js');
  const names = ['title', 'count', 'members', 'messages', 'typing', 'older', 'notice', 'noticeText', 'input', 'send', 'error'];
  const e = Object.fromEntries(names.map((name) => [name, new FakeElement(name === 'messages' ? 'ul' : 'div')]));
  const fake = fakeOptions({ pingInterval: 0, user: 'alice' });
  const room = new ChatRoom('lobby', fake.options).connect();
  room._now = () => fake.clock.now;
  const view = new ChatView(e);
  view.show(room);
  await flush();
  const ws = fake.WebSocket.instances.at(-1);
  ws.serverOpen();
  ws.serverSend(welcome());
  const say = (text) => {
    e.input.value = text;
    view.send();
    return ws.sentOfType('say').at(-1).ref;
  };
  return { e, room, ws, clock: fake.clock, say };
}

test('the demo shows a message answered unavailable as "not yet sent" until its ack, then as sent', async () => {
  const { e, ws, clock, say } = await chatView();
  const ref = say('<b>hello</b>');
  const item = () => e.messages.querySelector(`li[data-ref="${ref}"]`);
  assert.equal(item().getAttribute('data-state'), 'sending');
  assert.equal(item().querySelector('.status').textContent, 'sending…');
  ws.serverSend(unavailable(ref));
  assert.equal(item().getAttribute('data-state'), 'unsent');
  assert.equal(item().querySelector('.status').textContent, 'not yet sent');
  assert.equal(item().getAttribute('data-testid'), 'pending-message', 'still waiting');
  assert.equal(item().querySelector('[data-testid="message-text"]').textContent, '<b>hello</b>', 'text, never HTML');
  assert.equal(e.error.textContent, '', 'not shown as an error');
  clock.advance(500);
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  ws.serverSend({ type: 'message', room: 'lobby', seq: 1, from: 'alice', name: 'alice', text: '<b>hello</b>', at: '2026-11-24T20:00:00Z' });
  assert.equal(item(), null, 'no longer pending');
  const sent = e.messages.querySelectorAll('li[data-testid="message"]');
  assert.deepEqual(sent.map((li) => li.querySelector('[data-testid="message-text"]').textContent), ['<b>hello</b>']);
});

test('the demo shows a message given up after giveUpUnavailable as "not sent"', async () => {
  const { e, room, ws, clock, say } = await chatView();
  const ref = say('never stored');
  for (let i = 0; i < 30 && room.pending.length > 0; i++) {
    ws.serverSend(unavailable(ref));
    clock.advance(30000);
  }
  const item = e.messages.querySelector(`li[data-ref="${ref}"]`);
  assert.equal(item.getAttribute('data-state'), 'failed');
  assert.equal(item.getAttribute('data-testid'), 'failed-message');
  assert.equal(item.querySelector('.status').textContent, 'not sent');
  assert.match(e.error.textContent, /^unavailable: /);
});
