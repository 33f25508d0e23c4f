package io.switchboard.protocol;

import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * A frame the server sends, told apart by its {@code type} key (protocol sections 3.1, 3.2 and 11).
 *
 * <p>Null components are left out of the JSON, which is how optional fields such as {@code ref},
 * {@code recovered} or an inbox notification's {@code topic} are absent.
 */
@JsonbTypeInfo(key = "type", value = {
    @JsonbSubtype(alias = "welcome", type = ServerMessage.Welcome.class),
    @JsonbSubtype(alias = "message", type = ServerMessage.Message.class),
    @JsonbSubtype(alias = "ack", type = ServerMessage.Ack.class),
    @JsonbSubtype(alias = "presence", type = ServerMessage.Presence.class),
    @JsonbSubtype(alias = "typing", type = ServerMessage.Typing.class),
    @JsonbSubtype(alias = "history", type = ServerMessage.History.class),
    @JsonbSubtype(alias = "pong", type = ServerMessage.Pong.class),
    @JsonbSubtype(alias = "error", type = ServerMessage.Error.class),
    @JsonbSubtype(alias = "notification", type = ServerMessage.Notification.class),
    @JsonbSubtype(alias = "subscribed", type = ServerMessage.Subscribed.class),
    @JsonbSubtype(alias = "unsubscribed", type = ServerMessage.Unsubscribed.class),
    @JsonbSubtype(alias = "unread", type = ServerMessage.Unread.class),
    @JsonbSubtype(alias = "receipt", type = ServerMessage.Receipt.class),
})
public sealed interface ServerMessage {

    /**
     * The first frame of every connection. A chat welcome fills {@code room, count, members, reads,
     * messages}; a notifications welcome fills {@code unread, notifications}. {@code reads} (section
     * 11) is always present in a chat welcome, {@code {}} when no listed member has a mark: clients
     * detect receipts by it.
     */
    record Welcome(String room, String user, Integer count, List<String> members, long seq, String epoch,
                   Long unread, Boolean recovered, Map<String, Long> reads, List<Message> messages,
                   List<Notification> notifications)
            implements ServerMessage {

        public static Welcome chat(String room, String user, int count, List<String> members, long seq,
                                   String epoch, Boolean recovered, Map<String, Long> reads, List<Message> messages) {
            return new Welcome(room, user, count, members, seq, epoch, null, recovered, reads, messages, null);
        }

        public static Welcome inbox(String user, long seq, String epoch, long unread, Boolean recovered,
                                    List<Notification> notifications) {
            return new Welcome(null, user, null, null, seq, epoch, unread, recovered, null, null, notifications);
        }
    }

    /** A chat message; also the item type of {@code welcome.messages} and {@code history.messages}. */
    record Message(String room, long seq, String from, String name, String text, String at)
            implements ServerMessage {
    }

    record Ack(String ref, long seq) implements ServerMessage {
    }

    /** {@code event} is {@code join} or {@code leave}; {@code count} is the room's count after it. */
    record Presence(String event, String user, int count) implements ServerMessage {

        public static Presence join(String user, int count) {
            return new Presence("join", user, count);
        }

        public static Presence leave(String user, int count) {
            return new Presence("leave", user, count);
        }
    }

    record Typing(String user) implements ServerMessage {
    }

    record History(String ref, List<Message> messages, boolean more) implements ServerMessage {
    }

    record Pong(String ref) implements ServerMessage {
    }

    /** {@code code} is an {@link ErrorCode}'s wire name. */
    record Error(String code, String message, String ref) implements ServerMessage {

        public static Error of(ErrorCode code, String message, String ref) {
            return new Error(code.wire(), message, ref);
        }
    }

    /** An inbox item ({@code topic} null) or a topic item. {@code body} and {@code data} are always present. */
    record Notification(String id, long seq, String topic, String title, String body, JsonObject data, String at)
            implements ServerMessage {
    }

    record Subscribed(String ref, String topic, long seq, String epoch, boolean recovered,
                      List<Notification> notifications) implements ServerMessage {
    }

    record Unsubscribed(String ref, String topic) implements ServerMessage {
    }

    /** {@code ref} is set only on the copy sent to the connection whose {@code read} caused it. */
    record Unread(long count, long readUpTo, String ref) implements ServerMessage {
    }

    /** A room member's read mark moved up to {@code readUpTo} (section 11); to every member, the reader's own connections too. */
    record Receipt(String user, long readUpTo) implements ServerMessage {
    }
}
