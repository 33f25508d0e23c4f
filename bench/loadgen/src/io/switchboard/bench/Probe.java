package io.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server's memory and CPU as the kernel (and, for a JVM, jcmd) sees them. */
final class Probe {

    /** USER_HZ: /proc/PID/stat counts in these; 100 on every Linux this runs on ({@code getconf CLK_TCK}). */
    static final double TICKS_PER_SECOND = Double.parseDouble(System.getProperty("clk.tck", "100"));

    private Probe() {
    }

    static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /** utime + stime of {@code pid} ("self" for the generator), in ticks. */
    static long cpuTicks(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the comm field: state is f[0], so utime (field 14) is f[11] and stime f[12].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * Heap in use after a full collection: for a JVM from {@code jcmd GC.run} then
     * {@code GC.heap_info} (every "total …K, used …K" line: one for G1, young and old for Serial or
     * Parallel), for the Node peer from its own stats page after {@code gc()}; -1 otherwise.
     */
    static long heapUsedAfterGc(Options o) throws IOException, InterruptedException {
        if (o.kind.equals("jvm")) {
            jcmd(o.pid, "GC.run");
            String info = jcmd(o.pid, "GC.heap_info");
            Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
            long used = 0;
            boolean any = false;
            while (m.find()) {
                used += Long.parseLong(m.group(1)) * 1024;
                any = true;
            }
            return any ? used : -1;
        }
        if (o.kind.equals("node")) {
            HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + o.port + "/bench/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"heapUsed\":(\\d+)").matcher(r.body());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }
        return -1;
    }

    static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroy();
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
