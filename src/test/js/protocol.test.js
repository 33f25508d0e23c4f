import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  codePointLength, connectionUrl, frames, isRoomName, isUserId, newRef, parseFrame, wsBase,
} from '../../main/webapp/protocol.js';

test('the base follows the page: http becomes ws, https becomes wss, a context root is kept', () => {
  assert.equal(wsBase('http://127.0.0.1:8080/').href, 'ws://127.0.0.1:8080/');
  assert.equal(wsBase('https://example.org/switchboard/').href, 'wss://example.org/switchboard/');
  assert.equal(wsBase('http://h/switchboard').href, 'ws://h/switchboard/');
  assert.equal(wsBase('ws://h:1/x/?a=b#c').href, 'ws://h:1/x/');
  assert.throws(() => wsBase('file:///tmp/'), TypeError);
});

test('a guest connects with ?user, a token with ?access_token and no user', () => {
  assert.equal(connectionUrl('http://h/', 'chat/lobby', { user: 'alice' }), 'ws://h/chat/lobby?user=alice');
  assert.equal(
    connectionUrl('http://h/sb/', 'notifications', { user: 'alice', token: 'a.b.c' }),
    'ws://h/sb/notifications?access_token=a.b.c',
  );
});

test('since and epoch go together or not at all', () => {
  assert.equal(
    connectionUrl('http://h/', 'chat/lobby', { user: 'a', since: 0, epoch: 'e 1' }),
    'ws://h/chat/lobby?user=a&since=0&epoch=e+1',
  );
  assert.equal(connectionUrl('http://h/', 'chat/lobby', { user: 'a', since: 5 }), 'ws://h/chat/lobby?user=a');
});

test('frames leave optional fields out', () => {
  assert.deepEqual(frames.say('hi'), { type: 'say', text: 'hi' });
  assert.deepEqual(frames.say('hi', 'r1'), { type: 'say', text: 'hi', ref: 'r1' });
  assert.deepEqual(frames.history(undefined, undefined, 'h'), { type: 'history', ref: 'h' });
  assert.deepEqual(frames.history(10, 20), { type: 'history', before: 10, limit: 20 });
  assert.deepEqual(frames.subscribe('t', 3, 'e'), { type: 'subscribe', topic: 't', since: 3, epoch: 'e' });
  assert.deepEqual(frames.subscribe('t'), { type: 'subscribe', topic: 't' });
  assert.deepEqual(frames.read(4, 'x'), { type: 'read', seq: 4, ref: 'x' });
});

test('only JSON objects with a string type are frames', () => {
  assert.deepEqual(parseFrame('{"type":"pong","ref":"a"}'), { type: 'pong', ref: 'a' });
  assert.equal(parseFrame('[1,2]'), null);
  assert.equal(parseFrame('"x"'), null);
  assert.equal(parseFrame('{"type":1}'), null);
  assert.equal(parseFrame('not json'), null);
  assert.equal(parseFrame('null'), null);
});

test('names follow the contract', () => {
  assert.ok(isRoomName('lobby-1_x'));
  assert.ok(!isRoomName('Lobby'));
  assert.ok(!isRoomName('-x'));
  assert.ok(!isRoomName('a'.repeat(65)));
  assert.ok(isUserId('alice.b@x-y_z'));
  assert.ok(!isUserId('alice smith'));
  assert.ok(!isUserId(''));
});

test('refs are unique and short; text length counts code points', () => {
  const refs = new Set(Array.from({ length: 1000 }, () => newRef('say')));
  assert.equal(refs.size, 1000);
  for (const ref of refs) assert.ok(ref.length <= 64);
  assert.equal(codePointLength('a😀'), 2);
});
