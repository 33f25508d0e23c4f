package io.switchboard.notify;

import io.switchboard.identity.Identity;
import io.switchboard.protocol.ClientMessage;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.FrameRejected;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Welcome;
import io.switchboard.transport.Connection;
import io.switchboard.transport.EventStreamPeer;
import io.switchboard.transport.Frame;
import io.switchboard.transport.Member;
import io.switchboard.transport.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One event stream (protocol section 12): a connection like a notification WebSocket, a member of
 * the user's inbox channel and of its topics' channels, whose frames become events on one {@link
 * EventStreamPeer}. The client sends nothing on it: reads come by {@code POST …/read}.
 *
 * <p>The channels deliver frames as they would to a WebSocket; two views of the stream turn them
 * into events. The inbox's: its welcome (rendered here, with the items it carries as events), then
 * each inbox item with {@code id: <epoch>:<seq>}, and {@code unread} without id. A topic's: its
 * items, without id (live only: each topic is joined at its latest seq, and its {@code subscribed}
 * frame is not sent). Topic events that come before the inbox's welcome wait for it, so the
 * welcome is always the first event.
 */
final class StreamConnection extends Connection {

    private static final Logger LOG = Logger.getLogger(StreamConnection.class.getName());
    /** Stands for a topic's {@code subscribed}: the stream sends none. */
    private static final Frame NO_WELCOME = Frame.of("");

    private final Notifications notifications;
    private final EventStreamPeer stream;
    private final long maxEarlyWeight;
    /** The rendered welcome, so the inbox view knows it when the channel offers it. */
    private volatile Frame welcome;
    /** The inbox's epoch from its welcome: the first half of every inbox event's id. */
    private volatile String epoch;

    /** Guards {@link #welcomed}, {@link #early} and {@link #earlyWeight}. */
    private final Object gate = new Object();
    private boolean welcomed;
    private List<Frame> early = new ArrayList<>();
    private long earlyWeight;

    /** Guarded by {@code this}: what this stream holds, released once. */
    private Inbox inbox;
    private final List<TopicMember> topics = new ArrayList<>();

    private StreamConnection(InboxView view, EventStreamPeer stream, Identity identity, Notifications notifications) {
        super(view, identity, notifications.codec(), notifications.limits(), notifications.connections());
        this.notifications = notifications;
        this.stream = stream;
        this.maxEarlyWeight = notifications.limits().maxQueuedBytes();
        view.owner = this;
        stream.onEnded(this::closed);
    }

    static StreamConnection over(EventStreamPeer stream, Identity identity, Notifications notifications) {
        return new StreamConnection(new InboxView(stream), stream, identity, notifications);
    }

    /**
     * Joins the inbox, recovering from {@code since} in {@code sinceEpoch} (null: the latest 50),
     * and each topic at its latest seq. The response has started: from here on, only events.
     */
    void start(Long since, String sinceEpoch, List<String> topicNames) {
        Inbox held = notifications.inbox(user());
        List<TopicMember> joined = new ArrayList<>();
        synchronized (this) {
            inbox = held;
            for (String name : topicNames) {
                TopicMember member = new TopicMember(notifications.topic(name));
                topics.add(member);
                joined.add(member);
            }
        }
        if (isClosed()) {
            release(); // closed while starting: release() ran before there was anything to release
            return;
        }
        held.attach(this, since, sinceEpoch, this::render).exceptionally(error -> failed("inbox", error));
        for (TopicMember member : joined) {
            var channel = member.topic.channel();
            channel.position().thenCompose(position -> channel.join(member, position.latest(), position.epoch(),
                    () -> { }, snapshot -> NO_WELCOME)).exceptionally(error -> failed("topic " + member.topic.name(), error));
        }
    }

    private Void failed(String what, Throwable error) {
        LOG.log(Level.FINE, "event stream " + peer.id() + " could not join its " + what, error);
        close(CloseCode.RECONNECT, "not available now: reconnect");
        return null;
    }

    /** The welcome as events: {@code welcome} without its items, then each item with its id. Under the inbox's lock. */
    private Frame render(Welcome full) {
        String current = full.epoch();
        epoch = current;
        StringBuilder events = new StringBuilder(EventText.event("welcome", null, codec.encode(Welcome.inbox(
                full.user(), full.seq(), current, full.unread(), full.recovered(), null))));
        for (Notification item : full.notifications()) {
            events.append(EventText.event("notification", current + ":" + item.seq(), codec.encode(item)));
        }
        Frame rendered = Frame.of(events.toString());
        welcome = rendered;
        return rendered;
    }

    /** Offers the welcome, then the topic events that waited for it. */
    private boolean welcome(Frame rendered) {
        synchronized (gate) {
            boolean queued = stream.offer(rendered);
            for (Frame waiting : early) {
                stream.offer(waiting);
            }
            early = null;
            welcomed = true;
            return queued;
        }
    }

    /** A topic event: now if the welcome has gone, else after it (bounded like the queue). */
    private boolean afterWelcome(Frame event) {
        synchronized (gate) {
            if (!welcomed) {
                if (earlyWeight + event.weight() > maxEarlyWeight) {
                    stream.overflow();
                    return false;
                }
                early.add(event);
                earlyWeight += event.weight();
                return true;
            }
        }
        return stream.offer(event);
    }

    /** What every view of the one stream passes straight to it: its identity, its queue, its flush. */
    private abstract static class StreamView implements Peer {
        protected final EventStreamPeer stream;

        StreamView(EventStreamPeer stream) {
            this.stream = stream;
        }

        @Override
        public String id() {
            return stream.id();
        }

        @Override
        public String remoteAddress() {
            return stream.remoteAddress();
        }

        @Override
        public void flush() {
            stream.flush();
        }

        @Override
        public boolean backlogged() {
            return stream.backlogged();
        }

        @Override
        public void whenDrained(Runnable action) {
            stream.whenDrained(action);
        }
    }

    /** The inbox's view of the stream, and the connection's own peer. */
    private static final class InboxView extends StreamView {
        /** Set once, in the connection's constructor, before the view is used. */
        private StreamConnection owner;

        InboxView(EventStreamPeer stream) {
            super(stream);
        }

        @Override
        public boolean offer(Frame frame) {
            if (frame == owner.welcome) {
                return owner.welcome(frame);
            }
            String json = frame.text();
            String type = EventText.type(json);
            if ("notification".equals(type)) {
                return stream.offer(Frame.of(EventText.event("notification", owner.epoch + ":" + EventText.seq(json), json)));
            }
            if ("unread".equals(type)) {
                return stream.offer(Frame.of(EventText.event("unread", null, json)));
            }
            return true; // nothing else has an event on this transport
        }

        /** A stream cannot answer a ping: it counts as heard whenever its keep-alive comment goes out. */
        @Override
        public void ping() {
            stream.ping();
            owner.heard();
        }

        @Override
        public void onFailure(Failure action) {
            stream.onFailure(action);
        }

        @Override
        public void close(CloseCode code, String reason) {
            stream.close(code, reason);
        }
    }

    /** This stream as a member of one topic's channel. */
    private final class TopicMember extends StreamView implements Member {
        final Topic topic;

        TopicMember(Topic topic) {
            super(StreamConnection.this.stream);
            this.topic = topic;
        }

        @Override
        public Peer peer() {
            return this;
        }

        @Override
        public String user() {
            return StreamConnection.this.user();
        }

        @Override
        public void close(CloseCode code, String reason) {
            StreamConnection.this.close(code, reason);
        }

        @Override
        public boolean isClosed() {
            return StreamConnection.this.isClosed();
        }

        @Override
        public boolean offer(Frame frame) {
            if (frame == NO_WELCOME) {
                return true;
            }
            String json = frame.text();
            if (!"notification".equals(EventText.type(json))) {
                return true;
            }
            return afterWelcome(Frame.of(EventText.event("notification", null, json)));
        }

        @Override
        public void onFailure(Failure action) {
            // The connection listens on the stream itself.
        }

        @Override
        public void ping() {
            // The connection pings the stream once.
        }
    }

    @Override
    protected void release() {
        Inbox heldInbox;
        List<TopicMember> heldTopics;
        synchronized (this) {
            heldInbox = inbox;
            inbox = null;
            heldTopics = List.copyOf(topics);
            topics.clear();
        }
        if (heldInbox != null) {
            heldInbox.detach(this);
            notifications.release(heldInbox);
        }
        for (TopicMember member : heldTopics) {
            member.topic.channel().leave(member, () -> { });
            notifications.release(member.topic);
        }
    }

    // No frames come from the client of a stream; these exist because every connection handles every type.

    @Override
    public void say(ClientMessage.Say say) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("say", "the event stream", say.ref());
    }

    @Override
    public void typing(ClientMessage.Typing typing) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("typing", "the event stream", null);
    }

    @Override
    public void history(ClientMessage.History history) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("history", "the event stream", history.ref());
    }

    @Override
    public void subscribe(ClientMessage.Subscribe subscribe) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("subscribe", "the event stream", subscribe.ref());
    }

    @Override
    public void unsubscribe(ClientMessage.Unsubscribe unsubscribe) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("unsubscribe", "the event stream", unsubscribe.ref());
    }

    @Override
    public void read(ClientMessage.Read read) throws FrameRejected {
        throw ClientMessage.Handler.unknownType("read", "the event stream", read.ref());
    }
}
