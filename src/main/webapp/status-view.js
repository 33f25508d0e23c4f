// A connection-state pill: connected, connecting, reconnecting (a connection was lost and is
// being retried), or disconnected (with the reason when the server refused us).

import { closeCodeName } from './close-codes.js';
import { setText } from './dom.js';

export class StatusView {
  constructor(element) {
    this.element = element;
    this.label = element.querySelector('[data-role="label"]') ?? element;
    this._unsubscribe = [];
  }

  /** Follows a ChatRoom or Notifications; replaces whatever it followed before. */
  follow(connection) {
    this.unfollow();
    this._connection = connection;
    let everConnected = false;
    let lastClose = null;
    const render = (state, attempt) => {
      if (state === 'connected') {
        everConnected = true;
        lastClose = null;
        // The notification stream may run over server-sent events where WebSockets are blocked.
        this._show('connected', connection.transport === 'eventsource' ? 'connected (event stream)' : 'connected');
      } else if (state === 'connecting') {
        if (everConnected || lastClose) this._show('reconnecting', attempt > 1 ? `reconnecting (attempt ${attempt})…` : 'reconnecting…');
        else this._show('connecting', 'connecting…');
      } else if (lastClose && !lastClose.willReconnect && lastClose.code !== 1000) {
        this._show('disconnected', `disconnected: ${closeCodeName(lastClose.code)} (${lastClose.code})`);
      } else {
        this._show('disconnected', 'disconnected');
      }
    };
    this._unsubscribe.push(
      connection.on('close', (detail) => {
        lastClose = detail;
        if (!detail.willReconnect) render('disconnected', 0);
      }),
      connection.on('state', ({ state, attempt }) => render(state, attempt)),
    );
    render(connection.state, 0);
  }

  unfollow() {
    for (const stop of this._unsubscribe) stop();
    this._unsubscribe = [];
    this._connection = null;
    this._show('disconnected', 'disconnected');
  }

  _show(state, text) {
    this.element.dataset.state = state;
    this.element.dataset.transport = this._connection?.transport ?? 'websocket';
    setText(this.label, text);
  }
}
