import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatRoom } from '../../main/webapp/chat.js';
import { fakeOptions, flush, record } from './fakes.js';

const at = '2026-11-24T20:00:00Z';
const msg = (seq, text = `m${seq}`, from = 'bob') => ({ type: 'message', room: 'lobby', seq, from, name: from, text, at });
const welcome = (fields = {}) => ({
  type: 'welcome', room: 'lobby', user: 'alice', count: 1, members: ['alice'], seq: 0, epoch: 'e1', messages: [], ...fields,
});

function room(overrides = {}) {
  const fake = fakeOptions({ pingInterval: 0, user: 'alice', ...overrides });
  const r = new ChatRoom('lobby', fake.options);
  return { ...fake, room: r, last: () => fake.WebSocket.instances.at(-1) };
}

async function open(t, frame) {
  if (t.room.socket.state === 'disconnected') t.room.connect();
  await flush();
  const ws = t.last();
  ws.serverOpen();
  ws.serverSend(frame);
  return ws;
}

async function reconnect(t, code = 1001) {
  t.last().serverClose(code);
  t.clock.advance(60000);
  await flush();
  return t.last();
}

test('the first connection sends no since; it is connected only after the welcome', async () => {
  const t = room();
  const states = record(t.room, 'state');
  t.room.connect();
  await flush();
  const ws = t.last();
  assert.equal(ws.url, 'ws://127.0.0.1:8080/chat/lobby?user=alice');
  ws.serverOpen();
  assert.equal(t.room.state, 'connecting');
  ws.serverSend(welcome());
  assert.deepEqual(states.map((s) => s.state), ['connecting', 'connected']);
});

test('welcome messages and live messages reach the app once each, in order', async () => {
  const t = room();
  const messages = record(t.room, 'message');
  const ws = await open(t, welcome({ seq: 2, messages: [msg(1), msg(2)] }));
  ws.serverSend(msg(2));
  ws.serverSend(msg(3));
  ws.serverSend(msg(3));
  assert.deepEqual(messages.map((m) => m.seq), [1, 2, 3]);
});

test('a reconnect resumes with since and epoch; recovered messages are not repeated', async () => {
  const t = room();
  const messages = record(t.room, 'message');
  const recoveries = record(t.room, 'recovery');
  let ws = await open(t, welcome({ seq: 2, messages: [msg(1), msg(2)] }));
  ws = await reconnect(t);
  assert.equal(ws.query.get('since'), '2');
  assert.equal(ws.query.get('epoch'), 'e1');
  ws.serverOpen();
  ws.serverSend(welcome({ seq: 4, recovered: true, messages: [msg(2), msg(3), msg(4)] }));
  assert.deepEqual(messages.map((m) => m.seq), [1, 2, 3, 4]);
  assert.deepEqual(recoveries, [{ recovered: true, epochChanged: false }]);
});

test('recovered: false after a restart is surfaced, with the new epoch\'s messages', async () => {
  const t = room();
  const messages = record(t.room, 'message');
  const recoveries = record(t.room, 'recovery');
  let ws = await open(t, welcome({ seq: 5, messages: [msg(4), msg(5)] }));
  ws = await reconnect(t);
  ws.serverOpen();
  ws.serverSend(welcome({ seq: 1, epoch: 'e2', recovered: false, messages: [msg(1, 'after restart')] }));
  assert.deepEqual(recoveries, [{ recovered: false, epochChanged: true }]);
  assert.deepEqual(messages.map((m) => m.text), ['m4', 'm5', 'after restart']);
  ws = await reconnect(t);
  assert.equal(ws.query.get('since'), '1');
  assert.equal(ws.query.get('epoch'), 'e2');
});

test('a message said while disconnected goes out once, after the welcome, and waits for its ack', async () => {
  const t = room();
  let ws = await open(t, welcome());
  ws.serverClose(1006);
  const ref = t.room.say('typed offline');
  assert.deepEqual(t.room.pending, [ref]);
  t.clock.advance(60000);
  await flush();
  ws = t.last();
  ws.serverOpen();
  assert.equal(ws.sentOfType('say').length, 0, 'nothing before the welcome');
  ws.serverSend(welcome({ recovered: true }));
  assert.deepEqual(ws.sentOfType('say'), [{ type: 'say', text: 'typed offline', ref }]);
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  assert.deepEqual(t.room.pending, []);
  ws = await reconnect(t);
  ws.serverOpen();
  ws.serverSend(welcome({ seq: 1, recovered: true }));
  assert.equal(ws.sentOfType('say').length, 0, 'an acknowledged message is not sent again');
});

test('an unacknowledged say is retried with the same ref after a reconnect', async () => {
  const t = room();
  let ws = await open(t, welcome());
  const ref = t.room.say('hello');
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [ref]);
  ws = await reconnect(t, 1006);
  ws.serverOpen();
  ws.serverSend(welcome({ recovered: true }));
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [ref]);
});

test('the pending queue is bounded', async () => {
  const t = room({ maxPending: 2 });
  t.room.connect();
  assert.ok(t.room.say('1'));
  assert.ok(t.room.say('2'));
  assert.equal(t.room.say('3'), null);
  assert.throws(() => t.room.say(''), RangeError);
  assert.throws(() => t.room.say('x'.repeat(4001)), RangeError);
});

test('an invalid say is dropped from the queue, a rate-limited one is sent again', async () => {
  const t = room({ retryRateLimited: 100 });
  const ws = await open(t, welcome());
  const bad = t.room.say('bad');
  const slow = t.room.say('slow');
  ws.serverSend({ type: 'error', code: 'invalid', message: 'no', ref: bad });
  ws.serverSend({ type: 'error', code: 'rate_limited', message: 'slow down', ref: slow });
  assert.deepEqual(t.room.pending, [slow]);
  t.clock.advance(100);
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [bad, slow, slow]);
});

test('a gap in seq reconnects to fill it from since', async () => {
  const t = room();
  const messages = record(t.room, 'message');
  let ws = await open(t, welcome({ seq: 1, messages: [msg(1)] }));
  ws.serverSend(msg(3));
  assert.deepEqual(messages.map((m) => m.seq), [1]);
  await flush();
  ws = t.last();
  assert.equal(t.WebSocket.instances.length, 2);
  assert.equal(ws.query.get('since'), '1');
});

test('presence keeps the member list and count', async () => {
  const t = room();
  const ws = await open(t, welcome({ count: 1, members: ['alice'] }));
  ws.serverSend({ type: 'presence', event: 'join', user: 'bob', count: 2 });
  assert.deepEqual([...t.room.members], ['alice', 'bob']);
  assert.equal(t.room.count, 2);
  ws.serverSend({ type: 'presence', event: 'leave', user: 'alice', count: 1 });
  assert.deepEqual([...t.room.members], ['bob']);
});

test('typing is throttled', async () => {
  let now = 0;
  const t = room({ now: () => now, typingInterval: 2000 });
  const ws = await open(t, welcome());
  t.room.typing();
  now = 1000;
  t.room.typing();
  now = 2000;
  t.room.typing();
  assert.equal(ws.sentOfType('typing').length, 2);
});

test('history resolves with the reply that carries its ref', async () => {
  const t = room();
  const ws = await open(t, welcome({ seq: 60 }));
  const page = t.room.history({ before: 11, limit: 10 });
  const [request] = ws.sentOfType('history');
  assert.equal(request.before, 11);
  assert.equal(request.limit, 10);
  ws.serverSend({ type: 'history', ref: 'other', messages: [], more: false });
  ws.serverSend({ type: 'history', ref: request.ref, messages: [msg(1), msg(2)], more: true });
  assert.deepEqual(await page, { messages: [msg(1), msg(2)], more: true });
});

test('history is refused while disconnected and rejected when the connection drops', async () => {
  const t = room();
  await assert.rejects(t.room.history(), /not connected/);
  const ws = await open(t, welcome());
  const page = t.room.history();
  ws.serverClose(1006);
  await assert.rejects(page, /closed/);
});

test('a token is sent as access_token and asked for again on every connection', async () => {
  let n = 0;
  const t = room({ user: undefined, token: async () => `token-${++n}` });
  await open(t, welcome());
  const ws = await reconnect(t, 4001);
  assert.deepEqual(t.WebSocket.instances.map((w) => w.query.get('access_token')), ['token-1', 'token-2']);
  assert.equal(ws.query.get('user'), null);
});

test('a refused identity ends in disconnected with the close code', async () => {
  const t = room();
  const closes = record(t.room, 'close');
  t.room.connect();
  await flush();
  t.last().serverOpen();
  t.last().serverClose(4500, 'who are you');
  assert.equal(t.room.state, 'disconnected');
  assert.equal(closes[0].code, 4500);
  assert.equal(closes[0].willReconnect, false);
});

test('the first keystroke after sending a message says typing again at once', async () => {
  let now = 0;
  const t = room({ now: () => now, typingInterval: 2000 });
  const ws = await open(t, welcome());
  t.room.typing();
  t.room.say('done');
  now = 100;
  t.room.typing();
  assert.equal(ws.sentOfType('typing').length, 2);
});

// --- issue 9: a say the store could not take (`unavailable`) stays pending and is retried ---

function storeDown(overrides = {}) {
  const t = room(overrides);
  t.room._now = () => t.clock.now; // the room's clock is the fake one
  return t;
}

const unavailable = (ref) => ({ type: 'error', code: 'unavailable', message: 'the store cannot be reached', ref });

test('an unavailable say stays pending, is not reported as failed, and goes again with the same ref after a backoff', async () => {
  const t = storeDown();
  const [errors, unsent, acks] = [record(t.room, 'error'), record(t.room, 'unsent'), record(t.room, 'ack')];
  const ws = await open(t, welcome());
  const ref = t.room.say('store is down');
  ws.serverSend(unavailable(ref));
  assert.deepEqual(t.room.pending, [ref]);
  assert.deepEqual(t.room.unsent, [ref]);
  assert.deepEqual(errors, [], 'not an error: it is not lost');
  assert.deepEqual(unsent, [{ ref, code: 'unavailable', message: 'the store cannot be reached', delay: 500, since: 0 }]);
  t.clock.advance(499);
  assert.equal(ws.sentOfType('say').length, 1, 'nothing before the backoff');
  t.clock.advance(1);
  assert.deepEqual(ws.sentOfType('say'), [{ type: 'say', text: 'store is down', ref }, { type: 'say', text: 'store is down', ref }]);
  assert.equal(ws.closedWith, null, 'over the same connection');
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  ws.serverSend({ type: 'ack', ref, seq: 1 }); // a repeat is acknowledged with the first seq
  assert.deepEqual(acks, [{ ref, seq: 1 }], 'acknowledged exactly once');
  assert.deepEqual([t.room.pending, t.room.unsent], [[], []]);
  t.clock.advance(60000);
  assert.equal(ws.sentOfType('say').length, 2, 'never sent again');
  assert.equal(t.clock.pending, 0, 'no timer left');
});

test('the unavailable backoff grows with each round, up to retryUnavailableMax, and starts over after an ack', async () => {
  const t = storeDown({ retryUnavailable: 500, retryUnavailableMax: 4000 });
  const unsent = record(t.room, 'unsent');
  const ws = await open(t, welcome());
  const ref = t.room.say('hello');
  const sendTimes = [];
  for (let round = 0; round < 6; round++) {
    ws.serverSend(unavailable(ref));
    const before = ws.sentOfType('say').length;
    while (ws.sentOfType('say').length === before) t.clock.advance(100);
    sendTimes.push(t.clock.now);
  }
  assert.deepEqual(unsent.map((u) => u.delay), [500, 1000, 2000, 4000, 4000, 4000]);
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  const next = t.room.say('again');
  ws.serverSend(unavailable(next));
  assert.equal(unsent.at(-1).delay, 500, 'reset by the ack');
  assert.equal(unsent.at(-1).since, t.clock.now, 'a new say: its own clock');
});

test('the jitter is full: the wait is random() times the ceiling', async () => {
  const t = storeDown({ random: () => 0.25 });
  const unsent = record(t.room, 'unsent');
  const ws = await open(t, welcome());
  const ref = t.room.say('x');
  ws.serverSend(unavailable(ref));
  t.clock.advance(125);
  ws.serverSend(unavailable(ref));
  assert.deepEqual(unsent.map((u) => u.delay), [125, 250]);
});

test('says answered unavailable go again together, in order; a new say waits for the round', async () => {
  const t = storeDown();
  const ws = await open(t, welcome());
  const a = t.room.say('a');
  const b = t.room.say('b');
  ws.serverSend(unavailable(a));
  ws.serverSend(unavailable(b));
  const c = t.room.say('c');
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [a, b], 'c waits behind a and b');
  t.clock.advance(500);
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [a, b, a, b, c]);
  ws.serverSend({ type: 'ack', ref: a, seq: 1 });
  ws.serverSend({ type: 'ack', ref: b, seq: 2 });
  ws.serverSend({ type: 'ack', ref: c, seq: 3 });
  assert.deepEqual(t.room.pending, []);
  t.room.say('d');
  assert.equal(ws.sentOfType('say').length, 6, 'no round waiting: sent at once');
});

test('a say waiting for its retry goes with the next welcome after a reconnect, with the same ref', async () => {
  const t = storeDown();
  let ws = await open(t, welcome());
  const ref = t.room.say('hello');
  ws.serverSend(unavailable(ref));
  ws = await reconnect(t, 1006);
  ws.serverOpen();
  ws.serverSend(welcome({ recovered: true }));
  assert.deepEqual(ws.sentOfType('say').map((f) => f.ref), [ref]);
  t.clock.advance(60000);
  assert.equal(ws.sentOfType('say').length, 1, 'the old round does not send it a second time');
  ws.serverSend({ type: 'ack', ref, seq: 1 });
  assert.deepEqual(t.room.pending, []);
});

test('a say answered unavailable for giveUpUnavailable is given up: dropped and reported as an error', async () => {
  const t = storeDown({ giveUpUnavailable: 600000 });
  const [errors, unsent] = [record(t.room, 'error'), record(t.room, 'unsent')];
  const ws = await open(t, welcome());
  const ref = t.room.say('never stored');
  let rounds = 0;
  while (t.room.pending.length > 0) {
    ws.serverSend(unavailable(ref));
    t.clock.advance(30000);
    rounds += 1;
    assert.ok(rounds < 100);
  }
  assert.ok(t.clock.now >= 600000 && t.clock.now <= 630000, `given up after 10 minutes (${t.clock.now})`);
  assert.equal(unsent.length, rounds - 1);
  assert.deepEqual(errors, [{ source: 'server', code: 'unavailable', message: 'the store cannot be reached', ref }]);
  assert.deepEqual([t.room.pending, t.room.unsent], [[], []]);
  const sent = ws.sentOfType('say').length;
  t.clock.advance(60000);
  assert.equal(ws.sentOfType('say').length, sent, 'not sent again');
});

test('other error codes keep their behaviour while a say is retried for unavailable', async () => {
  const t = storeDown({ retryRateLimited: 100 });
  const errors = record(t.room, 'error');
  const ws = await open(t, welcome());
  const down = t.room.say('down');
  ws.serverSend(unavailable(down));
  const held = t.room.say('forbidden one'); // held for the round
  t.clock.advance(500);
  ws.serverSend({ type: 'error', code: 'forbidden', message: 'no', ref: held });
  assert.deepEqual(t.room.pending, [down], 'forbidden: dropped at once');
  assert.deepEqual(errors.map((e) => e.code), ['forbidden']);
  ws.serverSend({ type: 'error', code: 'unavailable', message: 'not a say of ours', ref: 'other' });
  assert.deepEqual(errors.map((e) => e.code), ['forbidden', 'unavailable'], 'an unavailable for no pending say is reported as before');
});

test('the pending bound holds while the store is down', async () => {
  const t = storeDown({ maxPending: 2 });
  const ws = await open(t, welcome());
  const a = t.room.say('a');
  ws.serverSend(unavailable(a));
  assert.ok(t.room.say('b'));
  assert.equal(t.room.say('c'), null);
});
