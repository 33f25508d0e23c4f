package io.switchboard.web;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR under test and how the *IT tests reach it. */
public final class SwitchboardWar {

    /** What arquillian.xml passes to the Payara Micro JVM as {@code switchboard.publishKey}. */
    public static final String PUBLISH_KEY = "it-publish-key";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private SwitchboardWar() {
    }

    /**
     * The WAR exactly as Maven packaged it (failsafe runs after {@code package}), not a hand-made
     * subset: what operators deploy is what is tested.
     */
    public static WebArchive fromBuild() {
        File war = new File(System.getProperty("switchboard.war", "target/switchboard.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: run the *IT tests through mvn verify");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /**
     * {@code http://127.0.0.1:PORT/switchboard/}: Arquillian reports the machine's address, but
     * the tests stay on loopback.
     */
    public static URI base(URL reported) {
        return URI.create("http://127.0.0.1:" + reported.getPort() + reported.getPath());
    }

    public static String ws(URI base, String pathAndQuery) {
        return "ws://" + base.getAuthority() + base.getPath() + pathAndQuery;
    }

    public static HttpResponse<String> get(URI uri, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    public static HttpResponse<String> publish(URI base, String json) {
        return send(HttpRequest.newBuilder(base.resolve("api/notifications"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + PUBLISH_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    public static HttpResponse<String> post(URI uri, String json) {
        return send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
