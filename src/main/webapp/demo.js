// The demo page: wires the client (switchboard.js) to the views. Query parameters ?user=NAME
// and ?room=ROOM connect straight away; #access_token=JWT signs in with a token (auth=jwt);
// ?shared=0 gives this tab its own connections instead of sharing the worker's.

import { createClient, isRoomName, isTopicName, isUserId } from './switchboard.js';
import { byId, el, setText } from './dom.js';
import { ChatView } from './chat-view.js';
import { NotificationsView } from './notifications-view.js';
import { StatusView } from './status-view.js';

const SUGGESTED_ROOMS = ['lobby', 'general', 'random'];
const SHARED = new URLSearchParams(location.search).get('shared') !== '0';

const chatState = new StatusView(byId('chat-state'));
const notifyState = new StatusView(byId('notify-state'));
const chat = new ChatView({
  title: byId('room-title'),
  count: byId('member-count'),
  members: byId('member-names'),
  messages: byId('messages'),
  typing: byId('typing'),
  older: byId('load-older'),
  notice: byId('recovery-notice'),
  noticeText: byId('recovery-text'),
  input: byId('message-input'),
  send: byId('send-button'),
  error: byId('chat-error'),
});
const inbox = new NotificationsView({
  list: byId('notification-list'),
  badge: byId('unread-badge'),
  markRead: byId('mark-read'),
  topicInput: byId('topic-input'),
  topicSubmit: byId('topic-form').querySelector('button'),
  topics: byId('topics'),
  error: byId('notify-error'),
});

let client = null;
let identity = null; // {user} or {token}
let room = null;
let notifications = null;
const rooms = new Set(SUGGESTED_ROOMS);

function start(newIdentity) {
  room?.close();
  notifications?.close();
  identity = newIdentity;
  client = createClient({ ...identity, shared: SHARED });
  notifications = client.notifications();
  notifications.on('welcome', ({ user }) => {
    const whoami = byId('whoami');
    whoami.dataset.mode = client.mode;
    setText(whoami, `Signed in as ${user}.${client.mode === 'worker' ? ' Your tabs share one connection.' : ''}`);
  });
  notifyState.follow(notifications);
  inbox.show(notifications);
  join(byId('room-input').value || 'lobby');
}

function join(name) {
  const error = byId('chat-error');
  if (!isRoomName(name)) {
    setText(error, 'A room name is lower-case letters, digits, _ and -, starting with a letter or digit.');
    byId('room-input').focus();
    return;
  }
  if (!client) {
    setText(error, 'Choose your name first.');
    byId('name-input').focus();
    return;
  }
  if (room?.room === name) return;
  room?.close();
  room = client.room(name);
  chat.show(room);
  chatState.follow(room);
  rooms.add(name);
  byId('room-input').value = name;
  renderRooms();
  remember();
  byId('message-input').focus();
}

function renderRooms() {
  const list = byId('room-list');
  list.replaceChildren(...[...rooms].map((name) => el('li', {},
    el('button', {
      type: 'button',
      class: 'room',
      'data-testid': `room-${name}`,
      'aria-current': room?.room === name ? 'page' : undefined,
    }, `#${name}`))));
  for (const button of list.querySelectorAll('button')) {
    button.addEventListener('click', () => join(button.textContent.slice(1)));
  }
}

/** Keeps ?user= and ?room= in the address, so Reload comes back to the same place. */
function remember() {
  const url = new URL(location.href);
  if (identity?.user) url.searchParams.set('user', identity.user);
  if (room) url.searchParams.set('room', room.room);
  history.replaceState(null, '', url);
}

byId('name-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = byId('name-input').value.trim();
  if (!isUserId(name)) {
    setText(byId('chat-error'), 'A name is 1 to 64 letters, digits, _ . @ or -.');
    byId('name-input').setAttribute('aria-invalid', 'true');
    byId('name-input').focus();
    return;
  }
  byId('name-input').removeAttribute('aria-invalid');
  setText(byId('chat-error'), '');
  start({ user: name });
});

byId('room-form').addEventListener('submit', (event) => {
  event.preventDefault();
  join(byId('room-input').value.trim());
});

byId('message-form').addEventListener('submit', (event) => {
  event.preventDefault();
  chat.send();
  byId('message-input').focus();
});

byId('message-input').addEventListener('input', () => chat.typing());

byId('topic-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const topic = byId('topic-input').value.trim();
  if (!isTopicName(topic)) {
    setText(byId('notify-error'), 'A topic name is lower-case letters, digits, _ and -.');
    return;
  }
  inbox.follow(topic);
  byId('topic-input').value = '';
});

byId('reload-button').addEventListener('click', () => location.reload());
byId('dismiss-notice').addEventListener('click', () => {
  chat.hideNotice();
  byId('message-input').focus();
});

renderRooms();
const params = new URLSearchParams(location.search);
const hash = new URLSearchParams(location.hash.slice(1));
if (params.get('room') && isRoomName(params.get('room'))) byId('room-input').value = params.get('room');
if (hash.get('access_token')) {
  start({ token: hash.get('access_token') });
} else if (params.get('user') && isUserId(params.get('user'))) {
  byId('name-input').value = params.get('user');
  start({ user: params.get('user') });
} else {
  byId('name-input').focus();
}
