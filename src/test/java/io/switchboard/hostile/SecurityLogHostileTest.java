package io.switchboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.identity.Tokens;
import io.switchboard.standalone.RunningServer;
import io.switchboard.transport.SecurityLog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Security events are logged once per connection, naming the remote address and the user, and no
 * log line of any logger ever holds a token or the publish key.
 */
class SecurityLogHostileTest {

    static final List<LogRecord> RECORDS = new CopyOnWriteArrayList<>();
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            RECORDS.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    static RunningServer server;

    @BeforeAll
    static void start() {
        CAPTURE.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(CAPTURE);
        server = RunningServer.start(Map.of("switchboard.auth", "jwt", "switchboard.jwt.secret", Tokens.SECRET));
    }

    @AfterAll
    static void stop() {
        server.close();
        Logger.getLogger("").removeHandler(CAPTURE);
    }

    @BeforeEach
    void clear() {
        // The log's counters are JVM-wide: other classes' refusals from 127.0.0.1 must not use up this one's lines.
        SecurityLog.reset();
        RECORDS.clear();
    }

    static List<String> security() {
        return RECORDS.stream().filter(r -> SecurityLog.NAME.equals(r.getLoggerName()))
                .map(r -> new java.util.logging.SimpleFormatter().formatMessage(r)).collect(Collectors.toList());
    }

    static String everything() {
        java.util.logging.SimpleFormatter formatter = new java.util.logging.SimpleFormatter();
        return RECORDS.stream().map(formatter::format).collect(Collectors.joining("\n"));
    }

    static void awaitEvents(int count) {
        long deadline = System.nanoTime() + Hostile.WAIT.toNanos();
        while (security().size() < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void refusedTokensAreLoggedOnceWithAddressButNeverTheToken() {
        String expired = Tokens.hs256("alice", Instant.now().minusSeconds(10));
        try (RawSocket socket = RawSocket.connect(server.port(), "/chat/room-a?access_token=" + expired)) {
            assertEquals(4001, socket.awaitClose(Hostile.WAIT));
        }
        String forged = Tokens.sign(com.nimbusds.jose.JWSAlgorithm.HS256,
                "a-different-secret-that-is-32-bytes-long".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                c -> c.subject("mallory").expirationTime(java.util.Date.from(Instant.now().plusSeconds(60))));
        try (RawSocket socket = RawSocket.connect(server.port(), "/chat/room-a",
                Map.of("Authorization", "Bearer " + forged))) {
            assertEquals(4500, socket.awaitClose(Hostile.WAIT));
        }
        awaitEvents(2);
        List<String> events = security();
        assertEquals(2, events.size(), events.toString());
        assertTrue(events.get(0).contains("security token from 127.0.0.1") && events.get(0).contains("4001"), events.get(0));
        assertTrue(events.get(1).contains("security token from 127.0.0.1") && events.get(1).contains("4500"), events.get(1));
        String all = everything();
        assertFalse(all.contains(expired) || all.contains(expired.split("\\.")[1]), "a token reached the log");
        assertFalse(all.contains(forged.split("\\.")[2]), "a token reached the log");
    }

    @Test
    void refusedOriginIsLoggedOnce() {
        try (RawSocket socket = RawSocket.connect(server.port(), "/notifications?access_token="
                + Tokens.hs256("bob", Instant.now().plusSeconds(60)), Map.of("Origin", "https://evil.example"))) {
            assertEquals(403, socket.status());
        }
        awaitEvents(1);
        List<String> events = security();
        assertEquals(1, events.size(), events.toString());
        assertTrue(events.get(0).contains("security origin from 127.0.0.1") && events.get(0).contains("evil.example"));
    }

    @Test
    void floodIsLoggedOnceWithTheUser() {
        String token = Tokens.hs256("flooder", Instant.now().plusSeconds(60));
        try (RawSocket socket = RawSocket.connect(server.port(), "/notifications?access_token=" + token)) {
            socket.nextText(Hostile.WAIT);
            for (int i = 0; i < 500 && socket.write(RawSocket.encode(true, 0, RawSocket.TEXT,
                    "{\"type\":\"ping\"}".getBytes(), true, RawSocket.Length.MINIMAL)); i++) {
                // flood
            }
            assertEquals(1008, socket.awaitClose(Hostile.WAIT));
        }
        awaitEvents(1);
        List<String> events = security();
        assertEquals(1, events.size(), events.toString());
        assertTrue(events.get(0).contains("security flood from 127.0.0.1 user=flooder"), events.get(0));
        assertFalse(everything().contains(token.split("\\.")[2]), "a token reached the log");
    }

    @Test
    void aHundredRefusedHandshakesLogAFewLinesAndSaySoOnce() {
        for (int i = 0; i < 100; i++) {
            try (RawSocket socket = RawSocket.connect(server.port(), "/chat/room-a?access_token=not.a.token")) {
                assertEquals(4500, socket.awaitClose(Hostile.WAIT));
            }
        }
        try (RawSocket socket = RawSocket.connect(server.port(), "/chat/room-a?access_token=not.a.token",
                Map.of("Origin", "https://evil.example"))) {
            assertEquals(403, socket.status());
        }
        awaitEvents(12);
        List<String> events = security();
        assertEquals(12, events.size(), String.join("\n", events));
        assertEquals(10, events.stream().filter(e -> e.startsWith("security token from 127.0.0.1 user=-: closed 4500")).count());
        assertTrue(events.get(10).contains("security token from 127.0.0.1: more than 10 in 60 s, suppressing the rest"),
                events.get(10));
        assertTrue(events.get(11).contains("security origin from 127.0.0.1"), "another kind still logs: " + events.get(11));
    }

    @Test
    void thePublishKeyNeverReachesTheLog() {
        server.publish("{\"user\":\"alice\",\"title\":\"t\"}");
        server.publish("{\"user\":\"alice\",\"title\":");
        assertFalse(everything().contains(RunningServer.KEY), "the publish key reached the log");
    }
}
