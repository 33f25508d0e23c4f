package io.switchboard.identity;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which rooms and topics a user may use: two lists of name patterns, where {@code *} stands for any
 * run of characters ({@code team-*}, {@code deploys}, {@code *}). An empty list allows nothing. The
 * inbox needs no entry: it is chosen by the identity and is the user's alone.
 */
public record Access(List<String> rooms, List<String> topics) {

    /** Everything: the default when no setting or claim says otherwise. */
    public static final Access ALL = new Access(List.of("*"), List.of("*"));

    public Access {
        rooms = List.copyOf(rooms);
        topics = List.copyOf(topics);
    }

    /** A comma-separated pattern list, as the settings carry it. */
    public static List<String> patterns(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableList());
    }

    public boolean mayJoin(String room) {
        return matchesAny(rooms, room);
    }

    public boolean maySubscribe(String topic) {
        return matchesAny(topics, topic);
    }

    private static boolean matchesAny(List<String> patterns, String name) {
        for (String pattern : patterns) {
            if (matches(pattern, name)) {
                return true;
            }
        }
        return false;
    }

    /** A glob match with {@code *} only, without regular expressions: linear, whatever the pattern. */
    static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int resume = 0;
        while (n < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = n;
            } else if (p < pattern.length() && pattern.charAt(p) == name.charAt(n)) {
                p++;
                n++;
            } else if (star >= 0) {
                p = star + 1;
                n = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
