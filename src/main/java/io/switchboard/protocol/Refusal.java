package io.switchboard.protocol;

/**
 * The connection must end with {@link #code()}: thrown by plain logic, mapped onto the wire in one
 * place by the endpoints. Carries no stack trace: it is an answer, not a bug.
 */
public final class Refusal extends RuntimeException {

    private final CloseCode code;

    public Refusal(CloseCode code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public CloseCode code() {
        return code;
    }

    /** A close reason fits in a control frame: at most 123 bytes of UTF-8 (RFC 6455, 5.5). */
    public String reason() {
        String reason = getMessage() == null ? "" : getMessage();
        return reason.length() <= 100 ? reason : reason.substring(0, 100);
    }
}
