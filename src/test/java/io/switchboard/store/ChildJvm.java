package io.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JVM of the test's own class path running one main class, its output lines in a queue; the tests kill it. */
public final class ChildJvm implements AutoCloseable {

    public final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    public ChildJvm(Class<?> main, Map<String, String> settings) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Djava.util.logging.config.file=/dev/null");
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(classPath());
        command.add(main.getName());
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // The process died: that is the point.
            }
            lines.add("EOF");
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The class path of this test run (surefire and the console launcher alike). */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader l = ChildJvm.class.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    try {
                        entries.add(Paths.get(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // Not a file: the child cannot use it anyway.
                    }
                }
            }
        }
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(e);
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The next line starting with {@code prefix}, within 60 s; other lines are skipped. */
    public String await(String prefix) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < end) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.add(line);
            if (line.equals("EOF")) {
                break;
            }
        }
        throw new AssertionError("the child never printed " + prefix + ": " + String.join("\n", seen));
    }

    /** SIGKILL: no shutdown hook, no store close. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the child died");
    }

    /** SIGTERM: the shutdown hooks run. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
