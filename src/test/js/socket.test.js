import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Socket } from '../../main/webapp/socket.js';
import { fakeOptions, flush, record } from './fakes.js';

function socket(overrides = {}) {
  const fake = fakeOptions(overrides);
  const url = () => 'ws://127.0.0.1:8080/chat/lobby?user=a';
  const s = new Socket({ ...fake.options, url, pingInterval: 0 });
  return { ...fake, socket: s, last: () => fake.WebSocket.instances.at(-1) };
}

async function connected(t) {
  t.socket.connect();
  await flush();
  t.last().serverOpen();
  return t.last();
}

test('state goes connecting, connected, and back to connecting when the server goes away', async () => {
  const t = socket();
  const states = record(t.socket, 'state');
  const ws = await connected(t);
  ws.serverClose(1001, 'restart');
  assert.deepEqual(states.map((s) => s.state), ['connecting', 'connected', 'connecting']);
});

test('backoff is full jitter: uniform below a ceiling that doubles up to maxDelay', async () => {
  let roll = 1;
  const t = socket({ minDelay: 100, maxDelay: 1000, random: () => roll });
  const closes = record(t.socket, 'close');
  t.socket.connect();
  await flush();
  for (let i = 0; i < 6; i++) {
    t.last().serverClose(1006);
    t.clock.advance(closes.at(-1).delay);
    await flush();
  }
  assert.deepEqual(closes.map((c) => c.delay), [100, 200, 400, 800, 1000, 1000]);
  roll = 0.5;
  t.last().serverClose(1006);
  assert.equal(closes.at(-1).delay, 500);
  assert.equal(t.WebSocket.instances.length, 7);
});

test('a connection that stayed up for stableAfter resets the backoff', async () => {
  const t = socket({ minDelay: 100, stableAfter: 1000 });
  const closes = record(t.socket, 'close');
  let ws = await connected(t);
  ws.serverClose(1006);
  t.clock.advance(100);
  await flush();
  ws = t.last();
  ws.serverOpen();
  ws.serverClose(1006);
  assert.equal(closes.at(-1).delay, 200, 'a short-lived connection does not reset');
  t.clock.advance(200);
  await flush();
  t.last().serverOpen();
  t.clock.advance(1000);
  t.last().serverClose(1006);
  assert.equal(closes.at(-1).delay, 100);
});

for (const code of [1000, 1003, 1007, 1008, 1009, 4500, 4501, 4502, 4777]) {
  test(`close ${code} does not reconnect`, async () => {
    const t = socket();
    const closes = record(t.socket, 'close');
    const ws = await connected(t);
    ws.serverClose(code);
    t.clock.advance(60000);
    await flush();
    assert.equal(t.WebSocket.instances.length, 1);
    assert.equal(closes.at(-1).willReconnect, false);
    assert.equal(t.socket.state, 'disconnected');
  });
}

for (const code of [1001, 1006, 1011, 1013, 4000, 4001, 4321]) {
  test(`close ${code} reconnects`, async () => {
    const t = socket();
    const ws = await connected(t);
    ws.serverClose(code);
    t.clock.advance(60000);
    await flush();
    assert.equal(t.WebSocket.instances.length, 2);
    assert.equal(t.socket.state, 'connecting');
  });
}

test('maxRetries bounds the attempts in a row', async () => {
  const t = socket({ maxRetries: 2 });
  t.socket.connect();
  await flush();
  for (let i = 0; i < 5; i++) {
    t.last().serverClose(1006);
    t.clock.advance(60000);
    await flush();
  }
  assert.equal(t.WebSocket.instances.length, 3);
  assert.equal(t.socket.state, 'disconnected');
});

test('frames sent while disconnected wait in a bounded queue and go out on open', async () => {
  const t = socket({ maxQueue: 2 });
  t.socket.connect();
  assert.equal(t.socket.send({ type: 'ping', ref: '1' }), true);
  assert.equal(t.socket.send({ type: 'ping', ref: '2' }), true);
  assert.equal(t.socket.send({ type: 'ping', ref: '3' }), false);
  assert.equal(t.socket.send({ type: 'typing' }, { queue: false }), false);
  await flush();
  t.last().serverOpen();
  assert.deepEqual(t.last().sent.map((f) => f.ref), ['1', '2']);
});

test('no pong within pongTimeout drops the connection and reconnects without waiting for a close', async () => {
  const fake = fakeOptions({ pingInterval: 1000, pongTimeout: 500 });
  const s = new Socket({ ...fake.options, url: () => 'ws://h/x' });
  const closes = record(s, 'close');
  s.connect();
  await flush();
  const ws = fake.WebSocket.instances[0];
  ws.serverOpen();
  fake.clock.advance(1000);
  assert.equal(ws.sentOfType('ping').length, 1);
  fake.clock.advance(499);
  assert.equal(s.state, 'connected');
  fake.clock.advance(1);
  assert.equal(s.state, 'connecting');
  assert.equal(closes[0].reason, 'ping timeout');
  assert.equal(ws.onclose, null, 'the dead socket is detached');
  fake.clock.advance(60000);
  await flush();
  assert.equal(fake.WebSocket.instances.length, 2);
});

test('any frame counts as a pong; heartbeat pongs are not passed on', async () => {
  const fake = fakeOptions({ pingInterval: 1000, pongTimeout: 500 });
  const s = new Socket({ ...fake.options, url: () => 'ws://h/x' });
  const messages = record(s, 'message');
  s.connect();
  await flush();
  const ws = fake.WebSocket.instances[0];
  ws.serverOpen();
  fake.clock.advance(1000);
  const ping = ws.sentOfType('ping')[0];
  fake.clock.advance(400);
  ws.serverSend({ type: 'pong', ref: ping.ref });
  fake.clock.advance(400);
  assert.equal(s.state, 'connected');
  ws.serverSend({ type: 'presence', event: 'join', user: 'b', count: 2 });
  assert.deepEqual(messages.map((m) => m.type), ['presence']);
});

test('coming back online reconnects at once instead of waiting out the backoff', async () => {
  const t = socket({ minDelay: 10000 });
  const ws = await connected(t);
  ws.serverClose(1006);
  assert.equal(t.WebSocket.instances.length, 1);
  t.window.dispatchEvent(new Event('online'));
  await flush();
  assert.equal(t.WebSocket.instances.length, 2);
});

test('going offline checks the connection with a ping', async () => {
  const t = socket({ pongTimeout: 500 });
  const ws = await connected(t);
  t.window.dispatchEvent(new Event('offline'));
  assert.equal(ws.sentOfType('ping').length, 1);
  t.clock.advance(500);
  assert.equal(t.socket.state, 'connecting');
});

test('a page that becomes visible reconnects at once', async () => {
  const t = socket({ minDelay: 10000 });
  const ws = await connected(t);
  ws.serverClose(1006);
  t.document.dispatchEvent(new Event('visibilitychange'));
  await flush();
  assert.equal(t.WebSocket.instances.length, 2);
});

test('close() stops for good, even during a backoff wait', async () => {
  const t = socket();
  const ws = await connected(t);
  ws.serverClose(1006);
  t.socket.close();
  t.clock.advance(60000);
  await flush();
  assert.equal(t.WebSocket.instances.length, 1);
  assert.equal(t.socket.state, 'disconnected');
});

test('close() sends a normal close and reports it', async () => {
  const t = socket();
  const closes = record(t.socket, 'close');
  const ws = await connected(t);
  t.socket.close();
  assert.deepEqual(ws.closedWith, { code: 1000, reason: '' });
  assert.equal(closes[0].willReconnect, false);
});

test('a handshake that never completes times out and is retried', async () => {
  const t = socket({ connectTimeout: 1000 });
  t.socket.connect();
  await flush();
  t.clock.advance(1000);
  t.clock.advance(60000);
  await flush();
  assert.equal(t.WebSocket.instances.length, 2);
});

test('the url is asked for before every attempt', async () => {
  const fake = fakeOptions();
  let n = 0;
  const s = new Socket({ ...fake.options, url: async () => `ws://h/x?n=${++n}`, pingInterval: 0 });
  s.connect();
  await flush();
  fake.WebSocket.instances[0].serverClose(4001);
  fake.clock.advance(60000);
  await flush();
  assert.deepEqual(fake.WebSocket.instances.map((w) => w.url), ['ws://h/x?n=1', 'ws://h/x?n=2']);
});
