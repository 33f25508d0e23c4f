package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The distribution as an operator runs it: {@code java -jar target/switchboard-standalone.jar} in
 * its own JVM, no Maven and no class path of ours, on a free port ({@code switchboard.port=0}: the
 * server prints it). Runs in {@code verify}, after {@code package} built the jar; fails when the jar
 * is missing. The process is stopped by its pid.
 */
class StandaloneJarIT {

    static final Duration START = Duration.ofSeconds(60);
    static final Pattern UP = Pattern.compile("Switchboard is up at http://127\\.0\\.0\\.1:(\\d+)/");
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Process process;

    @AfterEach
    void stopByPid() throws InterruptedException {
        if (process == null) {
            return;
        }
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElse(null);
        if (handle != null && handle.isAlive()) {
            handle.destroy(); // SIGTERM: the server's shutdown hook closes connections with 1001
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theJarRunsTheServerWithJavaDashJarAndAnswersReady() throws Exception {
        File jar = new File(System.getProperty("switchboard.jar", "target/switchboard-standalone.jar"));
        if (!jar.isFile()) {
            fail(jar + " is missing: mvn package builds it (run this test through mvn verify)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile(Path.of(System.getProperty("project.build.directory", "target")), "standalone-jar", ".log");
        process = new ProcessBuilder(List.of(java, "-Dswitchboard.port=0", "-Dswitchboard.host=127.0.0.1",
                "-Dswitchboard.store=memory", "-Dswitchboard.publishKey=jar-key", "-jar", jar.getAbsolutePath()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();

        int port = awaitPort(log);
        URI base = URI.create("http://127.0.0.1:" + port + "/");

        HttpResponse<String> ready = get(base.resolve("health/ready"));
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("{\"status\":\"UP\"}", ready.body());
        assertEquals(200, get(base.resolve("health/live")).statusCode());
        assertTrue(get(base.resolve("switchboard.js")).body().contains("export"), "the static files are inside");
        HttpResponse<String> metrics = get(base.resolve("metrics"));
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("switchboard_connections{endpoint=\"chat\"}"), "metrics from the jar");

        // Tyrus, Grizzly and Yasson found their services inside the one jar: a room works end to end.
        try (WsRecorder alice = WsRecorder.open("ws://127.0.0.1:" + port + "/chat/jar-room?user=alice")) {
            assertEquals("jar-room", alice.expect(Welcome.class).room());
            alice.send("{\"type\":\"say\",\"text\":\"from the jar\",\"ref\":\"j1\"}");
            assertEquals(1, alice.await(Ack.class).seq());
        }
    }

    /** Reads the server's output until it prints its port, bounded by {@link #START}. */
    private int awaitPort(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = UP.matcher(output);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                fail("java -jar exited with " + process.exitValue() + " before it served:\n" + output);
            }
            Thread.sleep(50);
        }
        fail("java -jar printed no port within " + START + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
        return -1;
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
