package io.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code --workload probe-cluster --ports a,b,c}: exits 0 when the nodes on those ports form one
 * cluster, judged as a client would: a probe user connected to each node, every node's
 * {@code welcome} in the same room counts all of them. Exits 1 otherwise; bounded by 10 s.
 */
final class ClusterProbe {

    private ClusterProbe() {
    }

    static int run(Options o) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> probes = new ArrayList<>();
        try {
            for (int i = 0; i < o.ports.length; i++) {
                CompletableFuture<String> welcome = new CompletableFuture<>();
                probes.add(open(http, o.ports[i], "probe" + i, welcome));
                welcome.get(10, TimeUnit.SECONDS);
            }
            for (int i = 0; i < o.ports.length; i++) {
                CompletableFuture<String> welcome = new CompletableFuture<>();
                WebSocket check = open(http, o.ports[i], "check" + i, welcome);
                String text = welcome.get(10, TimeUnit.SECONDS);
                check.abort();
                if (!text.contains("\"count\":" + (o.ports.length + 1))) {
                    return 1;
                }
            }
            return 0;
        } finally {
            probes.forEach(WebSocket::abort);
        }
    }

    private static WebSocket open(HttpClient http, int port, String user, CompletableFuture<String> first) throws Exception {
        return http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat/formed?user=" + user), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            first.complete(text.toString());
                            text.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }
}
