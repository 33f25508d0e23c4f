package io.switchboard.chat;

import io.switchboard.Limits;
import io.switchboard.channel.Channel;
import io.switchboard.channel.LogStore;
import io.switchboard.channel.Names;
import io.switchboard.channel.Registry;
import io.switchboard.channel.Store;
import io.switchboard.identity.Handshake;
import io.switchboard.identity.Identity;
import io.switchboard.ops.Metrics;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Refusal;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage.Message;
import io.switchboard.transport.Connections;
import io.switchboard.transport.Peer;
import java.util.concurrent.CompletableFuture;

/**
 * The chat rooms of this node: opening connections to them, reading their history for the HTTP API,
 * and their read receipts ({@link Receipts}, whose timer is this node's one for receipts).
 */
public final class Chat implements AutoCloseable {

    private final ServerCodec codec;
    private final Limits limits;
    private final Connections connections;
    private final Registry<Room> rooms;
    private final Receipts receipts;

    public Chat(Store store, ServerCodec codec, Limits limits, Connections connections) {
        this(store, codec, limits, connections, Metrics.disabled());
    }

    public Chat(Store store, ServerCodec codec, Limits limits, Connections connections, Metrics metrics) {
        LogStore logs = metrics.timed(store.logs());
        this.codec = codec;
        this.limits = limits;
        this.connections = connections;
        Messages messages = new Messages(codec);
        // Receipts find a room when they are due; by then the registry exists.
        this.receipts = new Receipts(store.readMarks(), this::find);
        this.rooms = new Registry<>(limits.maxChannels(),
                name -> new Room(name, new Channel<>(Room.logName(name), logs.open(Room.logName(name), messages),
                        messages, limits.retention(), limits.recoveryBudget(), metrics.channel(Metrics.Kind.MESSAGE)),
                        store.presence(), store.readMarks(), receipts, codec, limits),
                room -> room.channel().close());
        store.presence().onDeparture((log, user, count) -> {
            if (log.startsWith("room:")) {
                Room room = rooms.find(log.substring("room:".length()));
                if (room != null) {
                    room.departed(user, count);
                }
            }
        });
    }

    /**
     * Joins {@code room}: its name (4502), whether the user may (4501), then the user's connection
     * count (1008), then the {@code welcome}, recovering from the handshake's {@code since} and {@code epoch}.
     */
    public ChatConnection open(Peer peer, Identity identity, String room, Handshake handshake) {
        if (!Names.isChannel(room)) {
            throw new Refusal(CloseCode.INVALID_NAME, "invalid room name");
        }
        if (!identity.access().mayJoin(room)) {
            throw new Refusal(CloseCode.FORBIDDEN, "this user may not join this room");
        }
        ChatConnection connection = new ChatConnection(peer, identity, codec, limits, connections, this);
        connections.admit(connection);
        Room found = rooms.acquire(room);
        connection.joined(found);
        found.join(connection, handshake.since(), handshake.parameter("epoch"));
        return connection;
    }

    void left(ChatConnection connection, Room room) {
        room.leave(connection);
        rooms.release(room.name(), room);
    }

    private Room find(String room) {
        return rooms.find(room);
    }

    /** Writes the read marks not yet written (a clean shutdown loses none) and stops the receipts' timer. */
    @Override
    public void close() {
        receipts.close();
    }

    /** History for the HTTP API and the {@code history} frame. */
    CompletableFuture<Channel.Page<Message>> page(String room, Long before, int limit) {
        Room found = rooms.acquire(room);
        return found.channel().before(before, limit).whenComplete((page, error) -> rooms.release(room, found));
    }
}
