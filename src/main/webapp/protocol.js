// The wire contract, version 1, as seen from a browser: names, addresses and frames.
// The contract itself is docs/protocol.md in the project; this module only builds and reads frames.

export const ROOM_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const TOPIC_PATTERN = ROOM_PATTERN;
export const USER_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;
export const MAX_TEXT_CODE_POINTS = 4000;
export const MAX_REF_LENGTH = 64;

export const isRoomName = (name) => typeof name === 'string' && ROOM_PATTERN.test(name);
export const isTopicName = (name) => typeof name === 'string' && TOPIC_PATTERN.test(name);
export const isUserId = (name) => typeof name === 'string' && USER_PATTERN.test(name);

/** Text length as the server counts it: in Unicode code points, not UTF-16 units. */
export const codePointLength = (text) => [...text].length;

let refCounter = 0;
const refPrefix = Math.random().toString(36).slice(2, 8);

/** A fresh client reference, unique within this page: short, well under the 64-character limit. */
export function newRef(kind = 'r') {
  refCounter += 1;
  return `${kind}-${refPrefix}-${refCounter.toString(36)}`;
}

/**
 * The base URL of the Switchboard server as a ws: or wss: URL ending in '/'.
 * `base` may be an http(s) or ws(s) URL; by default it is the folder this module was served from,
 * so the client works at '/' on the standalone server and under '/switchboard/' in a container.
 */
export function wsBase(base = new URL('.', import.meta.url)) {
  const url = new URL(base, typeof location === 'undefined' ? undefined : location.href);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`not an http(s) or ws(s) URL: ${url.href}`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** The http(s) twin of a base URL, for the HTTP API. */
export function httpBase(base) {
  const url = wsBase(base);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url;
}

/**
 * The address of one connection: `path` below the base, with the identity (`access_token` for
 * auth=jwt, `user` for auth=dev) and the resume position (`since`, `epoch`) as query parameters.
 */
export function connectionUrl(base, path, { user, token, since, epoch } = {}) {
  const url = new URL(path, wsBase(base));
  if (token) url.searchParams.set('access_token', token);
  else if (user) url.searchParams.set('user', user);
  if (since !== undefined && since !== null && epoch) {
    url.searchParams.set('since', String(since));
    url.searchParams.set('epoch', epoch);
  }
  return url.href;
}

export const chatPath = (room) => `chat/${encodeURIComponent(room)}`;
export const notificationsPath = () => 'notifications';

// Client frames (contract 3.1 and 3.2). Optional fields are left out rather than sent as null.
const withRef = (frame, ref) => (ref === undefined ? frame : { ...frame, ref });

export const frames = Object.freeze({
  say: (text, ref) => withRef({ type: 'say', text }, ref),
  typing: () => ({ type: 'typing' }),
  history: (before, limit, ref) => {
    const frame = { type: 'history' };
    if (before !== undefined && before !== null) frame.before = before;
    if (limit !== undefined && limit !== null) frame.limit = limit;
    return withRef(frame, ref);
  },
  ping: (ref) => withRef({ type: 'ping' }, ref),
  subscribe: (topic, since, epoch, ref) => {
    const frame = { type: 'subscribe', topic };
    if (since !== undefined && since !== null && epoch) {
      frame.since = since;
      frame.epoch = epoch;
    }
    return withRef(frame, ref);
  },
  unsubscribe: (topic, ref) => withRef({ type: 'unsubscribe', topic }, ref),
  read: (seq, ref) => withRef({ type: 'read', seq }, ref),
});

/**
 * Reads one server frame. Returns the object, or null when the text is not a JSON object with a
 * string `type` (a server that follows the contract never sends one).
 */
export function parseFrame(text) {
  if (typeof text !== 'string') return null;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  if (typeof value.type !== 'string') return null;
  return value;
}

export const encodeFrame = (frame) => JSON.stringify(frame);
