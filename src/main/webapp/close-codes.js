// The close codes of the wire contract (section 4; the project's docs/protocol.md, "Errors and
// close codes"), mirrored by the Java enum io.switchboard.protocol.CloseCode. A Java test parses
// the table below line by line, so keep one entry per line in exactly this shape.
export const CLOSE_CODES = Object.freeze({
  1000: { name: 'normal', reconnect: false },
  1001: { name: 'going_away', reconnect: true },
  1003: { name: 'binary_unsupported', reconnect: false },
  1007: { name: 'invalid_utf8', reconnect: false },
  1008: { name: 'policy', reconnect: false },
  1009: { name: 'too_big', reconnect: false },
  1011: { name: 'internal_error', reconnect: true },
  1013: { name: 'too_slow', reconnect: true },
  4000: { name: 'reconnect', reconnect: true },
  4001: { name: 'token_expired', reconnect: true },
  4500: { name: 'unauthenticated', reconnect: false },
  4501: { name: 'forbidden', reconnect: false },
  4502: { name: 'invalid_name', reconnect: false },
});

/**
 * May the client reconnect after the server closed with this code?
 * Codes in the table say so themselves; 4000-4499 allow it and 4500-4999 forbid it (contract,
 * section 4); anything else, such as 1006 (the connection dropped without a close frame),
 * is treated as a transient failure and retried with backoff.
 */
export function mayReconnect(code) {
  const known = CLOSE_CODES[code];
  if (known) return known.reconnect;
  if (code >= 4000 && code <= 4499) return true;
  if (code >= 4500 && code <= 4999) return false;
  return true;
}

/** A short name for a close code, for logs and the UI: 'policy', 'abnormal', 'code_4123'. */
export function closeCodeName(code) {
  const known = CLOSE_CODES[code];
  if (known) return known.name;
  if (code === 1005) return 'no_status';
  if (code === 1006) return 'abnormal';
  return `code_${code}`;
}
