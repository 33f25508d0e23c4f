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
     * Nanoseconds the threads of {@code pid} ("self" for the generator) spent runnable but waiting
     * for a CPU (second field of /proc/PID/task/TID/schedstat, summed; threads that ended are lost).
     * On a shared machine this is the noise: time the process wanted a core and another had it.
     */
    static long runqueueWaitNanos(String pid) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String[] f = Files.readString(t.resolve("schedstat")).trim().split(" ");
                    sum += Long.parseLong(f[1]);
                } catch (IOException | RuntimeException gone) {
                    // A thread that ended meanwhile.
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    /** CPU ticks of the server and, for a cluster, of its other nodes. */
    static long serverTicks(Options o) throws IOException {
        long ticks = cpuTicks(Long.toString(o.pid));
        for (long pid : o.morePids) {
            ticks += cpuTicks(Long.toString(pid));
        }
        return ticks;
    }

    /** Where a measured phase's CPU went: the server's and the generator's CPU and run-queue wait. */
    static final class Phase {
        private final Options o;
        private final long t0 = System.nanoTime();
        private final long gen0;
        private final long genWait0;
        private final long srv0;
        private final long srvWait0;

        Phase(Options o) throws IOException {
            this.o = o;
            gen0 = cpuTicks("self");
            genWait0 = runqueueWaitNanos("self");
            srv0 = o.pid > 0 ? serverTicks(o) : 0;
            srvWait0 = o.pid > 0 ? runqueueWaitNanos(Long.toString(o.pid)) : 0;
        }

        /** Prints {@code prefix_server_cpu_pct} and friends; returns the server's CPU seconds. */
        double report(String prefix) throws IOException {
            double secs = (System.nanoTime() - t0) / 1e9;
            Workload.result(prefix + "_gen_cpu_pct", 100 * (cpuTicks("self") - gen0) / TICKS_PER_SECOND / secs);
            Workload.result(prefix + "_gen_wait_pct", 100 * (runqueueWaitNanos("self") - genWait0) / 1e9 / secs);
            if (o.pid <= 0) {
                return Double.NaN;
            }
            double serverCpu = (serverTicks(o) - srv0) / TICKS_PER_SECOND;
            Workload.result(prefix + "_server_cpu_pct", 100 * serverCpu / secs);
            Workload.result(prefix + "_server_wait_pct", 100 * (runqueueWaitNanos(Long.toString(o.pid)) - srvWait0) / 1e9 / secs);
            return serverCpu;
        }
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

    /** Starts {@code jcmd PID command…} and does not wait: the loop keeps running while it attaches. */
    static void jcmdAsync(long pid, String... command) throws IOException {
        var cmd = new java.util.ArrayList<String>(java.util.List.of("jcmd", Long.toString(pid)));
        cmd.addAll(java.util.List.of(command));
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** With {@code --jfr FILE}: a JFR recording (profile settings) of the measured phase. */
    static void jfrStart(Options o) throws IOException {
        String file = o.values.get("jfr");
        if (file != null && o.pid > 0) {
            jcmdAsync(o.pid, "JFR.start", "name=bench", "settings=profile", "filename=" + file);
        }
    }

    static void jfrStop(Options o) throws IOException, InterruptedException {
        if (o.values.get("jfr") != null && o.pid > 0) {
            jcmd(o.pid, "JFR.stop name=bench");
        }
    }

    static String jcmd(long pid, String command) throws IOException, InterruptedException {
        var cmd = new java.util.ArrayList<String>(java.util.List.of("jcmd", Long.toString(pid)));
        cmd.addAll(java.util.List.of(command.split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroy();
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
