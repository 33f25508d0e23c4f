// The client side of one numbered log (a room, an inbox, a topic): where we are in it, which
// life of it (`epoch`) that position belongs to, and which frames are duplicates or leave a gap.

export class LogPosition {
  constructor() {
    this.epoch = undefined; // unknown until the first welcome
    this.seq = 0; // the highest seq handed to the application in this epoch
  }

  /** The `since`/`epoch` pair to resume from, or an empty object before the first welcome. */
  resumeFrom() {
    return this.epoch === undefined ? {} : { since: this.seq, epoch: this.epoch };
  }

  /**
   * Adopts the epoch of a welcome (or `subscribed`). Returns true when it changed from a known
   * one: the log started over, so positions from before mean nothing now.
   */
  adopt(epoch) {
    const changed = this.epoch !== undefined && epoch !== this.epoch;
    if (this.epoch !== epoch) this.seq = 0;
    this.epoch = epoch;
    return changed;
  }

  /** 'new', 'duplicate' or 'gap' for an item with this seq; 'new' moves the position. */
  accept(seq, { allowGap = false } = {}) {
    if (!Number.isInteger(seq) || seq <= this.seq) return 'duplicate';
    if (seq > this.seq + 1 && !allowGap) return 'gap';
    this.seq = seq;
    return 'new';
  }

  /** After a welcome, the position is at least the log's latest seq. */
  catchUp(latest) {
    if (Number.isInteger(latest) && latest > this.seq) this.seq = latest;
  }
}

/** Resolves a token option: a string, or a function returning one (or a promise of one). */
export async function resolveToken(token) {
  return typeof token === 'function' ? token() : token;
}

/**
 * Read marks in one room (contract section 11): user id -> readUpTo, which never goes down within
 * an epoch. The welcome's `reads` lists only the members online now, so marks of users who left
 * are kept until the room's epoch changes.
 */
export class ReadMarks {
  constructor() {
    this._marks = new Map();
  }

  /** Takes the `reads` of a welcome; `epochChanged`: the log started over, so old marks go. */
  adopt(reads, epochChanged) {
    if (epochChanged) this._marks.clear();
    for (const [user, upTo] of Object.entries(reads ?? {})) this.apply(user, upTo);
  }

  /** A receipt. Returns the previous mark when this one moved it forward, else null. */
  apply(user, readUpTo) {
    if (typeof user !== 'string' || !Number.isInteger(readUpTo) || readUpTo < 0) return null;
    const previous = this._marks.get(user) ?? 0;
    if (readUpTo <= previous) return null;
    this._marks.set(user, readUpTo);
    return previous;
  }

  get(user) {
    return this._marks.get(user) ?? 0;
  }

  /** Users whose mark is at or past `seq`, sorted. */
  seenBy(seq) {
    return [...this._marks].filter(([, upTo]) => upTo >= seq).map(([user]) => user).sort();
  }

  /** A plain object, as `welcome.reads` is. */
  toObject() {
    return Object.fromEntries(this._marks);
  }

  get size() {
    return this._marks.size;
  }
}
