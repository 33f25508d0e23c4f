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
    this.socket = new Socket({
      ...options,
      url: async () => {
        const from = this._resumeFrom();
        this._resumed = from.epoch !== undefined;
        const token = await resolveToken(options.token);
        return connectionUrl(options.base, path, { user: options.user, token, ...from });
      },
    });
    this.socket.on('open', (detail) => this.emit('open', detail));
    this.socket.on('error', (detail) => this.emit('error', detail));
    this.socket.on('close', (detail) => this._closed(detail));
    this.socket.on('state', () => this._updateState());
    this.socket.on('message', (frame) => this._received(frame));
  }

  get state() {
    return this._state;
  }

  connect() {
    this.socket.connect();
    return this;
  }

  close() {
    this.socket.close(1000, 'bye');
    return this;
  }

  _updateState() {
    const socketState = this.socket.state;
    let state;
    if (socketState === State.DISCONNECTED) state = State.DISCONNECTED;
    else if (socketState === State.CONNECTED && this._welcomed) state = State.CONNECTED;
    else state = State.CONNECTING;
    if (state === this._state) return;
    this._state = state;
    this.emit('state', { state, attempt: this.socket.attempt });
  }
}
