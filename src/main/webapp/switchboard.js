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

export { ChatRoom, CHAT_DEFAULTS } from './chat.js';
export { Notifications } from './notifications.js';
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
 * (the server's URL; by default the folder this module was loaded from), and any option of
 * ChatRoom or Socket. Connections it opens are already connecting.
 */
export function createClient(options = {}) {
  return Object.freeze({
    /** A connection to one chat room. */
    room: (name, more = {}) => new ChatRoom(name, { ...options, ...more }).connect(),
    /** The user's notification stream. */
    notifications: (more = {}) => new Notifications({ ...options, ...more }).connect(),
  });
}
