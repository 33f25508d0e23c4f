package io.switchboard.channel;

/** The store cannot be reached: nothing was stored, so nothing may be acknowledged. The client retries. */
public final class StoreUnavailable extends RuntimeException {

    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
