package io.switchboard.protocol;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/**
 * A frame a client sends, told apart by its {@code type} key (protocol sections 3.1 and 3.2).
 *
 * <p>Both endpoints decode every type; an endpoint answers {@code unknown_type} to the ones that are
 * not its own. Records stay flat: no component may be called {@code type}.
 */
@JsonbTypeInfo(key = "type", value = {
    @JsonbSubtype(alias = "say", type = ClientMessage.Say.class),
    @JsonbSubtype(alias = "typing", type = ClientMessage.Typing.class),
    @JsonbSubtype(alias = "history", type = ClientMessage.History.class),
    @JsonbSubtype(alias = "ping", type = ClientMessage.Ping.class),
    @JsonbSubtype(alias = "subscribe", type = ClientMessage.Subscribe.class),
    @JsonbSubtype(alias = "unsubscribe", type = ClientMessage.Unsubscribe.class),
    @JsonbSubtype(alias = "read", type = ClientMessage.Read.class),
})
public sealed interface ClientMessage {

    /** The client's correlation id, echoed in the reply; null when the frame had none. */
    String ref();

    /** Calls the handler's method for this type. Java 17 has no pattern switch; this is its exhaustive stand-in. */
    void dispatch(Handler handler) throws FrameRejected;

    /**
     * One method per client frame type: adding a type breaks the build wherever frames are handled.
     * An endpoint answers the types that are not its own with {@link #unknownType}.
     */
    interface Handler {
        void say(Say say) throws FrameRejected;

        void typing(Typing typing) throws FrameRejected;

        void history(History history) throws FrameRejected;

        void ping(Ping ping) throws FrameRejected;

        void subscribe(Subscribe subscribe) throws FrameRejected;

        void unsubscribe(Unsubscribe unsubscribe) throws FrameRejected;

        void read(Read read) throws FrameRejected;

        static FrameRejected unknownType(String type, String endpoint, String ref) {
            return new FrameRejected(ErrorCode.UNKNOWN_TYPE, "'" + type + "' is not a frame of " + endpoint, ref);
        }
    }

    /** Chat: post {@code text} to the room. */
    record Say(String text, String ref) implements ClientMessage {
        @Override
        public void dispatch(Handler handler) throws FrameRejected {
            handler.say(this);
        }
    }

    /** Chat: the user is typing. Not stored. */
    record Typing() implements ClientMessage {
        @Override
        public String ref() {
            return null;
        }

        @Override
        public void dispatch(Handler handler) throws FrameRejected {
            handler.typing(this);
        }
    }

    /** Chat: a page of older messages, {@code before} exclusive. */
    record History(Long before, Integer limit, String ref) implements ClientMessage {
        @Override
        public void dispatch(Handler handler) throws FrameRejected {
            handler.history(this);
        }
    }

    /** Either endpoint: answered by {@code pong}. */
    record Ping(String ref) implements ClientMessage {
        @Override
        public void dispatch(Handler handler) throws FrameRejected {
            handler.ping(this);
        }
    }

    /** Notifications: start receiving a topic, recovering from {@code since} when given. */
    record Subscribe(String topic, Long since, String epoch, String ref) implements ClientMessage {
        @Override
        public void dispatch(Handler handler) throws FrameRejected {
            handler.subscribe(this);
        }
    }

    /** Notifications: stop receiving a topic. */
    record Unsubscribe(String topic, String ref) implements ClientMessage {
        @Override
        public void dispatch(Handler handler) throws FrameRejected {
            handler.unsubscribe(this);
        }
    }

    /** Notifications: the inbox is read up to {@code seq}. */
    record Read(Long seq, String ref) implements ClientMessage {
        @Override
        public void dispatch(Handler handler) throws FrameRejected {
            handler.read(this);
        }
    }
}
