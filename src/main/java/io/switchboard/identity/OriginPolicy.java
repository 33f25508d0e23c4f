package io.switchboard.identity;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser pages may open a WebSocket (protocol sections 2 and 7, "Identity"): without an
 * allow-list, the {@code Origin} must name the host and port the request came to; a handshake
 * without {@code Origin} is not a browser's and passes.
 */
public final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean anyOrigin;

    private OriginPolicy(Set<String> allowed) {
        this.allowed = allowed;
        this.anyOrigin = allowed.contains("*");
    }

    public static OriginPolicy sameOrigin() {
        return new OriginPolicy(Set.of());
    }

    /** A comma-separated list of origins, such as {@code https://app.example.com,http://localhost:3000}, or {@code *}. */
    public static OriginPolicy allowList(String commaSeparated) {
        return new OriginPolicy(Arrays.stream(commaSeparated.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> s.equals("*") ? s : normalise(s))
                .collect(Collectors.toUnmodifiableSet()));
    }

    public boolean allows(String origin, String host) {
        if (origin == null) {
            return true;
        }
        if (anyOrigin) {
            return true;
        }
        String normalised = normalise(origin);
        if (!allowed.isEmpty()) {
            return allowed.contains(normalised);
        }
        return host != null && hostPort(normalised).equals(hostPortOfHostHeader(host, schemeOf(normalised)));
    }

    /** {@code scheme://host:port} in lower case, with the scheme's default port written out. */
    static String normalise(String origin) {
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            int port = uri.getPort() == -1 ? defaultPort(scheme) : uri.getPort();
            return scheme + "://" + host + ":" + port;
        } catch (Exception e) {
            return "invalid:" + origin;
        }
    }

    private static String schemeOf(String normalised) {
        int end = normalised.indexOf("://");
        return end < 0 ? "" : normalised.substring(0, end);
    }

    private static String hostPort(String normalised) {
        int start = normalised.indexOf("://");
        return start < 0 ? normalised : normalised.substring(start + 3);
    }

    /** The Host header carries no scheme: its default port is the origin's scheme's (the scheme itself is ignored). */
    private static String hostPortOfHostHeader(String host, String scheme) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        boolean bracketed = h.startsWith("[");
        int colon = bracketed ? h.indexOf("]:") + 1 : h.lastIndexOf(':');
        if (colon > 0 && (bracketed || h.indexOf(':') == colon)) {
            return h;
        }
        return h + ":" + defaultPort(scheme);
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "https", "wss" -> 443;
            default -> 80;
        };
    }
}
