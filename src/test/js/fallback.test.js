// The event-stream fallback for notifications (contract section 12), client side: when WebSockets
// keep failing to open while HTTP works, Notifications moves to an EventSource by itself.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Notifications } from '../../main/webapp/notifications.js';
import { closeForStatus } from '../../main/webapp/event-stream.js';
import { fakeEventSourceClass, fakeFetch, fakeOptions, flush, record } from './fakes.js';

const item = (seq, fields = {}) => ({ type: 'notification', id: `n${seq}`, seq, title: `t${seq}`, body: '', data: {}, at: '2026-11-24T20:00:00Z', ...fields });
const streamWelcome = (fields = {}) => ({ type: 'welcome', user: 'alice', seq: 0, epoch: 'i1', unread: 0, ...fields });
const healthy = (url) => (url.includes('/health') ? { status: 200, body: { status: 'UP' } } : { status: 200, body: { count: 0, readUpTo: 0 } });

function notifications(overrides = {}, answer = healthy) {
  const fake = fakeOptions({ pingInterval: 0, user: 'alice', ...overrides });
  const EventSource = fakeEventSourceClass();
  const fetch = fakeFetch(answer);
  const n = new Notifications({ ...fake.options, EventSource, fetch, now: () => fake.clock.now, ...overrides });
  return { ...fake, EventSource, fetch, n, ws: () => fake.WebSocket.instances.at(-1), es: () => EventSource.instances.at(-1) };
}

/** `count` WebSocket attempts in a row that never open (each dropped as a blocked network does). */
async function failOpens(t, count) {
  if (t.n.socket.state === 'disconnected') t.n.connect();
  else t.clock.advance(60000); // the retry after the last failure
  for (let i = 0; i < count; i++) {
    await flush();
    t.ws().serverClose(1006);
    if (i < count - 1) t.clock.advance(60000);
  }
  await flush();
  await flush();
}

/** Falls back and opens the stream with a welcome. */
async function onStream(t, welcome = streamWelcome()) {
  await failOpens(t, 3);
  const es = t.es();
  assert.ok(es, 'an EventSource was made');
  es.serverOpen();
  es.serverEvent('welcome', welcome);
  return es;
}

test('after three WebSocket attempts that never open, and HTTP answering, notifications move to the event stream', async () => {
  const t = notifications();
  const states = record(t.n, 'state');
  await failOpens(t, 2);
  assert.equal(t.EventSource.instances.length, 0, 'two failures are not enough');
  await failOpens(t, 1);
  assert.deepEqual(t.fetch.calls.map((c) => c.url), ['http://127.0.0.1:8080/health/live']);
  const es = t.es();
  assert.equal(es.url, 'http://127.0.0.1:8080/api/notifications/stream?user=alice');
  assert.equal(t.n.transport, 'eventsource');
  assert.equal(t.n.state, 'connecting');
  es.serverOpen();
  assert.equal(t.n.state, 'connecting', 'connected only after the welcome');
  es.serverEvent('welcome', streamWelcome());
  assert.equal(t.n.state, 'connected');
  assert.deepEqual(states.at(-1), { state: 'connected', attempt: 0, transport: 'eventsource' });
  t.clock.advance(60000);
  await flush();
  assert.equal(t.WebSocket.instances.length, 3, 'no more WebSocket attempts meanwhile');
});

test('when HTTP fails too it stays on the WebSocket and keeps trying it', async () => {
  const t = notifications({}, () => new Error('network down'));
  await failOpens(t, 3);
  assert.equal(t.EventSource.instances.length, 0);
  assert.equal(t.n.transport, 'websocket');
  t.clock.advance(60000);
  await flush();
  assert.equal(t.WebSocket.instances.length, 4);
  assert.equal(t.fetch.calls.length, 1, 'probed once; again only after three more failures');
});

test('a WebSocket that opens starts the count over, and fallback: false never leaves the WebSocket', async () => {
  const t = notifications();
  await failOpens(t, 2);
  t.clock.advance(60000);
  await flush();
  t.ws().serverOpen();
  t.ws().serverClose(1006);
  t.clock.advance(60000);
  await failOpens(t, 2);
  assert.equal(t.fetch.calls.length, 0);
  assert.equal(t.EventSource.instances.length, 0);

  const off = notifications({ fallback: false });
  await failOpens(off, 6);
  assert.equal(off.fetch.calls.length, 0);
  assert.equal(off.EventSource.instances.length, 0);
});

test('a 1.0 server without /health/live is probed at /health', async () => {
  const t = notifications({}, (url) => (url.endsWith('/health/live') ? { status: 404 } : { status: 200, body: { status: 'UP' } }));
  await failOpens(t, 3);
  assert.deepEqual(t.fetch.calls.map((c) => c.url), ['http://127.0.0.1:8080/health/live', 'http://127.0.0.1:8080/health']);
  assert.equal(t.n.transport, 'eventsource');
});

test('on the stream: recovered and live notifications once each, and the welcome\'s unread not counted twice', async () => {
  const t = notifications();
  const items = record(t.n, 'notification');
  const unread = record(t.n, 'unread');
  const es = await onStream(t, streamWelcome({ seq: 3, unread: 2 }));
  assert.deepEqual(unread.at(-1), { count: 2, readUpTo: 0 });
  es.serverEvent('notification', item(2), 'i1:2');
  es.serverEvent('notification', item(3), 'i1:3');
  assert.equal(t.n.unread, 2, 'items up to the welcome\'s seq are in its count');
  es.serverEvent('notification', item(4), 'i1:4');
  es.serverEvent('notification', item(4), 'i1:4');
  assert.equal(t.n.unread, 3);
  assert.deepEqual(items.map((i) => i.seq), [2, 3, 4]);
  assert.equal(t.n.inbox.seq, 4);
  es.serverEvent('unread', { type: 'unread', count: 0, readUpTo: 4 });
  assert.deepEqual(unread.at(-1), { count: 0, readUpTo: 4 });
});

test('the browser\'s own reconnect (Last-Event-ID) gives a welcome with recovered, and only new items pass', async () => {
  const t = notifications();
  const items = record(t.n, 'notification');
  const recoveries = record(t.n, 'recovery');
  const es = await onStream(t, streamWelcome({ seq: 1, unread: 1 }));
  const closes = record(t.n, 'close');
  const states = record(t.n, 'state');
  es.serverEvent('notification', item(1), 'i1:1');
  es.dropped();
  assert.equal(t.n.state, 'connecting');
  assert.deepEqual(closes.map((c) => [c.code, c.willReconnect, c.transport]), [[1006, true, 'eventsource']]);
  es.serverOpen();
  es.serverEvent('welcome', streamWelcome({ seq: 2, unread: 2, recovered: true }));
  es.serverEvent('notification', item(2), 'i1:2');
  assert.deepEqual(recoveries, [{ recovered: true, epochChanged: false }]);
  assert.deepEqual(items.map((i) => i.seq), [1, 2]);
  assert.equal(t.EventSource.instances.length, 1, 'the same EventSource: the browser sent Last-Event-ID itself');
  assert.deepEqual(states.map((s) => s.state).slice(-2), ['connecting', 'connected']);
});

test('topics go in the address; following another one makes a new stream with both', async () => {
  const t = notifications();
  const items = record(t.n, 'notification');
  const subscribed = record(t.n, 'subscribed');
  t.n.subscribe('deploys');
  const first = await onStream(t, streamWelcome({ seq: 1 }));
  assert.equal(first.url, 'http://127.0.0.1:8080/api/notifications/stream?user=alice&topics=deploys');
  assert.deepEqual(subscribed.map((s) => s.topic), ['deploys']);
  first.serverEvent('notification', item(1), 'i1:1');
  first.serverEvent('notification', item(7, { topic: 'deploys' }));
  t.n.subscribe('alerts');
  t.n.subscribe('builds');
  await flush();
  assert.ok(first.closed);
  const second = t.es();
  assert.equal(t.EventSource.instances.length, 2, 'two subscriptions, one new stream');
  assert.equal(second.url, 'http://127.0.0.1:8080/api/notifications/stream?user=alice&topics=deploys,alerts,builds');
  assert.equal(t.n.state, 'connecting');
  second.serverOpen();
  second.serverEvent('welcome', streamWelcome({ seq: 1 }));
  second.serverEvent('notification', item(1), 'i1:1');
  second.serverEvent('notification', item(3, { topic: 'alerts' }));
  assert.deepEqual(items.map((i) => [i.seq, i.topic]), [[1, undefined], [7, 'deploys'], [3, 'alerts']],
    'the new stream repeats the inbox without Last-Event-ID; the repeat is dropped');
  const gone = record(t.n, 'unsubscribed');
  t.n.unsubscribe('builds');
  await flush();
  assert.deepEqual(gone, [{ topic: 'builds' }]);
  assert.equal(t.es().url, 'http://127.0.0.1:8080/api/notifications/stream?user=alice&topics=deploys,alerts');
});

test('read is a POST with the seq and the guest name; one at a time, then the highest asked meanwhile', async () => {
  let release;
  const answers = [];
  const t = notifications({}, (url, init) => {
    if (url.includes('/health')) return { status: 200, body: {} };
    answers.push(JSON.parse(init.body).seq);
    return new Promise((resolve) => {
      release = () => resolve({ status: 200, body: { count: 0, readUpTo: JSON.parse(init.body).seq } });
    });
  });
  const unread = record(t.n, 'unread');
  await onStream(t, streamWelcome({ seq: 9, unread: 9 }));
  t.n.read(3);
  await flush();
  const post = t.fetch.calls.at(-1);
  assert.equal(post.url, 'http://127.0.0.1:8080/api/notifications/read?user=alice');
  assert.equal(post.init.method, 'POST');
  assert.equal(post.init.headers['Content-Type'], 'application/json');
  assert.equal(post.init.body, '{"seq":3}');
  t.n.read(5);
  t.n.read(4);
  await flush();
  assert.deepEqual(answers, [3], 'one POST in flight');
  release();
  await flush();
  await flush();
  assert.deepEqual(unread.at(-1), { count: 0, readUpTo: 3 });
  assert.deepEqual(answers, [3, 5]);
  release();
  await flush();
  await flush();
  assert.equal(t.n.readUpTo, 5);
});

test('with a token the stream has access_token and read sends it as a Bearer header', async () => {
  const t = notifications({ user: undefined, token: 'jwt-1' });
  await onStream(t);
  assert.equal(t.es().url, 'http://127.0.0.1:8080/api/notifications/stream?access_token=jwt-1');
  t.n.read(1);
  await flush();
  const post = t.fetch.calls.at(-1);
  assert.equal(post.url, 'http://127.0.0.1:8080/api/notifications/read');
  assert.equal(post.init.headers.Authorization, 'Bearer jwt-1');
});

test('event: close from 4500 to 4999 ends the stream for good', async () => {
  const t = notifications();
  const closes = record(t.n, 'close');
  const es = await onStream(t);
  es.serverEvent('close', { code: 4501, reason: 'forbidden' });
  assert.ok(es.closed, 'closed, so the browser does not reconnect it');
  assert.equal(t.n.state, 'disconnected');
  assert.deepEqual(closes.at(-1), { code: 4501, reason: 'forbidden', wasClean: true, willReconnect: false, delay: 0, transport: 'eventsource' });
  t.clock.advance(3600000);
  await flush();
  assert.equal(t.EventSource.instances.length, 1);
  assert.equal(t.WebSocket.instances.length, 3, 'nor is the WebSocket tried again');
});

test('event: close 1013 leaves the reconnect to the browser, with Last-Event-ID', async () => {
  const t = notifications();
  const es = await onStream(t);
  const closes = record(t.n, 'close');
  es.serverEvent('close', { code: 1013, reason: 'too slow' });
  es.dropped();
  assert.equal(es.closed, false);
  assert.equal(t.n.state, 'connecting');
  assert.deepEqual(closes.map((c) => [c.code, c.willReconnect]), [[1013, true]], 'one close, not a second for the drop');
  es.serverOpen();
  es.serverEvent('welcome', streamWelcome({ recovered: true }));
  assert.equal(t.n.state, 'connected');
  assert.equal(t.EventSource.instances.length, 1);
});

test('event: close 4001 makes a new stream with a fresh token', async () => {
  let n = 0;
  const t = notifications({ user: undefined, token: async () => `jwt-${++n}` });
  const es = await onStream(t);
  es.serverEvent('close', { code: 4001, reason: 'token expired' });
  assert.ok(es.closed);
  t.clock.advance(60000);
  await flush();
  assert.equal(t.EventSource.instances.length, 2);
  assert.equal(t.es().query.get('access_token'), `jwt-${n}`);
  assert.notEqual(t.es().query.get('access_token'), es.query.get('access_token'));
});

test('a stream the browser gave up on is asked for its HTTP status: 403 stops, 429 and 503 retry', async () => {
  let status = 429;
  const t = notifications({}, (url) => (url.includes('/health') ? { status: 200 } : { status }));
  const closes = record(t.n, 'close');
  const es = await onStream(t);
  es.failed();
  await flush();
  await flush();
  assert.equal(t.fetch.calls.at(-1).url, es.url, 'the stream\'s own address, fetched');
  assert.equal(closes.at(-1).status, 429);
  assert.equal(closes.at(-1).willReconnect, true);
  t.clock.advance(60000);
  await flush();
  assert.equal(t.EventSource.instances.length, 2);
  status = 503;
  t.es().failed();
  await flush();
  await flush();
  assert.equal(closes.at(-1).willReconnect, true);
  t.clock.advance(60000);
  await flush();
  status = 403;
  t.es().failed();
  await flush();
  await flush();
  assert.deepEqual([closes.at(-1).code, closes.at(-1).willReconnect, closes.at(-1).status], [4501, false, 403]);
  assert.equal(t.n.state, 'disconnected');
});

test('a server without the event stream (404) sends it back to the WebSocket, and not again for a while', async () => {
  const t = notifications({}, (url) => (url.includes('/health') ? { status: 200 } : { status: 404 }));
  await onStream(t);
  t.es().failed();
  await flush();
  await flush();
  assert.equal(t.n.transport, 'websocket');
  await flush();
  assert.equal(t.WebSocket.instances.length, 4, 'the WebSocket again');
  await failOpens(t, 3);
  assert.equal(t.EventSource.instances.length, 1, 'no second try of the stream within websocketRetry');
});

test('every websocketRetry the WebSocket is tried once; when it works the stream is closed and the inbox resumes', async () => {
  const t = notifications({ websocketRetry: 300000 });
  const items = record(t.n, 'notification');
  const states = record(t.n, 'state');
  const es = await onStream(t, streamWelcome({ seq: 2, unread: 0 }));
  es.serverEvent('notification', item(1), 'i1:1');
  es.serverEvent('notification', item(2), 'i1:2');

  t.clock.advance(300000);
  await flush();
  assert.equal(t.WebSocket.instances.length, 4, 'one try');
  t.ws().serverClose(1006);
  t.clock.advance(60000);
  await flush();
  assert.equal(t.WebSocket.instances.length, 4, 'the try failed: no retries of it');
  assert.equal(t.n.transport, 'eventsource');
  assert.equal(t.n.state, 'connected', 'the stream went on meanwhile');

  t.clock.advance(300000);
  await flush();
  const ws = t.ws();
  assert.equal(t.WebSocket.instances.length, 5);
  assert.equal(ws.query.get('since'), '2');
  assert.equal(ws.query.get('epoch'), 'i1');
  ws.serverOpen();
  assert.equal(t.n.transport, 'eventsource', 'open is not enough: the welcome decides');
  ws.serverSend({ type: 'welcome', user: 'alice', seq: 3, epoch: 'i1', unread: 1, recovered: true, notifications: [item(2), item(3)] });
  assert.equal(t.n.transport, 'websocket');
  assert.ok(es.closed);
  assert.deepEqual(items.map((i) => i.seq), [1, 2, 3]);
  assert.deepEqual([states.at(-1).state, states.at(-1).transport], ['connected', 'websocket']);
  ws.serverClose(1006);
  t.clock.advance(60000);
  await flush();
  assert.equal(t.WebSocket.instances.length, 6, 'back to reconnecting as usual');
});

test('close() ends the stream and the tries of the WebSocket', async () => {
  const t = notifications();
  const es = await onStream(t);
  t.n.close();
  assert.ok(es.closed);
  assert.equal(t.n.state, 'disconnected');
  t.clock.advance(3600000);
  await flush();
  assert.equal(t.WebSocket.instances.length, 3);
  assert.equal(t.EventSource.instances.length, 1);
});

test('HTTP statuses map to the close codes a WebSocket would have got', () => {
  assert.equal(closeForStatus(401).code, 4500);
  assert.equal(closeForStatus(403).code, 4501);
  assert.equal(closeForStatus(400).code, 4502);
  assert.equal(closeForStatus(429).code, 1013);
});
