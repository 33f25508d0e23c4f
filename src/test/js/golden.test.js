// The golden frames the Java tests use (src/test/resources/golden) checked from the client side:
// the client writes the same client frames, and understands every server frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { encodeFrame, frames, parseFrame } from '../../main/webapp/protocol.js';
import { ChatRoom } from '../../main/webapp/chat.js';
import { Notifications } from '../../main/webapp/notifications.js';
import { fakeOptions, flush, record } from './fakes.js';

const golden = (side, name) => readFileSync(new URL(`../resources/golden/${side}/${name}.json`, import.meta.url), 'utf8');
const compact = (text) => JSON.stringify(JSON.parse(text));
const server = (name) => parseFrame(compact(golden('server', name)));

test('the client writes every golden client frame byte for byte', () => {
  const written = {
    history: frames.history(120, 20, 'h1'),
    ping: frames.ping('p1'),
    read: frames.read(7, 'r1'),
    say: frames.say('hello, world', 'c1'),
    subscribe: frames.subscribe('deploys', 41, 'k3x9a', 's1'),
    typing: frames.typing(),
    unsubscribe: frames.unsubscribe('deploys', 'u1'),
  };
  const files = readdirSync(new URL('../resources/golden/client/', import.meta.url)).map((f) => f.replace(/\.json$/, ''));
  assert.deepEqual(Object.keys(written).sort(), files.sort(), 'a golden client frame without a builder here');
  for (const [name, frame] of Object.entries(written)) assert.equal(encodeFrame(frame), compact(golden('client', name)), name);
});

test('every golden server frame parses', () => {
  for (const file of readdirSync(new URL('../resources/golden/server/', import.meta.url))) {
    const frame = parseFrame(compact(readFileSync(new URL(`../resources/golden/server/${file}`, import.meta.url), 'utf8')));
    assert.ok(frame, file);
  }
});

test('a chat room understands the golden chat frames', async () => {
  const fake = fakeOptions({ pingInterval: 0, user: 'alice' });
  const room = new ChatRoom('lobby', fake.options);
  const messages = record(room, 'message');
  const presence = record(room, 'presence');
  const typing = record(room, 'typing');
  const errors = record(room, 'error');
  const receipts = record(room, 'receipt');
  room.connect();
  await flush();
  const ws = fake.WebSocket.instances[0];
  ws.serverOpen();
  ws.serverSend(golden('server', 'welcome-chat'));
  assert.equal(room.state, 'connected');
  assert.deepEqual([...room.members], ['bob', 'alice']);
  assert.equal(room.receiptsSupported, true, 'welcome.reads says the server has receipts');
  assert.deepEqual(room.seenBy(2), ['bob']);
  ws.serverSend(golden('server', 'message'));
  assert.deepEqual(messages.map((m) => [m.seq, m.text]), [[2, 'hi'], [3, 'hello']]);
  ws.serverSend(golden('server', 'receipt'));
  assert.deepEqual(receipts, [{ user: 'bob', readUpTo: 3, previous: 2 }]);
  ws.serverSend(golden('server', 'presence'));
  assert.deepEqual(presence, [{ event: 'join', user: 'bob', count: 2 }]);
  ws.serverSend(golden('server', 'typing'));
  assert.deepEqual(typing, [{ user: 'bob' }]);
  ws.serverSend(golden('server', 'error'));
  assert.equal(errors[0].code, 'invalid');
  ws.serverSend(golden('server', 'pong'));
});

test('the notification stream understands the golden notification frames', async () => {
  const fake = fakeOptions({ pingInterval: 0, user: 'alice' });
  const stream = new Notifications(fake.options);
  const items = record(stream, 'notification');
  const unread = record(stream, 'unread');
  stream.subscribe('deploys');
  stream.connect();
  await flush();
  const ws = fake.WebSocket.instances[0];
  ws.serverOpen();
  ws.serverSend(golden('server', 'welcome-notifications'));
  assert.equal(stream.unread, 1);
  ws.serverSend(golden('server', 'subscribed'));
  ws.serverSend(golden('server', 'notification'));
  // The golden frames are separate examples: after `subscribed` at seq 12, seq 12 is no news.
  ws.serverSend({ ...server('notification'), seq: 13 });
  assert.deepEqual(items.map((i) => [i.topic, i.seq, i.title]), [[undefined, 1, 'Build failed'], ['deploys', 13, 'Deployed']]);
  ws.serverSend(golden('server', 'unread'));
  assert.deepEqual(unread.at(-1), { count: 0, readUpTo: 12 });
  const unsubscribed = record(stream, 'unsubscribed');
  ws.serverSend(golden('server', 'unsubscribed'));
  assert.deepEqual(unsubscribed, [{ topic: 'deploys' }]);
});
