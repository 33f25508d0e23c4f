package io.switchboard;

import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.transport.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A {@link Peer} for plain unit tests: keeps what it was sent, decoded, and how it was closed. */
public final class FakePeer implements Peer {

    private static int nextId;

    private final String id = "fake-" + ++nextId;
    private final List<String> queued = new ArrayList<>();
    private final List<ServerMessage> sent = new ArrayList<>();
    private Runnable onOverflow = () -> { };
    private CloseCode closedWith;

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized boolean offer(String frame) {
        if (closedWith != null) {
            return false;
        }
        queued.add(frame);
        return true;
    }

    @Override
    public synchronized void flush() {
        queued.forEach(frame -> sent.add(Codec.standard().server().decode(frame)));
        queued.clear();
    }

    @Override
    public void onOverflow(Runnable action) {
        onOverflow = action;
    }

    public void overflow() {
        onOverflow.run();
    }

    @Override
    public void ping() {
    }

    @Override
    public synchronized void close(CloseCode code, String reason) {
        if (closedWith == null) {
            closedWith = code;
        }
    }

    public synchronized CloseCode closedWith() {
        return closedWith;
    }

    /** Every frame flushed so far. */
    public synchronized List<ServerMessage> sent() {
        return List.copyOf(sent);
    }

    public synchronized <T extends ServerMessage> List<T> sent(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    /** Frames queued but never flushed: a broadcast that forgot to start its sends. */
    public synchronized List<String> unflushed() {
        return List.copyOf(queued);
    }

    public synchronized void clear() {
        sent.clear();
    }
}
