package io.switchboard.notify;

import java.util.Arrays;

/**
 * The connections a notification goes to, as an array that is replaced, never changed in place:
 * a publisher queues to it under its channel's lock and flushes it after the lock is released.
 */
final class Audience {

    static final NotifyConnection[] NONE = new NotifyConnection[0];

    private Audience() {
    }

    static NotifyConnection[] with(NotifyConnection[] members, NotifyConnection added) {
        for (NotifyConnection member : members) {
            if (member == added) {
                return members;
            }
        }
        NotifyConnection[] grown = Arrays.copyOf(members, members.length + 1);
        grown[members.length] = added;
        return grown;
    }

    static NotifyConnection[] without(NotifyConnection[] members, NotifyConnection removed) {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == removed) {
                NotifyConnection[] shrunk = new NotifyConnection[members.length - 1];
                System.arraycopy(members, 0, shrunk, 0, i);
                System.arraycopy(members, i + 1, shrunk, i, members.length - i - 1);
                return shrunk;
            }
        }
        return members;
    }

    /** Queues {@code frame} to every member; returns how many took it. */
    static int offer(NotifyConnection[] members, String frame) {
        int delivered = 0;
        for (NotifyConnection member : members) {
            if (member.peer().offer(frame)) {
                delivered++;
            }
        }
        return delivered;
    }

    static void flush(NotifyConnection[] members) {
        for (NotifyConnection member : members) {
            member.peer().flush();
        }
    }
}
