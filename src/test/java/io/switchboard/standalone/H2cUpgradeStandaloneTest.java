package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.WsRecorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Java's HttpClient asks plain-HTTP servers to upgrade to HTTP/2 ({@code Upgrade: h2c}); Grizzly
 * takes any Upgrade for a protocol switch, after which a body never ends. Backends must still get
 * an answer.
 */
class H2cUpgradeStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass();

    @Test
    void aPublishFromJavasDefaultHttpClientIsAnswered() throws Exception {
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(WsRecorder.WAIT).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.http("/api/notifications")))
                .timeout(WsRecorder.WAIT)
                .header("Authorization", "Bearer " + RunningServer.KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\",\"title\":\"over h2c\"}"))
                .build();

        HttpResponse<String> response = http2.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(202, response.statusCode(), response.body());
    }
}
