package io.switchboard.protocol;

/** A client frame that is wrong but harmless: answered with an {@code error} frame, the connection lives. */
public final class FrameRejected extends Exception {

    private final ErrorCode code;
    private final String ref;

    public FrameRejected(ErrorCode code, String message, String ref) {
        super(message, null, false, false);
        this.code = code;
        this.ref = ref;
    }

    public ErrorCode code() {
        return code;
    }

    /** The failed frame's {@code ref}, when it had a valid one. */
    public String ref() {
        return ref;
    }

    public ServerMessage.Error toFrame() {
        return ServerMessage.Error.of(code, getMessage(), ref);
    }
}
