package io.switchboard.transport;

import io.switchboard.Settings;
import io.switchboard.Switchboard;
import io.switchboard.chat.ChatEndpoint;
import io.switchboard.identity.Handshake;
import io.switchboard.protocol.ClientMessage;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What fan-out costs in CPU, with the server's own code from the endpoint to the container's send,
 * and no sockets: one room of {@code members} connections on sessions whose sends complete at once,
 * one member saying {@code says} messages. Measured in the calling thread's CPU time, which other
 * jobs on a shared machine do not inflate (they only make it wait). Every say is stored and offered
 * to every member on this thread (the memory store completes at once), so its CPU time is the whole
 * cost: decode excluded, encode once, offer and flush per member, and the meters.
 *
 * <p>Run by bench/fanout-cost.sh: {@code java -cp target/classes:<cp>:<this> io.switchboard.transport.FanoutCost
 * true|false [members] [says]}; prints {@code RESULT ns_per_delivery N}.
 */
public final class FanoutCost {

    public static void main(String[] args) throws Exception {
        String metrics = args.length > 0 ? args[0] : "true";
        int members = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int says = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        Switchboard switchboard = Switchboard.start(Settings.of(Map.of(
                "switchboard.metrics", metrics,
                "switchboard.auth", "dev",
                "switchboard.framesPerSecond", "1000000000",
                "switchboard.frameBurst", "1000000000",
                "switchboard.maxConnectionsPerAddress", "100000",
                "switchboard.maxConnections", "100000",
                "switchboard.handshakesPerSecondPerUser", "1000000",
                "switchboard.handshakeBurstPerUser", "1000000",
                "switchboard.maxQueuedBytes", "67108864")), Switchboard.Host.STANDALONE);
        AtomicLong sent = new AtomicLong();
        Map<String, MessageHandler> handlers = new ConcurrentHashMap<>();
        for (int i = 0; i < members; i++) {
            ChatEndpoint endpoint = new ChatEndpoint(switchboard.chat(), switchboard.transport());
            endpoint.onOpen(session("m" + i, sent, handlers), null);
        }
        @SuppressWarnings("unchecked")
        MessageHandler.Whole<ClientMessage> sender = (MessageHandler.Whole<ClientMessage>) handlers.get("m0");
        String padding = "x".repeat(48);
        ClientMessage say = switchboard.codec().client().decode(
                "{\"type\":\"say\",\"text\":\"" + padding + "\"}");
        for (int i = 0; i < says / 2; i++) { // warm-up: the JIT compiles the path
            sender.onMessage(say);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sentBefore = sent.get();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long wallBefore = System.nanoTime();
        for (int i = 0; i < says; i++) {
            sender.onMessage(say);
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        long deliveries = sent.get() - sentBefore;
        if (deliveries < (long) says * members) {
            throw new IllegalStateException("only " + deliveries + " frames sent for " + says + " says to " + members);
        }
        System.out.printf("RESULT\tns_per_delivery\t%.1f%n", (double) cpu / deliveries);
        System.out.printf("RESULT\tdeliveries_per_cpu_s\t%.0f%n", deliveries * 1e9 / cpu);
        System.out.printf("RESULT\twall_ms\t%d%n", wall / 1_000_000);
        switchboard.close();
        System.exit(0);
    }

    /** A session whose sends complete on the spot; it records the endpoint's frame handler. */
    private static Session session(String user, AtomicLong sent, Map<String, MessageHandler> handlers) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Handshake.class.getName(), new Handshake(
                Map.of("user", List.of(user)), Map.of(), "127.0.0.1"));
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(FanoutCost.class.getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 2) {
                        sent.incrementAndGet();
                        ((SendHandler) args[1]).onResult(new SendResult());
                    }
                    return null;
                });
        return (Session) Proxy.newProxyInstance(FanoutCost.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUserProperties" -> properties;
                    case "getAsyncRemote" -> remote;
                    case "getId" -> user;
                    case "isOpen" -> true;
                    case "getPathParameters" -> Map.of("room", "bench");
                    case "getNegotiatedExtensions" -> List.of();
                    case "addMessageHandler" -> {
                        if (args[0] == ClientMessage.class) {
                            handlers.put(user, (MessageHandler) args[1]);
                        }
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "session " + user;
                    default -> null;
                });
    }
}
