import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Notifications } from '../../main/webapp/notifications.js';
import { fakeOptions, flush, record } from './fakes.js';

const item = (seq, fields = {}) => ({ type: 'notification', id: `n${seq}`, seq, title: `t${seq}`, body: '', data: {}, at: '2026-11-24T20:00:00Z', ...fields });
const welcome = (fields = {}) => ({ type: 'welcome', user: 'alice', seq: 0, epoch: 'i1', unread: 0, notifications: [], ...fields });

function stream(overrides = {}) {
  const fake = fakeOptions({ pingInterval: 0, user: 'alice', ...overrides });
  const n = new Notifications(fake.options);
  return { ...fake, stream: n, last: () => fake.WebSocket.instances.at(-1) };
}

async function open(t, frame) {
  if (t.stream.socket.state === 'disconnected') t.stream.connect();
  await flush();
  const ws = t.last();
  ws.serverOpen();
  ws.serverSend(frame);
  return ws;
}

async function reconnect(t) {
  t.last().serverClose(1001);
  t.clock.advance(60000);
  await flush();
  const ws = t.last();
  ws.serverOpen();
  return ws;
}

test('the inbox delivers each notification once and counts the unread ones', async () => {
  const t = stream();
  const items = record(t.stream, 'notification');
  const unread = record(t.stream, 'unread');
  const ws = await open(t, welcome({ seq: 1, unread: 1, notifications: [item(1)] }));
  ws.serverSend(item(1));
  ws.serverSend(item(2));
  assert.deepEqual(items.map((i) => i.seq), [1, 2]);
  assert.deepEqual(unread.map((u) => u.count), [1, 2]);
});

test('mark all read sends read up to the latest seq; the unread frame sets the count', async () => {
  const t = stream();
  const unread = record(t.stream, 'unread');
  const ws = await open(t, welcome({ seq: 3, unread: 3, notifications: [item(1), item(2), item(3)] }));
  t.stream.markAllRead();
  const [read] = ws.sentOfType('read');
  assert.equal(read.seq, 3);
  ws.serverSend({ type: 'unread', count: 0, readUpTo: 3, ref: read.ref });
  assert.deepEqual(unread.at(-1), { count: 0, readUpTo: 3 });
});

test('an unread frame from another tab clears the count', async () => {
  const t = stream();
  const ws = await open(t, welcome({ seq: 2, unread: 2 }));
  ws.serverSend({ type: 'unread', count: 0, readUpTo: 2 });
  assert.equal(t.stream.unread, 0);
});

test('a reconnect resumes the inbox with since and epoch', async () => {
  const t = stream();
  await open(t, welcome({ seq: 4, unread: 0 }));
  const ws = await reconnect(t);
  assert.equal(ws.query.get('since'), '4');
  assert.equal(ws.query.get('epoch'), 'i1');
});

test('topics are subscribed again after a reconnect, from where they left off', async () => {
  const t = stream();
  const items = record(t.stream, 'notification');
  let ws = await open(t, welcome());
  t.stream.subscribe('deploys');
  const [first] = ws.sentOfType('subscribe');
  assert.deepEqual(Object.keys(first).sort(), ['ref', 'topic', 'type']);
  ws.serverSend({ type: 'subscribed', ref: first.ref, topic: 'deploys', seq: 2, epoch: 't1', recovered: false, notifications: [item(1, { topic: 'deploys' }), item(2, { topic: 'deploys' })] });
  ws.serverSend(item(3, { topic: 'deploys' }));
  ws = await reconnect(t);
  ws.serverSend(welcome());
  const [again] = ws.sentOfType('subscribe');
  assert.equal(again.topic, 'deploys');
  assert.equal(again.since, 3);
  assert.equal(again.epoch, 't1');
  ws.serverSend({ type: 'subscribed', ref: again.ref, topic: 'deploys', seq: 4, epoch: 't1', recovered: true, notifications: [item(3, { topic: 'deploys' }), item(4, { topic: 'deploys' })] });
  assert.deepEqual(items.map((i) => i.seq), [1, 2, 3, 4]);
});

test('a read asked for while disconnected is sent after the welcome', async () => {
  const t = stream();
  let ws = await open(t, welcome({ seq: 5, unread: 5 }));
  ws.serverClose(1006);
  t.stream.read(5);
  t.clock.advance(60000);
  await flush();
  ws = t.last();
  ws.serverOpen();
  ws.serverSend(welcome({ seq: 5, unread: 5, recovered: true }));
  assert.deepEqual(ws.sentOfType('read').map((r) => r.seq), [5]);
});
