package io.switchboard.channel;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What a failed store future means to a client. */
public final class Failures {

    private Failures() {
    }

    /** The failure under the wrappers futures add. */
    public static Throwable cause(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** True when the store refused or could not be reached: the client may retry; nothing was stored. */
    public static boolean isUnavailable(Throwable error) {
        Throwable cause = cause(error);
        return cause instanceof StoreUnavailable || cause instanceof StoreFull;
    }
}
