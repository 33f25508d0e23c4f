package io.switchboard.bench.tyrus;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.lang.reflect.Constructor;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerContainer;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;

/**
 * The Switchboard chat subset as a minimal {@code @ServerEndpoint} on plain Tyrus 2.1.5 standalone
 * (Grizzly), a peer for bench/run.sh: welcome; say -> message to every member (sender included)
 * and ack; ping -> pong; presence join/leave per user. Naive on purpose: JSON-P (its provider
 * looked up once), and a broadcast is one {@code getAsyncRemote().sendText} per member.
 */
@ServerEndpoint("/chat/{room}")
public class PlainTyrus {

    static final JsonProvider JSON = JsonProvider.provider();
    static final String EPOCH = Long.toString(System.currentTimeMillis(), 36);
    static final Map<String, Room> ROOMS = new ConcurrentHashMap<>();

    /** Members and per-user connection counts; guarded by the room itself. */
    static final class Room {
        final String name;
        long seq;
        final Set<Session> sessions = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> users = new java.util.LinkedHashMap<>();

        Room(String name) {
            this.name = name;
        }
    }

    private Room room;
    private String user;

    @OnOpen
    public void open(Session session, @PathParam("room") String name) {
        List<String> userParam = session.getRequestParameterMap().get("user");
        user = userParam == null || userParam.isEmpty() ? "anon" : userParam.get(0);
        room = ROOMS.computeIfAbsent(name, Room::new);
        String welcome;
        String join = null;
        synchronized (room) {
            Integer before = room.users.get(user);
            room.users.put(user, before == null ? 1 : before + 1);
            List<String> members = new ArrayList<>();
            for (String u : room.users.keySet()) {
                if (members.size() == 100) {
                    break;
                }
                members.add(u);
            }
            welcome = JSON.createObjectBuilder().add("type", "welcome").add("room", name).add("user", user)
                    .add("count", room.users.size()).add("members", JSON.createArrayBuilder(members))
                    .add("seq", room.seq).add("epoch", EPOCH).add("messages", JSON.createArrayBuilder()).build().toString();
            if (before == null) {
                join = presence("join", room.users.size());
            }
            session.getAsyncRemote().sendText(welcome);
            if (join != null) {
                broadcast(join);
            }
            room.sessions.add(session);
        }
    }

    @OnMessage
    public void message(Session session, String text) {
        JsonObject msg;
        try {
            msg = JSON.createReader(new StringReader(text)).readObject();
        } catch (RuntimeException e) {
            session.getAsyncRemote().sendText("{\"type\":\"error\",\"code\":\"bad_json\",\"message\":\"not a JSON object\"}");
            return;
        }
        String type = msg.getString("type", "");
        JsonString refValue = msg.getJsonString("ref");
        String ref = refValue == null ? null : refValue.getString();
        switch (type) {
            case "say" -> {
                String said = msg.getString("text", "");
                synchronized (room) {
                    long seq = ++room.seq;
                    broadcast(JSON.createObjectBuilder().add("type", "message").add("room", room.name).add("seq", seq)
                            .add("from", user).add("name", user).add("text", said).add("at", Instant.now().toString())
                            .build().toString());
                    var ack = JSON.createObjectBuilder().add("type", "ack").add("seq", seq);
                    if (ref != null) {
                        ack.add("ref", ref);
                    }
                    session.getAsyncRemote().sendText(ack.build().toString());
                }
            }
            case "ping" -> {
                var pong = JSON.createObjectBuilder().add("type", "pong");
                if (ref != null) {
                    pong.add("ref", ref);
                }
                session.getAsyncRemote().sendText(pong.build().toString());
            }
            default -> session.getAsyncRemote().sendText(
                    "{\"type\":\"error\",\"code\":\"unknown_type\",\"message\":\"unknown type\"}");
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (room == null) {
            return;
        }
        synchronized (room) {
            if (!room.sessions.remove(session)) {
                return;
            }
            int left = room.users.getOrDefault(user, 1) - 1;
            if (left > 0) {
                room.users.put(user, left);
                return;
            }
            room.users.remove(user);
            broadcast(presence("leave", room.users.size()));
        }
    }

    @OnError
    public void error(Session session, Throwable t) {
        // A reset connection; @OnClose follows.
    }

    private String presence(String event, int count) {
        return JSON.createObjectBuilder().add("type", "presence").add("event", event).add("user", user)
                .add("count", count).build().toString();
    }

    /** Under the room's lock, so every member gets the room's frames in one order. */
    private void broadcast(String frame) {
        for (Session s : room.sessions) {
            if (s.isOpen()) {
                s.getAsyncRemote().sendText(frame);
            }
        }
    }

    /**
     * What Tyrus's own {@code org.glassfish.tyrus.server.Server} does (GrizzlyServerContainer.start:
     * a Grizzly listener, worker-thread I/O, no keep-alive timeout, Tyrus's add-on), except that it
     * binds 127.0.0.1 instead of its hard-coded 0.0.0.0: the benchmark stays on loopback.
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "18181"));
        var container = (TyrusServerContainer) new GrizzlyServerContainer().createContainer(Map.of());
        container.getWebSocketEngine().register(PlainTyrus.class, "");
        NetworkListener listener = new NetworkListener("grizzly", "127.0.0.1", port);
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        Constructor<WebSocketAddOn> addOn = WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
        addOn.setAccessible(true);
        listener.registerAddOn(addOn.newInstance(container, ""));
        HttpServer server = new HttpServer();
        server.addListener(listener);
        server.start();
        System.out.println("plain Tyrus peer on ws://127.0.0.1:" + port + "/chat/{room}");
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        Thread.currentThread().join();
    }
}
