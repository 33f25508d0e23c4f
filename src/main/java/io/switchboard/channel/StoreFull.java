package io.switchboard.channel;

/** A bound of the store refuses the item (the memory store's byte budget): nothing was stored. */
public final class StoreFull extends RuntimeException {

    public StoreFull(String message) {
        super(message, null, false, false);
    }
}
