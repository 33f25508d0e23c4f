// Switchboard's browser client: import it from the server itself, no build step needed.
//
//   import { createClient } from '/switchboard.js';
//   const client = createClient({ user: 'alice' });          // or { token: () => fetchJwt() }
//   const room = client.room('lobby');
//   room.on('message', (m) => console.log(m.name, m.text));
//   room.say('hello');
//
// The API is described in docs/client.md.

import { ChatRoom } from './chat.js';
import { Notifications } from './notifications.js';
import { SharedClient } from './shared.js';

export { ChatRoom, CHAT_DEFAULTS } from './chat.js';
export { Notifications, NOTIFICATIONS_DEFAULTS, Transport } from './notifications.js';
export { EventStream } from './event-stream.js';
export { SharedClient, SharedChatRoom, SharedNotifications, SHARED_DEFAULTS, identityKey, jwtSubject } from './shared.js';
export { Hub, HUB_DEFAULTS } from './hub.js';
export { LogPosition, ReadMarks } from './resume.js';
export { Socket, State, DEFAULTS } from './socket.js';
export { CLOSE_CODES, mayReconnect, closeCodeName } from './close-codes.js';
export { Emitter, SwitchboardEvent } from './emitter.js';
export {
  frames, parseFrame, encodeFrame, connectionUrl, wsBase, httpBase,
  isRoomName, isTopicName, isUserId, codePointLength, newRef,
} from './protocol.js';

/**
 * A client for one identity. `options`: `user` (a guest name, auth=dev) or `token` (a JWT, or a
 * function returning one or a promise of one, called before every connection, auth=jwt), `base`
 * (the server's URL; by default the folder this module was loaded from), `shared` (default true:
 * every tab of this identity shares its connections through one SharedWorker where the browser
 * has it; false: this tab connects on its own), and any option of ChatRoom, Notifications or
 * Socket. Connections it opens are already connecting.
 */
export function createClient(options = {}) {
  const perTab = {
    room: (name, more = {}) => new ChatRoom(name, { ...options, ...more }).connect(),
    notifications: (more = {}) => new Notifications({ ...options, ...more }).connect(),
  };
  const inPage = typeof window !== 'undefined' && typeof document !== 'undefined';
  if (options.shared === false || typeof globalThis.SharedWorker !== 'function' || !inPage) {
    return Object.freeze({ ...perTab, mode: 'page' });
  }
  let client = null;
  const shared = () => (client ??= new SharedClient(options));
  // Another identity or server for one connection is not this worker's business.
  const ownIdentity = (more) => !('user' in more || 'token' in more || 'base' in more);
  return Object.freeze({
    /** A connection to one chat room. */
    room: (name, more = {}) => (ownIdentity(more) ? shared().room(name, more) : perTab.room(name, more)),
    /** The user's notification stream. */
    notifications: (more = {}) => (ownIdentity(more) ? shared().notifications(more) : perTab.notifications(more)),
    /** 'worker' when the connections are shared, 'page' when this tab has its own, 'starting' before it knows. */
    get mode() {
      return client?.mode ?? 'starting';
    },
  });
}
