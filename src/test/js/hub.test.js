// One connection for all tabs (issue 13, part 1): the Hub that runs in the shared worker, driven
// through the tab side (SharedClient) over fake ports, against the fake WebSocket.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hub } from '../../main/webapp/hub.js';
import { identityKey, jwtSubject, SharedClient } from '../../main/webapp/shared.js';
import { ChatRoom } from '../../main/webapp/chat.js';
import { Notifications } from '../../main/webapp/notifications.js';
import { createClient } from '../../main/webapp/switchboard.js';
import {
  FakeClock, FakeMessageChannel, fakeSharedWorkerClass, fakeWebSocketClass, record, settle,
} from './fakes.js';

const at = '2026-11-24T20:00:00Z';
const msg = (seq, text = `m${seq}`, from = 'bob') => ({ type: 'message', room: 'lobby', seq, from, name: from, text, at });
const welcome = (fields = {}) => ({
  type: 'welcome', room: 'lobby', user: 'alice', count: 2, members: ['alice', 'bob'], seq: 0, epoch: 'e1', messages: [], ...fields,
});
const item = (seq, fields = {}) => ({ type: 'notification', id: `n${seq}`, seq, title: `t${seq}`, body: '', data: {}, at, ...fields });
const inboxWelcome = (fields = {}) => ({ type: 'welcome', user: 'alice', seq: 0, epoch: 'i1', unread: 0, notifications: [], ...fields });

/** A browser: one clock, one fake network, one shared worker (a Hub) for the tabs it opens. */
function browser({ hub: hubOptions = {}, worker } = {}) {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const env = { WebSocket, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, now: () => clock.now, random: () => 1 };
  const w = { clock, WebSocket, hubs: [] };
  w.newHub = () => {
    w.hub = new Hub({ ...env, ...hubOptions });
    w.hubs.push(w.hub);
    return w.hub;
  };
  w.newHub();
  w.SharedWorker = worker ?? fakeSharedWorkerClass(() => w.hub);
  w.tab = (options = {}) => {
    const window = new EventTarget();
    const document = new EventTarget();
    document.visibilityState = 'visible';
    const client = new SharedClient({ user: 'alice', base: 'http://127.0.0.1:8080/', pingInterval: 0, ...options }, {
      SharedWorker: w.SharedWorker,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      now: () => clock.now,
      window,
      document,
      MessageChannel: FakeMessageChannel,
      hub: env,
    });
    return { client, window, leave: () => window.dispatchEvent(new Event('pagehide')) };
  };
  /** The latest WebSocket to `path` (such as '/chat/lobby'). */
  w.last = (path) => WebSocket.instances.filter((ws) => new URL(ws.url).pathname.endsWith(path)).at(-1);
  /** WebSockets neither side has closed. */
  w.open = () => WebSocket.instances.filter((ws) => ws.closedWith === null && ws.readyState !== WebSocket.CLOSED);
  /** Time passes in small steps, so that tabs answer the worker's pings as they would. */
  w.tick = async (ms, step = 500) => {
    for (let passed = 0; passed < ms; passed += step) {
      clock.advance(Math.min(step, ms - passed));
      await settle();
    }
  };
  return w;
}

async function welcomed(w, path, frame) {
  await settle();
  const ws = w.last(path);
  ws.serverOpen();
  ws.serverSend(frame);
  await settle();
  return ws;
}

test('three tabs of one user in one room make one chat socket, and each tab gets every message', async () => {
  const w = browser();
  const rooms = [w.tab(), w.tab(), w.tab()].map((tab) => tab.client.room('lobby'));
  const got = rooms.map((room) => record(room, 'message'));
  const ws = await welcomed(w, '/chat/lobby', welcome({ seq: 1, messages: [msg(1)] }));
  ws.serverSend(msg(2));
  await settle();
  assert.equal(w.WebSocket.instances.length, 1);
  assert.equal(ws.url, 'ws://127.0.0.1:8080/chat/lobby?user=alice');
  for (const room of rooms) assert.equal(room.state, 'connected');
  for (const seen of got) assert.deepEqual(seen.map((m) => m.seq), [1, 2]);
  assert.deepEqual(w.SharedWorker.made[0].options, { type: 'module', name: 'switchboard http://127.0.0.1:8080/ user:alice' });
  assert.ok(w.SharedWorker.made[0].url.endsWith('/switchboard-worker.js'));
  assert.deepEqual(w.hub.channels, new Map([['room:lobby', 3]]));
});

test('one socket per room: two rooms in three tabs make two', async () => {
  const w = browser();
  w.tab().client.room('lobby');
  w.tab().client.room('general');
  w.tab().client.room('lobby');
  await settle();
  assert.deepEqual(w.WebSocket.instances.map((ws) => new URL(ws.url).pathname).sort(), ['/chat/general', '/chat/lobby']);
});

test('a tab that opens a room the worker already has gets a welcome built from the worker\'s state', async () => {
  const w = browser();
  const first = w.tab().client.room('lobby');
  const ws = await welcomed(w, '/chat/lobby', welcome({ seq: 3, messages: [msg(1), msg(2), msg(3)], reads: { bob: 2 } }));
  ws.serverSend({ type: 'presence', event: 'join', user: 'carol', count: 3 });
  ws.serverSend({ type: 'receipt', user: 'bob', readUpTo: 3 });
  ws.serverSend(msg(4, 'hello', 'carol'));
  await settle();

  const late = w.tab().client.room('lobby');
  const welcomes = record(late, 'welcome');
  const messages = record(late, 'message');
  const states = record(late, 'state');
  await settle();
  assert.equal(w.WebSocket.instances.length, 1, 'no second socket');
  assert.equal(welcomes.length, 1);
  const [hello] = welcomes;
  assert.deepEqual([hello.user, hello.count, hello.members, hello.seq, hello.epoch, hello.reads, hello.resumed],
    ['alice', 3, ['alice', 'bob', 'carol'], 4, 'e1', { bob: 3 }, false]);
  assert.deepEqual(hello.messages.map((m) => m.seq), [1, 2, 3, 4]);
  assert.deepEqual(messages.map((m) => m.seq), [1, 2, 3, 4]);
  assert.deepEqual(states.map((s) => s.state), ['connected']);
  assert.deepEqual([late.count, [...late.members], late.user, late.seenBy(3)], [3, ['alice', 'bob', 'carol'], 'alice', ['bob']]);
  assert.equal(first.state, 'connected');
});

test('notifications: one socket; topics are per tab; the subscribed answer goes to the tab that asked', async () => {
  const w = browser();
  const a = w.tab().client.notifications();
  const b = w.tab().client.notifications();
  const aItems = record(a, 'notification');
  const bItems = record(b, 'notification');
  const aSubscribed = record(a, 'subscribed');
  const bSubscribed = record(b, 'subscribed');
  const ws = await welcomed(w, '/notifications', inboxWelcome({ seq: 1, unread: 1, notifications: [item(1)] }));
  assert.equal(w.WebSocket.instances.length, 1);

  a.subscribe('deploys');
  await settle();
  const [subscribe] = ws.sentOfType('subscribe');
  assert.equal(subscribe.topic, 'deploys');
  ws.serverSend({ type: 'subscribed', ref: subscribe.ref, topic: 'deploys', seq: 5, epoch: 't1', recovered: false, notifications: [item(5, { topic: 'deploys' })] });
  ws.serverSend(item(6, { topic: 'deploys' }));
  ws.serverSend(item(2));
  await settle();
  assert.deepEqual(aSubscribed.map((s) => s.topic), ['deploys']);
  assert.deepEqual(bSubscribed, []);
  assert.deepEqual(aItems.map((i) => [i.seq, i.topic]), [[1, undefined], [5, 'deploys'], [6, 'deploys'], [2, undefined]]);
  assert.deepEqual(bItems.map((i) => [i.seq, i.topic]), [[1, undefined], [2, undefined]], 'the inbox reaches every tab, the topic only its follower');

  b.subscribe('deploys');
  await settle();
  assert.equal(ws.sentOfType('subscribe').length, 1, 'the worker already follows it');
  assert.deepEqual(bSubscribed.map((s) => [s.topic, s.epoch]), [['deploys', 't1']]);
  assert.deepEqual(bItems.slice(2).map((i) => i.seq), [5, 6], 'with what the worker has of it');

  a.unsubscribe('deploys');
  await settle();
  assert.equal(ws.sentOfType('unsubscribe').length, 0, 'b still follows it');
  ws.serverSend(item(7, { topic: 'deploys' }));
  await settle();
  assert.equal(aItems.at(-1).seq, 2);
  assert.equal(bItems.at(-1).seq, 7);
  b.unsubscribe('deploys');
  await settle();
  assert.deepEqual(ws.sentOfType('unsubscribe').map((f) => f.topic), ['deploys']);
});

test('unread and reads are shared: a tab marking read updates every tab', async () => {
  const w = browser();
  const a = w.tab().client.notifications();
  const b = w.tab().client.notifications();
  const ws = await welcomed(w, '/notifications', inboxWelcome({ seq: 3, unread: 3 }));
  assert.equal(b.unread, 3);
  a.markAllRead();
  await settle();
  assert.deepEqual(ws.sentOfType('read').map((f) => f.seq), [3]);
  ws.serverSend({ type: 'unread', count: 0, readUpTo: 3 });
  await settle();
  assert.deepEqual([a.unread, b.unread, b.readUpTo], [0, 0, 3]);
});

test('the socket closes when the last tab that needs it goes, and not before', async () => {
  const w = browser();
  const tabs = [w.tab(), w.tab(), w.tab()];
  for (const tab of tabs) {
    tab.client.room('lobby');
    tab.client.notifications();
  }
  await welcomed(w, '/chat/lobby', welcome());
  await welcomed(w, '/notifications', inboxWelcome());
  assert.equal(w.open().length, 2);
  tabs[0].leave();
  await settle();
  tabs[1].leave();
  await settle();
  assert.equal(w.open().length, 2, 'one tab is left');
  tabs[2].leave();
  await settle();
  assert.equal(w.open().length, 0);
  assert.deepEqual(w.WebSocket.instances.map((ws) => ws.closedWith?.code), [1000, 1000]);
  assert.equal(w.hub.tabs, 0);
});

test('closing a room in one tab keeps it for the others; closing it in the last closes the socket', async () => {
  const w = browser();
  const a = w.tab().client.room('lobby');
  const b = w.tab().client.room('lobby');
  await welcomed(w, '/chat/lobby', welcome());
  const closes = record(a, 'close');
  a.close();
  await settle();
  assert.equal(a.state, 'disconnected');
  assert.deepEqual(closes.map((c) => [c.code, c.willReconnect]), [[1000, false]]);
  assert.equal(w.open().length, 1);
  w.last('/chat/lobby').serverSend(msg(1));
  await settle();
  assert.equal(b.position.seq, 1);
  b.close();
  await settle();
  assert.equal(w.open().length, 0);
});

test('a tab that stops answering the heartbeat counts as gone: its sockets close', async () => {
  const w = browser({ hub: { heartbeat: 1000, deadAfter: 5000 } });
  const crashed = w.tab();
  const room = crashed.client.room('lobby');
  await welcomed(w, '/chat/lobby', welcome());
  await w.tick(3000);
  assert.equal(w.open().length, 1, 'a live tab answers the pings');
  assert.equal(room.state, 'connected');
  w.SharedWorker.made[0].port.close(); // the tab crashed: no pagehide, no answers
  await w.tick(4000);
  assert.equal(w.open().length, 1, 'not yet');
  await w.tick(3000);
  assert.equal(w.open().length, 0);
  assert.equal(w.hub.tabs, 0);
});

test('a message typed during an outage is sent once after the reconnect, even when its tab has gone', async () => {
  const w = browser();
  const tabA = w.tab();
  const a = tabA.client.room('lobby');
  const b = w.tab().client.room('lobby');
  const bMessages = record(b, 'message');
  const bAcks = record(b, 'ack');
  let ws = await welcomed(w, '/chat/lobby', welcome({ seq: 1, messages: [msg(1)] }));
  ws.serverClose(1001); // the server restarts
  await settle();
  assert.equal(b.state, 'connecting');
  const ref = a.say('typed during the outage');
  await settle();
  tabA.leave();
  await settle();
  await w.tick(1000); // the first retry (random() is 1: after minDelay)
  ws = w.last('/chat/lobby');
  assert.equal(w.WebSocket.instances.length, 2);
  assert.equal(ws.query.get('since'), '1');
  ws.serverOpen();
  await settle();
  assert.equal(ws.sentOfType('say').length, 0, 'not before the welcome');
  ws.serverSend(welcome({ seq: 1, recovered: true }));
  await settle();
  assert.deepEqual(ws.sentOfType('say'), [{ type: 'say', text: 'typed during the outage', ref }]);
  ws.serverSend({ type: 'ack', ref, seq: 2 });
  ws.serverSend(msg(2, 'typed during the outage', 'alice'));
  await settle();
  assert.deepEqual(bMessages.map((m) => m.text), ['m1', 'typed during the outage']);
  assert.deepEqual(bAcks, [], 'the ack is for the tab that said it');
  ws.serverClose(1001);
  await w.tick(60000, 10000);
  ws = w.last('/chat/lobby');
  ws.serverOpen();
  ws.serverSend(welcome({ seq: 2, recovered: true }));
  await settle();
  assert.equal(ws.sentOfType('say').length, 0, 'acknowledged: never sent again');
});

test('a room whose last tab left with a message still unacknowledged stays open until the ack, then closes', async () => {
  const w = browser();
  const tab = w.tab();
  tab.client.notifications(); // the tab that keeps the worker alive is elsewhere
  const room = w.tab().client.room('lobby');
  let ws = await welcomed(w, '/chat/lobby', welcome());
  ws.serverClose(1006);
  await settle();
  const ref = room.say('last words');
  await settle();
  room.close();
  await settle();
  await w.tick(1000);
  ws = w.last('/chat/lobby');
  assert.equal(w.WebSocket.instances.filter((s) => s.url.includes('/chat/')).length, 2, 'it reconnected with no tab in it');
  ws.serverOpen();
  ws.serverSend(welcome({ recovered: true }));
  await settle();
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [ref]);
  assert.equal(ws.closedWith, null);
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  await settle();
  assert.equal(ws.closedWith?.code, 1000, 'delivered: now it closes');
  assert.deepEqual(w.hub.channels, new Map([['notifications', 1]]));
});

test('a draining room gives up after drainTimeout', async () => {
  const w = browser({ hub: { drainTimeout: 30000 } });
  const room = w.tab().client.room('lobby');
  const ws = await welcomed(w, '/chat/lobby', welcome());
  room.say('never acknowledged');
  await settle();
  room.close();
  await w.tick(29000, 1000);
  assert.equal(ws.closedWith, null);
  await w.tick(2000, 1000);
  assert.equal(ws.closedWith?.code, 1000);
});

test('acks and errors with a ref go to the tab that said it; history answers the tab that asked', async () => {
  const w = browser();
  const a = w.tab().client.room('lobby');
  const b = w.tab().client.room('lobby');
  const [aAcks, bAcks, aErrors, bErrors] = [record(a, 'ack'), record(b, 'ack'), record(a, 'error'), record(b, 'error')];
  const ws = await welcomed(w, '/chat/lobby', welcome({ seq: 60 }));
  const good = a.say('good');
  const bad = b.say('bad');
  await settle();
  ws.serverSend({ type: 'ack', ref: good, seq: 61 });
  ws.serverSend({ type: 'error', code: 'invalid', message: 'no', ref: bad });
  ws.serverSend({ type: 'error', code: 'rate_limited', message: 'slow down' });
  await settle();
  assert.deepEqual(aAcks, [{ ref: good, seq: 61 }]);
  assert.deepEqual(bAcks, []);
  assert.deepEqual(a.pending, []);
  assert.deepEqual(b.pending, [], 'an invalid say is not kept');
  assert.deepEqual(aErrors.map((e) => e.ref), [undefined]);
  assert.deepEqual(bErrors.map((e) => e.ref), [bad, undefined]);

  const page = b.history({ before: 11, limit: 2 });
  await settle();
  const [request] = ws.sentOfType('history');
  assert.deepEqual([request.before, request.limit], [11, 2]);
  ws.serverSend({ type: 'history', ref: request.ref, messages: [msg(9), msg(10)], more: true });
  assert.deepEqual(await page, { messages: [msg(9), msg(10)], more: true });
});

test('read receipts through the worker: a coalesced read frame, receipts and "seen by" in every tab', async () => {
  const w = browser();
  const a = w.tab().client.room('lobby');
  const b = w.tab().client.room('lobby');
  const receipts = record(b, 'receipt');
  const ws = await welcomed(w, '/chat/lobby', welcome({ seq: 5, reads: { bob: 1 } }));
  a.read(3);
  b.read(5);
  a.read(4);
  await settle();
  w.clock.advance(1000);
  await settle();
  assert.deepEqual(ws.sentOfType('read').map((f) => f.seq), [3, 5], 'one frame at once, then the highest');
  ws.serverSend({ type: 'receipt', user: 'bob', readUpTo: 5 });
  ws.serverSend({ type: 'receipt', user: 'alice', readUpTo: 5 });
  await settle();
  assert.deepEqual(receipts, [{ user: 'bob', readUpTo: 5, previous: 1 }, { user: 'alice', readUpTo: 5, previous: 0 }]);
  assert.deepEqual(a.seenBy(5), ['alice', 'bob']);
  assert.deepEqual(b.seenBy(2), ['alice', 'bob']);
});

test('with a token, the worker asks a tab for a fresh one before every connection', async () => {
  const payload = Buffer.from(JSON.stringify({ sub: 'alice', exp: 2e9 })).toString('base64url');
  let n = 0;
  const w = browser();
  const room = w.tab({ user: undefined, token: async () => `h.${payload}.sig${++n}` }).client.room('lobby');
  await settle();
  assert.equal(w.SharedWorker.made[0].options.name, 'switchboard http://127.0.0.1:8080/ sub:alice');
  let ws = w.last('/chat/lobby');
  const first = ws.query.get('access_token');
  ws.serverOpen();
  ws.serverSend(welcome());
  ws.serverClose(4001);
  await w.tick(60000, 10000);
  ws = w.last('/chat/lobby');
  assert.notEqual(ws.query.get('access_token'), first);
  assert.match(ws.query.get('access_token'), /^h\..+\.sig\d+$/);
  assert.equal(ws.query.get('user'), null);
  assert.equal(room.state, 'connecting');
});

test('a tab the worker took for gone (frozen) attaches again; its unacknowledged say keeps its ref', async () => {
  const w = browser({ hub: { heartbeat: 1000, deadAfter: 5000 } });
  const frozen = w.tab();
  const a = frozen.client.room('lobby');
  const b = w.tab().client.room('lobby');
  const ws = await welcomed(w, '/chat/lobby', welcome());
  const ref = a.say('said just before the freeze');
  await settle();
  const port = w.SharedWorker.made[0].port;
  port.freeze();
  await w.tick(8000, 1000);
  assert.equal(w.hub.tabs, 1, 'the frozen tab was dropped');
  assert.equal(w.open().length, 1, 'b keeps the room open');
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  ws.serverSend(msg(1, 'said just before the freeze', 'alice'));
  await settle();
  port.thaw();
  await settle();
  assert.equal(w.hub.tabs, 2, 'it said hello again');
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [ref, ref], 'the same ref: the server acks it without posting it again');
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  await settle();
  assert.deepEqual(a.pending, []);
  assert.equal(b.state, 'connected');
});

test('when the worker cannot start, each tab runs its connections in the page with the same API', async () => {
  class BrokenWorker {
    constructor() {
      throw new Error('SecurityError');
    }
  }
  const w = browser({ worker: BrokenWorker });
  const a = w.tab();
  const b = w.tab();
  const rooms = [a.client.room('lobby'), b.client.room('lobby')];
  await settle();
  assert.equal(w.WebSocket.instances.length, 2, 'one socket per tab, as without a worker');
  assert.deepEqual([a.client.mode, b.client.mode], ['page', 'page']);
  for (const ws of w.WebSocket.instances) {
    ws.serverOpen();
    ws.serverSend(welcome());
  }
  await settle();
  const ref = rooms[0].say('hi');
  await settle();
  assert.deepEqual(w.WebSocket.instances[0].sentOfType('say').map((f) => f.ref), [ref]);
  assert.deepEqual(rooms.map((r) => r.state), ['connected', 'connected']);
});

test('a worker that never says hello (a failed module script) is given up after workerTimeout', async () => {
  class SilentWorker {
    constructor() {
      this.port = { postMessage() {}, close() {}, onmessage: null };
      this.onerror = null;
    }
  }
  const w = browser({ worker: SilentWorker });
  const room = w.tab({ workerTimeout: 3000 }).client.room('lobby');
  await settle();
  assert.equal(w.WebSocket.instances.length, 0);
  await w.tick(3000);
  assert.equal(w.WebSocket.instances.length, 1);
  w.WebSocket.instances[0].serverOpen();
  w.WebSocket.instances[0].serverSend(welcome());
  await settle();
  assert.equal(room.state, 'connected');
});

test('a killed worker is replaced, and the tab says its unacknowledged messages again with their refs', async () => {
  const w = browser();
  const room = w.tab({ workerDeadAfter: 10000 }).client.room('lobby');
  let ws = await welcomed(w, '/chat/lobby', welcome());
  const ref = room.say('in flight when the worker died');
  await settle();
  // The browser kills the worker: its sockets and its ports go with it.
  w.SharedWorker.made[0].hubPort.close();
  ws.serverClose(1006);
  w.newHub();
  await w.tick(16000, 1000);
  assert.equal(w.SharedWorker.made.length, 2, 'a new worker');
  ws = w.last('/chat/lobby');
  ws.serverOpen();
  ws.serverSend(welcome({ seq: 0 }));
  await settle();
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [ref]);
  assert.equal(room.state, 'connected');
});

test('frames cross the port only for tabs that listen to them', async () => {
  const w = browser();
  const a = w.tab().client.room('lobby');
  const b = w.tab().client.room('lobby');
  const frames = record(a, 'frame');
  const ws = await welcomed(w, '/chat/lobby', welcome());
  ws.serverSend(msg(1));
  await settle();
  assert.deepEqual(frames.map((f) => f.type), ['welcome', 'message']);
  const port = w.SharedWorker.made[1].hubPort;
  const sent = [];
  const original = port.postMessage.bind(port);
  port.postMessage = (message) => {
    sent.push(message);
    original(message);
  };
  ws.serverSend(msg(2));
  await settle();
  assert.deepEqual(sent.map((m) => m.type), ['message'], 'b gets no frame events');
  assert.ok(b);
});

test('the identity key names the server and the user, or the token\'s subject', async () => {
  const token = `x.${Buffer.from('{"sub":"bob@example.com","name":"Bob"}').toString('base64url')}.y`;
  assert.equal(jwtSubject(token), 'bob@example.com');
  assert.equal(jwtSubject('not a jwt'), null);
  assert.equal(jwtSubject(`x.${Buffer.from('{"name":"no sub"}').toString('base64url')}.y`), null);
  assert.equal(await identityKey({ user: 'alice', base: 'http://127.0.0.1:8080' }), 'http://127.0.0.1:8080/ user:alice');
  assert.equal(await identityKey({ token: async () => token, base: 'ws://h:1/app/' }), 'http://h:1/app/ sub:bob@example.com');
  assert.equal(await identityKey({ base: 'http://h/' }), null);
});

test('without SharedWorker (or with shared: false) createClient gives each tab its own connections', () => {
  const client = createClient({ user: 'alice', base: 'http://127.0.0.1:8080/', shared: false, WebSocket: fakeWebSocketClass() });
  const room = client.room('lobby');
  const notifications = client.notifications();
  assert.ok(room instanceof ChatRoom);
  assert.ok(notifications instanceof Notifications);
  assert.equal(client.mode, 'page');
  room.close();
  notifications.close();
});

// --- issue 9: says the store could not take, retried by the worker ---

const unavailable = (ref) => ({ type: 'error', code: 'unavailable', message: 'the store cannot be reached', ref });

test('through the worker an unavailable say stays pending in its tab and the worker retries it with the same ref', async () => {
  const w = browser();
  const a = w.tab().client.room('lobby');
  const b = w.tab().client.room('lobby');
  const [aErrors, aUnsent, aAcks, bUnsent, bErrors] = [record(a, 'error'), record(a, 'unsent'), record(a, 'ack'), record(b, 'unsent'), record(b, 'error')];
  const ws = await welcomed(w, '/chat/lobby', welcome());
  const ref = a.say('store is down');
  await settle();
  ws.serverSend(unavailable(ref));
  await settle();
  assert.deepEqual(aErrors, [], 'not failed');
  assert.deepEqual(aUnsent.map((u) => [u.ref, u.code, u.delay]), [[ref, 'unavailable', 500]]);
  assert.deepEqual([bUnsent, bErrors], [[], []], 'only the tab that said it hears of it');
  assert.deepEqual([a.pending, a.unsent], [[ref], [ref]]);
  await w.tick(500, 250);
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [ref, ref], 'the same ref, over the same socket');
  ws.serverSend(unavailable(ref));
  await settle();
  assert.equal(aUnsent.at(-1).delay, 1000, 'the backoff grew');
  await w.tick(1000, 250);
  assert.equal(ws.sentOfType('say').length, 3);
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  await settle();
  assert.deepEqual(aAcks, [{ ref, seq: 1 }], 'acknowledged once');
  assert.deepEqual([a.pending, a.unsent], [[], []]);
  assert.equal(w.WebSocket.instances.length, 1);
});

test('a tab closed while its say is retried for unavailable does not stop the retry, even past drainTimeout', async () => {
  const w = browser({ hub: { drainTimeout: 30000 } });
  const keeper = w.tab();
  keeper.client.notifications(); // a tab elsewhere keeps the worker alive
  const tab = w.tab();
  const room = tab.client.room('lobby');
  const ws = await welcomed(w, '/chat/lobby', welcome());
  const ref = room.say('said, then the tab closed');
  await settle();
  tab.leave();
  await settle();
  let rounds = 0;
  for (let i = 0; i < 6; i++) {
    ws.serverSend(unavailable(ref));
    await w.tick(30000, 5000); // the backoff reaches its 30 s cap; drainTimeout passes meanwhile
    rounds += 1;
  }
  assert.equal(ws.closedWith, null, 'still open while the store is down');
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), Array(rounds + 1).fill(ref));
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  await settle();
  assert.equal(ws.closedWith?.code, 1000, 'stored: now it closes');
  assert.deepEqual(w.hub.channels, new Map([['notifications', 1]]));
});

test('through the worker a say given up after giveUpUnavailable is an error in its tab and leaves its pending list', async () => {
  const w = browser();
  const a = w.tab({ giveUpUnavailable: 60000 }).client.room('lobby');
  const errors = record(a, 'error');
  const ws = await welcomed(w, '/chat/lobby', welcome());
  const ref = a.say('never stored');
  await settle();
  for (let i = 0; i < 10 && a.pending.length > 0; i++) {
    ws.serverSend(unavailable(ref));
    await w.tick(30000, 5000);
  }
  assert.deepEqual(a.pending, []);
  assert.deepEqual(errors.map((e) => [e.code, e.ref]), [['unavailable', ref]]);
  const sent = ws.sentOfType('say').length;
  await w.tick(60000, 10000);
  assert.equal(ws.sentOfType('say').length, sent, 'not sent again');
});
