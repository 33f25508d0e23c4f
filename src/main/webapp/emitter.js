// Events for the client classes: a plain EventTarget whose events carry a `detail`, plus `on()`
// for callers that prefer a function that returns its own unsubscribe.

export class SwitchboardEvent extends Event {
  constructor(type, detail) {
    super(type);
    this.detail = detail;
  }
}

export class Emitter extends EventTarget {
  /** Calls `handler(detail, event)` for every `type` event; returns a function that stops it. */
  on(type, handler) {
    const listener = (event) => handler(event.detail, event);
    this.addEventListener(type, listener);
    return () => this.removeEventListener(type, listener);
  }

  emit(type, detail) {
    this.dispatchEvent(new SwitchboardEvent(type, detail));
  }
}
