package io.switchboard.chat;

import io.switchboard.Limits;
import io.switchboard.channel.LogStore;
import io.switchboard.channel.Names;
import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.Registry;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Refusal;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.transport.Connections;
import io.switchboard.transport.Peer;
import java.util.List;

/** The chat rooms: opening connections to them, and reading their history for the HTTP API. */
public final class Chat {

    private final ServerCodec codec;
    private final Limits limits;
    private final Connections connections;
    private final Registry<Room> rooms;

    public Chat(LogStore logs, ServerCodec codec, Limits limits, Connections connections) {
        this.codec = codec;
        this.limits = limits;
        this.connections = connections;
        this.rooms = new Registry<>(limits.maxChannels(),
                name -> Room.on(name, logs.open("room:" + name), codec, limits), Room::isIdle);
    }

    /**
     * Joins {@code room}: its name (4502), whether the user may (4501), then the user's connection count (1008), then the
     * {@code welcome}, recovering from the handshake's {@code since} and {@code epoch}.
     */
    public ChatConnection open(Peer peer, Identity identity, String room, Handshake handshake) {
        if (!Names.isChannel(room)) {
            throw new Refusal(CloseCode.INVALID_NAME, "invalid room name");
        }
        if (!identity.access().mayJoin(room)) {
            throw new Refusal(CloseCode.FORBIDDEN, "this user may not join this room");
        }
        ChatConnection connection = new ChatConnection(peer, identity, codec, limits, connections);
        connections.admit(connection);
        try {
            // Joined under the registry's lock, so the room cannot be forgotten as it is joined.
            Runnable sends = rooms.with(room, found -> {
                connection.joined(found);
                return found.join(connection, handshake.since(), handshake.parameter("epoch"));
            });
            sends.run();
        } catch (Registry.AtCapacity e) {
            connection.closed();
            throw new Refusal(CloseCode.TOO_SLOW, "server at its room limit: try again later");
        }
        return connection;
    }

    /** History for the HTTP API; a room never used has none. */
    NumberedLog.Page<Message> page(String room, Long before, int limit) {
        Room found = rooms.find(room);
        return found == null ? new NumberedLog.Page<>(List.of(), false) : found.page(before, limit);
    }
}
