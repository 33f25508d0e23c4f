package io.switchboard.identity;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an opening handshake told us, copied out of the container's request so plain code can read it.
 * {@code remoteAddress} is the peer's IP address as the container saw it, or {@value #UNKNOWN_ADDRESS}
 * in a container that does not tell.
 */
public record Handshake(Map<String, List<String>> parameters, Map<String, List<String>> headers, String remoteAddress) {

    public static final String UNKNOWN_ADDRESS = "unknown";

    public Handshake {
        parameters = Map.copyOf(parameters);
        TreeMap<String, List<String>> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> caseless.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        headers = caseless;
        remoteAddress = remoteAddress == null || remoteAddress.isBlank() ? UNKNOWN_ADDRESS : remoteAddress;
    }

    public Handshake(Map<String, List<String>> parameters, Map<String, List<String>> headers) {
        this(parameters, headers, null);
    }

    /** The first value of a query parameter, or null. */
    public String parameter(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a header, or null; names are case-insensitive. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The {@code since} query parameter: null without one. A malformed {@code since} is still a
     * {@code since}, so it comes back as -1, which recovers nothing ({@code recovered: false}).
     */
    public Long since() {
        String value = parameter("since");
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1L;
        }
    }
}
