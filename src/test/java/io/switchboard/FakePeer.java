package io.switchboard;

import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ServerMessage;
import io.switchboard.transport.Frame;
import io.switchboard.transport.Outbox;
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
    private Failure onFailure = (code, reason) -> { };
    private CloseCode closedWith;
    private boolean backlogged;
    private Runnable drained;

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean offer(Frame frame) {
        synchronized (this) {
            if (closedWith != null) {
                return false;
            }
            queued.add(frame.text());
        }
        Outbox.needsFlush(this);
        return true;
    }

    @Override
    public synchronized void flush() {
        queued.forEach(frame -> sent.add(Codec.standard().server().decode(frame)));
        queued.clear();
    }

    @Override
    public synchronized boolean backlogged() {
        return backlogged;
    }

    @Override
    public void whenDrained(Runnable action) {
        boolean now;
        synchronized (this) {
            now = !backlogged;
            drained = now ? null : action;
        }
        if (now) {
            Outbox.run(action);
        }
    }

    /** Makes the peer say its queue is more than half full, as a slow client's would be; false drains it. */
    public void backlog(boolean full) {
        Runnable action;
        synchronized (this) {
            backlogged = full;
            action = full ? null : drained;
            drained = full ? drained : null;
        }
        if (action != null) {
            Outbox.run(action);
        }
    }

    @Override
    public void onFailure(Failure action) {
        onFailure = action;
    }

    /** What an outgoing queue past its bound does: the connection closes with 1013. */
    public void overflow() {
        onFailure.failed(CloseCode.TOO_SLOW, "outgoing queue full: reconnect with since");
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

    /** Frames queued but never flushed: a send that the transport forgot to start. */
    public synchronized List<String> unflushed() {
        return List.copyOf(queued);
    }

    public synchronized void clear() {
        sent.clear();
    }
}
