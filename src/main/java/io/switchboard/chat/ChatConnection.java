package io.switchboard.chat;

import io.switchboard.Limits;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.transport.Connection;
import io.switchboard.transport.Connections;
import io.switchboard.transport.Peer;

/** One connection to one chat room. */
final class ChatConnection extends Connection {

    static final int DEFAULT_HISTORY_LIMIT = 50;
    static final int MAX_HISTORY_LIMIT = 100;

    private final Chat chat;
    /** Set once, before the connection receives anything. */
    private volatile Room room;

    ChatConnection(Peer peer, Identity identity, ServerCodec codec, Limits limits, Connections registry, Chat chat) {
        super(peer, identity, codec, limits, registry);
        this.chat = chat;
    }

    void joined(Room room) {
        this.room = room;
    }

    @Override
    public void say(ClientMessage.Say say) throws FrameRejected {
        room.say(this, say.text(), say.ref());
    }

    @Override
    public void typing(ClientMessage.Typing typing) {
        room.typing(this);
    }

    @Override
    public void history(ClientMessage.History history) throws FrameRejected {
        int limit = history.limit() == null ? DEFAULT_HISTORY_LIMIT : history.limit();
        if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
            throw new FrameRejected(ErrorCode.INVALID, "'limit' must be from 1 to 100", history.ref());
        }
        chat.page(room.name(), history.before(), limit).whenComplete((page, error) -> send(error == null
                ? new ServerMessage.History(history.ref(), page.items(), page.more())
                : ServerMessage.Error.of(ErrorCode.UNAVAILABLE, "history is not available now: retry", history.ref())));
    }

    @Override
    public void subscribe(ClientMessage.Subscribe subscribe) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("subscribe", "a chat room", subscribe.ref());
    }

    @Override
    public void unsubscribe(ClientMessage.Unsubscribe unsubscribe) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("unsubscribe", "a chat room", unsubscribe.ref());
    }

    @Override
    public void read(ClientMessage.Read read) throws FrameRejected {
        room.read(this, read.seq(), read.ref());
    }

    @Override
    protected void release() {
        Room current = room;
        if (current != null) {
            chat.left(this, current);
        }
    }
}
