// The shared worker that holds the connections of one identity for every tab of this origin
// (new SharedWorker(url, {type: 'module', name: 'switchboard <server> <user>'}), made by
// shared.js). All of its logic is the Hub, a plain module tested in node; this is only the shell.

import { Hub } from './hub.js';

// The worker's global scope fires online/offline; the tabs tell it when a page becomes visible.
const hub = new Hub({ window: self });

self.onconnect = (event) => hub.connect(event.ports[0]);
