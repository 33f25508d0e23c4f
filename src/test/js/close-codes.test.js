import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CLOSE_CODES, closeCodeName, mayReconnect } from '../../main/webapp/close-codes.js';

// The contract's section 4 table.
const CONTRACT = {
  1000: ['normal', false],
  1001: ['going_away', true],
  1003: ['binary_unsupported', false],
  1007: ['invalid_utf8', false],
  1008: ['policy', false],
  1009: ['too_big', false],
  1011: ['internal_error', true],
  1013: ['too_slow', true],
  4000: ['reconnect', true],
  4001: ['token_expired', true],
  4500: ['unauthenticated', false],
  4501: ['forbidden', false],
  4502: ['invalid_name', false],
};

test('the table holds exactly the codes of the contract', () => {
  assert.deepEqual(
    Object.fromEntries(Object.entries(CLOSE_CODES).map(([code, { name, reconnect }]) => [code, [name, reconnect]])),
    CONTRACT,
  );
});

test('the table parses with the regex the Java test uses, one entry per line', () => {
  const source = readFileSync(new URL('../../main/webapp/close-codes.js', import.meta.url), 'utf8');
  // The name class needs digits too: 'invalid_utf8'. ([a-z_]+ alone would miss 1007.)
  const line = /^\s*(\d{4}):\s*\{\s*name:\s*'([a-z0-9_]+)',\s*reconnect:\s*(true|false)\s*\}/;
  const parsed = {};
  for (const text of source.split('\n')) {
    const match = line.exec(text);
    if (match) parsed[match[1]] = [match[2], match[3] === 'true'];
  }
  assert.deepEqual(parsed, CONTRACT);
});

test('codes in the table decide for themselves', () => {
  for (const [code, [, reconnect]] of Object.entries(CONTRACT)) assert.equal(mayReconnect(Number(code)), reconnect, code);
});

test('unlisted 4000-4499 reconnect, 4500-4999 do not, anything else retries', () => {
  assert.equal(mayReconnect(4002), true);
  assert.equal(mayReconnect(4499), true);
  assert.equal(mayReconnect(4503), false);
  assert.equal(mayReconnect(4999), false);
  assert.equal(mayReconnect(1006), true);
  assert.equal(mayReconnect(1005), true);
  assert.equal(mayReconnect(3000), true);
});

test('names for logs', () => {
  assert.equal(closeCodeName(1008), 'policy');
  assert.equal(closeCodeName(1006), 'abnormal');
  assert.equal(closeCodeName(4321), 'code_4321');
});
