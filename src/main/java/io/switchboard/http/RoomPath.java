package io.switchboard.http;

/** Reads {@code {room}} out of {@code /{room}/messages}, the part of the history path after {@code /api/rooms}. */
public final class RoomPath {

    private RoomPath() {
    }

    /** The room segment, or null when the path is not {@code /{room}/messages}. */
    public static String room(String pathAfterRooms) {
        if (pathAfterRooms == null || !pathAfterRooms.startsWith("/") || !pathAfterRooms.endsWith("/messages")) {
            return null;
        }
        String room = pathAfterRooms.substring(1, pathAfterRooms.length() - "/messages".length());
        return room.isEmpty() || room.contains("/") ? null : room;
    }
}
