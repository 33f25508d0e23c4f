// Read receipts in rooms (contract section 11), client side: read(seq) coalesced, receipt frames
// and welcome.reads, and the "seen by" state of each message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatRoom } from '../../main/webapp/chat.js';
import { ReadMarks } from '../../main/webapp/resume.js';
import { fakeOptions, flush, record } from './fakes.js';

const welcome = (fields = {}) => ({
  type: 'welcome', room: 'lobby', user: 'alice', count: 2, members: ['alice', 'bob'], seq: 10, epoch: 'e1', messages: [], ...fields,
});

function room(overrides = {}) {
  const fake = fakeOptions({ pingInterval: 0, user: 'alice', readInterval: 1000, ...overrides });
  const r = new ChatRoom('lobby', { ...fake.options, now: () => fake.clock.now });
  return { ...fake, room: r, last: () => fake.WebSocket.instances.at(-1) };
}

async function open(t, frame = welcome()) {
  if (t.room.socket.state === 'disconnected') t.room.connect();
  await flush();
  const ws = t.last();
  ws.serverOpen();
  ws.serverSend(frame);
  return ws;
}

const seqs = (ws) => ws.sentOfType('read').map((f) => f.seq);

test('read sends a read frame with the seq, and a ref to know its errors by', async () => {
  const t = room();
  const ws = await open(t);
  t.room.read(4);
  const [frame] = ws.sentOfType('read');
  assert.deepEqual(Object.keys(frame).sort(), ['ref', 'seq', 'type']);
  assert.equal(frame.seq, 4);
  assert.match(frame.ref, /^read-/);
});

test('a server without receipts answers unknown_type: no error reaches the app, and no more reads until the next welcome', async () => {
  const t = room();
  const errors = record(t.room, 'error');
  let ws = await open(t);
  t.room.read(2);
  const [frame] = ws.sentOfType('read');
  ws.serverSend({ type: 'error', code: 'unknown_type', message: "'read' is not a frame of a chat room", ref: frame.ref });
  assert.deepEqual(errors, []);
  assert.equal(t.room.receiptsSupported, false);
  t.clock.advance(5000);
  t.room.read(3);
  t.clock.advance(5000);
  assert.deepEqual(seqs(ws), [2], 'nothing more on this connection');
  ws.serverSend({ type: 'error', code: 'invalid', message: 'other', ref: 'say-x' });
  assert.equal(errors.length, 1, 'other errors still do');
  ws.serverClose(1001);
  t.clock.advance(60000);
  await flush();
  ws = t.last();
  ws.serverOpen();
  ws.serverSend(welcome({ reads: {} }));
  assert.equal(t.room.receiptsSupported, true);
  assert.deepEqual(seqs(ws), [3], 'a server with receipts gets the latest mark');
});

test('a rate-limited read is sent again a readInterval later', async () => {
  const t = room();
  const errors = record(t.room, 'error');
  const ws = await open(t);
  t.room.read(2);
  ws.serverSend({ type: 'error', code: 'rate_limited', message: 'slow down', ref: ws.sentOfType('read')[0].ref });
  t.clock.advance(1000);
  assert.deepEqual(seqs(ws), [2, 2]);
  assert.deepEqual(errors, []);
});

test('reads within the interval are coalesced into one frame with the highest seq', async () => {
  const t = room();
  const ws = await open(t);
  t.room.read(3);
  t.clock.advance(100);
  t.room.read(5);
  t.room.read(7);
  t.room.read(6);
  assert.deepEqual(seqs(ws), [3], 'one frame at once, the rest wait');
  t.clock.advance(899);
  assert.deepEqual(seqs(ws), [3]);
  t.clock.advance(1);
  assert.deepEqual(seqs(ws), [3, 7], 'then one frame with the highest');
  t.clock.advance(5000);
  assert.equal(ws.sentOfType('read').length, 2, 'nothing more to send');
});

test('a flood of reads sends at most one frame a second', async () => {
  const t = room();
  const ws = await open(t, welcome({ seq: 1000 }));
  for (let seq = 1; seq <= 1000; seq++) {
    t.room.read(seq);
    t.clock.advance(10);
  }
  t.clock.advance(1000);
  const sent = seqs(ws);
  assert.ok(sent.length <= 11, `${sent.length} frames for 10 s of reads`);
  assert.equal(sent.at(-1), 1000, 'the last one carries the highest seq');
});

test('a read at or below the known mark sends nothing', async () => {
  const t = room();
  const ws = await open(t, welcome({ reads: { alice: 8, bob: 3 } }));
  t.room.read(8);
  t.room.read(2);
  assert.equal(ws.sentOfType('read').length, 0, 'the server already has alice at 8');
  t.room.read(9);
  assert.deepEqual(seqs(ws), [9]);
  t.clock.advance(2000);
  t.room.read(9);
  assert.equal(ws.sentOfType('read').length, 1, 'sent once');
});

test('a read asked for while disconnected goes out after the next welcome', async () => {
  const t = room();
  let ws = await open(t);
  ws.serverClose(1006);
  t.room.read(6);
  t.clock.advance(60000);
  await flush();
  ws = t.last();
  ws.serverOpen();
  assert.equal(ws.sentOfType('read').length, 0, 'nothing before the welcome');
  ws.serverSend(welcome({ recovered: true }));
  assert.deepEqual(seqs(ws), [6]);
});

test('read refuses what is not a non-negative integer', () => {
  const t = room();
  for (const bad of [-1, 1.5, '3', null, undefined, NaN]) assert.throws(() => t.room.read(bad), RangeError);
});

test('welcome.reads and receipts give every message its readers', async () => {
  const t = room();
  const receipts = record(t.room, 'receipt');
  const ws = await open(t, welcome({ reads: { alice: 10, bob: 4 } }));
  assert.deepEqual(t.room.seenBy(4), ['alice', 'bob']);
  assert.deepEqual(t.room.seenBy(5), ['alice']);
  ws.serverSend({ type: 'receipt', user: 'bob', readUpTo: 9 });
  ws.serverSend({ type: 'receipt', user: 'carol', readUpTo: 2 });
  assert.deepEqual(t.room.seenBy(5), ['alice', 'bob']);
  assert.deepEqual(t.room.seenBy(2), ['alice', 'bob', 'carol']);
  assert.deepEqual(receipts, [
    { user: 'bob', readUpTo: 9, previous: 4 },
    { user: 'carol', readUpTo: 2, previous: 0 },
  ]);
});

test('a receipt never moves a mark down, and a malformed one is ignored', async () => {
  const t = room();
  const receipts = record(t.room, 'receipt');
  const ws = await open(t, welcome({ reads: { bob: 6 } }));
  ws.serverSend({ type: 'receipt', user: 'bob', readUpTo: 5 });
  ws.serverSend({ type: 'receipt', user: 'bob', readUpTo: 6 });
  ws.serverSend({ type: 'receipt', user: 'bob', readUpTo: '9' });
  ws.serverSend({ type: 'receipt', readUpTo: 9 });
  assert.equal(t.room.reads.get('bob'), 6);
  assert.deepEqual(receipts, []);
});

test('after a reconnect the marks of members who left stay; a new epoch forgets them', async () => {
  const t = room();
  let ws = await open(t, welcome({ reads: { alice: 2, bob: 7 } }));
  ws.serverClose(1001);
  t.clock.advance(60000);
  await flush();
  ws = t.last();
  ws.serverOpen();
  ws.serverSend(welcome({ members: ['alice'], count: 1, reads: { alice: 3 }, recovered: true }));
  assert.deepEqual(t.room.seenBy(7), ['bob'], 'bob left, but he did read up to 7');
  assert.equal(t.room.reads.get('alice'), 3);
  ws.serverClose(1001);
  t.clock.advance(60000);
  await flush();
  ws = t.last();
  ws.serverOpen();
  ws.serverSend(welcome({ epoch: 'e2', seq: 1, members: ['alice'], count: 1, recovered: false }));
  assert.deepEqual(t.room.seenBy(1), [], 'a new epoch: the old marks named other messages');
  t.room.read(1);
  assert.deepEqual(seqs(ws), [1], 'and reads start over in it');
});

test('ReadMarks: adopt merges, apply answers the previous mark only when it moved', () => {
  const marks = new ReadMarks();
  marks.adopt({ a: 2, b: 0 }, false);
  assert.deepEqual(marks.toObject(), { a: 2 }, 'a mark of 0 is no mark');
  assert.equal(marks.apply('a', 1), null);
  assert.equal(marks.apply('a', 5), 2);
  marks.adopt({ a: 3 }, false);
  assert.equal(marks.get('a'), 5);
  marks.adopt({ c: 1 }, true);
  assert.deepEqual(marks.toObject(), { c: 1 });
});

test('the demo writes "Seen by" with at most three names', async () => {
  const { seenByText } = await import('../../main/webapp/chat-view.js');
  assert.equal(seenByText([]), '');
  assert.equal(seenByText(['bob']), 'Seen by bob');
  assert.equal(seenByText(['bob', 'carol']), 'Seen by bob and carol');
  assert.equal(seenByText(['a', 'b', 'c']), 'Seen by a, b and c');
  assert.equal(seenByText(['a', 'b', 'c', 'd']), 'Seen by a, b, c and 1 other');
  assert.equal(seenByText(['a', 'b', 'c', 'd', 'e']), 'Seen by a, b, c and 2 others');
});
