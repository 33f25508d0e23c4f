package io.switchboard.transport;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place security events are logged, on the logger {@value #NAME}: a refused token, origin or
 * limit, and a flood. Each event is logged once per connection (or refused handshake), with the
 * remote address and the user when known. Callers pass reasons, never tokens or keys; this class
 * also strips anything that looks like a JWT, in case a reason ever quotes one.
 */
public final class SecurityLog {

    public static final String NAME = "io.switchboard.security";
    private static final Logger LOG = Logger.getLogger(NAME);

    private SecurityLog() {
    }

    /** {@code event} is a short fixed word: {@code token}, {@code origin}, {@code flood}, {@code limit}, {@code forbidden}. */
    public static void event(String event, String remoteAddress, String user, String detail) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        LOG.info(() -> "security " + event + " from " + clean(remoteAddress) + " user=" + (user == null ? "-" : clean(user))
                + ": " + clean(detail));
    }

    /** Caps the length, drops control characters (no forged log lines), and masks JWT-shaped text. */
    static String clean(String text) {
        if (text == null) {
            return "-";
        }
        String clipped = text.length() > 200 ? text.substring(0, 200) + "…" : text;
        return clipped.replaceAll("\\p{Cntrl}", "?")
                .replaceAll("[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*", "[token]");
    }
}
