package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.RawWebSocket;
import io.switchboard.WsRecorder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A client that paces itself under the rate limit is never limited, also on a server that has just
 * started: 4 senders, 7 connections each, 250 {@code say}s per sender dealt over its connections,
 * every connection in bursts of 15 at 80 % of the default rate (10 a second, bursts of 20). The
 * server runs in a JVM of its own, started for this test, so that nothing in it is loaded or compiled
 * yet (in this JVM, earlier tests would have warmed everything). The clients are raw sockets, each
 * burst one write, so that the frames leave on time whatever else this JVM is doing: a client whose
 * own I/O bunched a burst up late would not be pacing itself.
 */
class ColdStartStandaloneTest {

    private static final int SENDERS = 4;
    private static final int CONNECTIONS_PER_SENDER = 7;
    private static final int SAYS_PER_SENDER = 250;
    private static final int BURST = 15;
    /** 80 % of 10 a second: a burst of 15 every 1875 ms. */
    private static final long PAUSE_MILLIS = BURST * 1000L / 8;
    private static final Pattern UP = Pattern.compile("Switchboard is up at http://127\\.0\\.0\\.1:(\\d+)/");

    @Test
    void clientsPacedUnderTheLimitAreNeverLimitedOnAFreshServer() throws Exception {
        Process server = startServer();
        int connections = SENDERS * CONNECTIONS_PER_SENDER;
        ExecutorService threads = Executors.newFixedThreadPool(2 * connections);
        List<RawWebSocket> sockets = new ArrayList<>();
        try {
            int port = awaitPort(server);
            for (int sender = 0; sender < SENDERS; sender++) {
                for (int c = 0; c < CONNECTIONS_PER_SENDER; c++) {
                    RawWebSocket socket = RawWebSocket.open(port, "/chat/cold-" + sender + "?user=sender" + sender);
                    String welcome = socket.next().text();
                    assertEquals(true, welcome.contains("\"welcome\""), welcome);
                    sockets.add(socket);
                }
            }
            List<CompletableFuture<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                RawWebSocket socket = sockets.get(i);
                int c = i % CONNECTIONS_PER_SENDER;
                // The sender's 250 says, dealt round-robin over its connections.
                int says = SAYS_PER_SENDER / CONNECTIONS_PER_SENDER + (c < SAYS_PER_SENDER % CONNECTIONS_PER_SENDER ? 1 : 0);
                String name = "connection " + i + ": ";
                CompletableFuture.runAsync(() -> paced(socket, says), threads);
                outcomes.add(CompletableFuture.supplyAsync(() -> answers(socket, name, says), threads));
            }
            List<String> limited = new ArrayList<>();
            for (CompletableFuture<String> outcome : outcomes) {
                String wrong = outcome.get(2, TimeUnit.MINUTES);
                if (wrong != null) {
                    limited.add(wrong);
                }
            }
            assertEquals(List.of(), limited, "connections that were limited although paced under the limit");
        } finally {
            sockets.forEach(RawWebSocket::close);
            threads.shutdownNow();
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** Writes {@code says} in bursts of {@link #BURST}, one every {@link #PAUSE_MILLIS}, by the clock alone. */
    private static void paced(RawWebSocket socket, int says) {
        long start = System.nanoTime();
        for (int sent = 0, burst = 0; sent < says; burst++) {
            long due = start + TimeUnit.MILLISECONDS.toNanos(burst * PAUSE_MILLIS);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            int n = Math.min(BURST, says - sent);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                texts.add("{\"type\":\"say\",\"text\":\"paced\",\"ref\":\"r" + (sent + i) + "\"}");
            }
            socket.sendTexts(texts);
            sent += n;
        }
    }

    /** Reads until every say is acknowledged: null, or what came instead. */
    private static String answers(RawWebSocket socket, String name, int says) {
        int acks = 0;
        try {
            while (acks < says) {
                RawWebSocket.Frame frame = socket.next();
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    return name + "closed " + frame.closeCode() + " after " + acks + " acks";
                }
                String text = frame.text();
                if (text.startsWith("{\"type\":\"ack\"")) {
                    acks++;
                } else if (text.startsWith("{\"type\":\"error\"")) {
                    return name + text + " after " + acks + " acks";
                }
            }
            return null;
        } catch (AssertionError | RuntimeException e) {
            return name + e + " after " + acks + " acks";
        }
    }

    private static Process startServer() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.switchboard.standalone.Main");
        builder.environment().put("SWITCHBOARD_PORT", "0");
        builder.environment().put("SWITCHBOARD_HOST", "127.0.0.1");
        builder.environment().put("SWITCHBOARD_AUTH", "dev");
        builder.redirectErrorStream(true);
        return builder.start();
    }

    /** Reads the server's output until it says its port, within three times {@link WsRecorder#WAIT} (a cold JVM). */
    private static int awaitPort(Process server) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher up = UP.matcher(line);
                    if (up.find()) {
                        Thread drain = new Thread(() -> {
                            try {
                                while (out.readLine() != null) {
                                    // keep the pipe from filling
                                }
                            } catch (IOException ignored) {
                                // the server ended
                            }
                        }, "cold-server-output");
                        drain.setDaemon(true);
                        drain.start();
                        return Integer.parseInt(up.group(1));
                    }
                }
                throw new IllegalStateException("the server ended without saying its port");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return port.get(WsRecorder.WAIT.toSeconds() * 3, TimeUnit.SECONDS);
    }
}
