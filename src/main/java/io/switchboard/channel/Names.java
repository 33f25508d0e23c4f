package io.switchboard.channel;

import java.util.regex.Pattern;

/** The contract's name rules (section 1). */
public final class Names {

    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

    private Names() {
    }

    /** A room or a topic. */
    public static boolean isChannel(String name) {
        return name != null && CHANNEL.matcher(name).matches();
    }

    public static boolean isUser(String name) {
        return name != null && USER.matcher(name).matches();
    }
}
