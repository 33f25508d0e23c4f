package io.switchboard.transport;

import java.util.Arrays;

/**
 * The connections of a channel as an array that is replaced, never changed in place: a broadcast
 * queues to it under its channel's lock, then flushes the same array after releasing the lock.
 */
public final class Audience {

    private Audience() {
    }

    /** {@code members} with {@code added} at the end (the same array when already there). */
    public static <C extends Connection> C[] with(C[] members, C added) {
        for (C member : members) {
            if (member == added) {
                return members;
            }
        }
        C[] grown = Arrays.copyOf(members, members.length + 1);
        grown[members.length] = added;
        return grown;
    }

    /** {@code members} without {@code removed} (the same array when it was not there). */
    public static <C extends Connection> C[] without(C[] members, C removed) {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == removed) {
                C[] shrunk = Arrays.copyOf(members, members.length - 1);
                System.arraycopy(members, i + 1, shrunk, i, members.length - i - 1);
                return shrunk;
            }
        }
        return members;
    }

    /** Queues {@code frame} to every member; returns how many took it. */
    public static int offer(Connection[] members, String frame) {
        int queued = 0;
        for (Connection member : members) {
            if (member.peer().offer(frame)) {
                queued++;
            }
        }
        return queued;
    }

    /** Starts the sends; call with no lock held. */
    public static void flush(Connection[] members) {
        for (Connection member : members) {
            member.peer().flush();
        }
    }
}
