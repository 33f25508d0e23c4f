// Test doubles for the browser client: a WebSocket driven by the test, and a clock whose
// timers run only when the test advances it.

export class FakeClock {
  constructor() {
    this.now = 0;
    this._timers = new Map();
    this._next = 1;
    this.setTimeout = (fn, ms = 0) => {
      const id = this._next++;
      this._timers.set(id, { at: this.now + Math.max(0, ms), fn });
      return id;
    };
    this.clearTimeout = (id) => {
      this._timers.delete(id);
    };
  }

  /** Runs every timer due within `ms`, in time order, including ones those timers set. */
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      let due = null;
      for (const [id, timer] of this._timers) {
        if (timer.at <= end && (due === null || timer.at < due[1].at)) due = [id, timer];
      }
      if (!due) break;
      this._timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }

  get pending() {
    return this._timers.size;
  }
}

export function fakeWebSocketClass() {
  const instances = [];
  class FakeWebSocket {
    static instances = instances;
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    constructor(url) {
      this.url = url;
      this.readyState = FakeWebSocket.CONNECTING;
      this.sent = [];
      this.closedWith = null;
      this.onopen = this.onmessage = this.onerror = this.onclose = null;
      instances.push(this);
    }

    send(text) {
      if (this.readyState !== FakeWebSocket.OPEN) throw new Error('not open');
      this.sent.push(JSON.parse(text));
    }

    close(code, reason) {
      this.closedWith = { code, reason };
      this.readyState = FakeWebSocket.CLOSING;
    }

    // --- the test plays the server ---

    get query() {
      return new URL(this.url).searchParams;
    }

    serverOpen() {
      this.readyState = FakeWebSocket.OPEN;
      this.onopen?.({ type: 'open' });
    }

    serverSend(frame) {
      this.onmessage?.({ type: 'message', data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }

    serverClose(code, reason = '') {
      this.readyState = FakeWebSocket.CLOSED;
      this.onclose?.({ type: 'close', code, reason, wasClean: code !== 1006 });
    }

    sentOfType(type) {
      return this.sent.filter((frame) => frame.type === type);
    }
  }
  return FakeWebSocket;
}

/** A minimal window/document pair for online/offline and visibility events. */
export function fakeBrowser() {
  const window = new EventTarget();
  const document = new EventTarget();
  document.visibilityState = 'visible';
  return { window, document };
}

/** Options that plug the fakes into a Socket, ChatRoom or Notifications. */
export function fakeOptions(overrides = {}) {
  const clock = new FakeClock();
  const WebSocket = fakeWebSocketClass();
  const { window, document } = fakeBrowser();
  return {
    clock,
    WebSocket,
    window,
    document,
    options: {
      base: 'http://127.0.0.1:8080/',
      WebSocket,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      window,
      document,
      random: () => 1,
      ...overrides,
    },
  };
}

/** Waits for pending promise callbacks (the url() of a connection attempt is async). */
export const flush = () => new Promise((resolve) => setImmediate(resolve));

export function record(emitter, type) {
  const seen = [];
  emitter.on(type, (detail) => seen.push(detail));
  return seen;
}

/** An EventSource driven by the test, as the browser's behaves (contract section 12's stream). */
export function fakeEventSourceClass() {
  const instances = [];
  class FakeEventSource extends EventTarget {
    static instances = instances;
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSED = 2;

    constructor(url) {
      super();
      this.url = url;
      this.readyState = FakeEventSource.CONNECTING;
      this.onopen = this.onerror = null;
      this.lastEventId = '';
      this.closed = false;
      instances.push(this);
    }

    close() {
      this.readyState = FakeEventSource.CLOSED;
      this.closed = true;
    }

    get query() {
      return new URL(this.url).searchParams;
    }

    // --- the test plays the server and the browser ---

    serverOpen() {
      this.readyState = FakeEventSource.OPEN;
      this.onopen?.({ type: 'open' });
    }

    /** One event: `event: type`, `data: JSON`, and `id:` when given. */
    serverEvent(type, data, id) {
      if (id !== undefined) this.lastEventId = id;
      const event = new Event(type);
      event.data = typeof data === 'string' ? data : JSON.stringify(data);
      event.lastEventId = this.lastEventId;
      this.dispatchEvent(event);
    }

    /** The stream ended or the network dropped: the browser reconnects by itself. */
    dropped() {
      this.readyState = FakeEventSource.CONNECTING;
      this.onerror?.({ type: 'error' });
    }

    /** An HTTP error or a wrong content type: the browser gives up on this EventSource. */
    failed() {
      this.readyState = FakeEventSource.CLOSED;
      this.onerror?.({ type: 'error' });
    }
  }
  return FakeEventSource;
}

/**
 * A fetch whose answers come from `answer(url, init)`: {status, body}, or an Error to reject
 * with. Calls are kept in `fetch.calls`.
 */
export function fakeFetch(answer) {
  const calls = [];
  const fetch = async (url, init = {}) => {
    calls.push({ url: String(url), init });
    const reply = await answer(String(url), init);
    if (reply instanceof Error) throw reply;
    return { status: reply.status, ok: reply.status >= 200 && reply.status < 300, json: async () => reply.body };
  };
  fetch.calls = calls;
  return fetch;
}

/**
 * Two entangled MessagePorts, as a SharedWorker's port and the worker's end of it: messages are
 * structured-cloned and delivered in order, each in its own microtask (never synchronously).
 * A frozen port keeps what arrives until thawed (a frozen tab); a closed one drops everything.
 */
export function portPair() {
  const make = () => ({
    onmessage: null,
    other: null,
    closed: false,
    frozen: false,
    held: [],
    postMessage(data) {
      if (this.closed || this.frozen) return;
      const copy = structuredClone(data);
      const target = this.other;
      queueMicrotask(() => target._deliver(copy));
    },
    _deliver(data) {
      if (this.closed) return;
      if (this.frozen) this.held.push(data);
      else this.onmessage?.({ data });
    },
    close() {
      this.closed = true;
    },
    freeze() {
      this.frozen = true;
    },
    thaw() {
      this.frozen = false;
      for (const data of this.held.splice(0)) this.onmessage?.({ data });
    },
  });
  const a = make();
  const b = make();
  a.other = b;
  b.other = a;
  return [a, b];
}

export class FakeMessageChannel {
  constructor() {
    [this.port1, this.port2] = portPair();
  }
}

/**
 * A SharedWorker class whose workers all share the hub `hubs()` returns now (the browser gives
 * every tab the same worker for one name). `made` lists them, with the tab's port.
 */
export function fakeSharedWorkerClass(hubs) {
  const made = [];
  class FakeSharedWorker {
    static made = made;

    constructor(url, options) {
      this.url = String(url);
      this.options = options;
      this.onerror = null;
      const [tabPort, hubPort] = portPair();
      this.port = tabPort;
      this.hubPort = hubPort;
      hubs().connect(hubPort);
      made.push(this);
    }
  }
  return FakeSharedWorker;
}

/** Lets messages between ports and pending promises run: a few rounds of the event loop. */
export async function settle(rounds = 6) {
  for (let i = 0; i < rounds; i++) await flush();
}
