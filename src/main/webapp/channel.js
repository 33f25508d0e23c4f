// What a chat room and the notification stream share: one Socket that resumes a numbered log on
// every connect, and a state that reads 'connected' only once the server's welcome arrived.
// Subclasses say where they resume from (_resumeFrom) and handle frames (_received) and closes
// (_closed, which must reset _welcomed).

import { Emitter } from './emitter.js';
import { resolveToken } from './resume.js';
import { connectionUrl } from './protocol.js';
import { Socket, State } from './socket.js';

export class ResumingChannel extends Emitter {
  /**
   * @param {string} path     the endpoint's path, such as chatPath(room)
   * @param {object} options  base, user (auth=dev) or token (auth=jwt), and any Socket option
   */
  constructor(path, options) {
    super();
    this.options = options;
    this._welcomed = false;
    this._resumed = false;
    this._state = State.DISCONNECTED;
    this._stateTransport = 'websocket';
    this.socket = new Socket({
      ...options,
      url: async () => {
        const from = this._resumeFrom();
        this._resumed = from.epoch !== undefined;
        const token = await resolveToken(options.token);
        return connectionUrl(options.base, path, { user: options.user, token, ...from });
      },
    });
    this.socket.on('open', (detail) => this._socketOpened(detail));
    this.socket.on('error', (detail) => this._socketError(detail));
    this.socket.on('close', (detail) => this._closed(detail));
    this.socket.on('state', () => this._updateState());
    this.socket.on('message', (frame) => this._received(frame));
  }

  get state() {
    return this._state;
  }

  /** 'websocket', or 'eventsource' while notifications use the fallback of contract section 12. */
  get transport() {
    return 'websocket';
  }

  connect() {
    this.socket.connect();
    return this;
  }

  close() {
    this.socket.close(1000, 'bye');
    return this;
  }

  _socketOpened(detail) {
    this.emit('open', detail);
  }

  _socketError(detail) {
    this.emit('error', detail);
  }

  /** The transport the state follows; Notifications may use another than the socket. */
  _transportState() {
    return this.socket.state;
  }

  _transportAttempt() {
    return this.socket.attempt;
  }

  _updateState() {
    const transportState = this._transportState();
    let state;
    if (transportState === State.DISCONNECTED) state = State.DISCONNECTED;
    else if (transportState === State.CONNECTED && this._welcomed) state = State.CONNECTED;
    else state = State.CONNECTING;
    const transport = this.transport;
    if (state === this._state && transport === this._stateTransport) return;
    this._state = state;
    this._stateTransport = transport;
    this.emit('state', { state, attempt: this._transportAttempt(), transport });
  }
}
