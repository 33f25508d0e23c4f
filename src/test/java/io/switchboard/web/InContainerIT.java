package io.switchboard.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.Switchboard;
import io.switchboard.WsRecorder;
import io.switchboard.http.ApiResponse;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Notification;
import io.switchboard.protocol.ServerMessage.Welcome;
import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs inside Payara Micro, next to the application: checks the server side directly. Every test
 * here runs in the container (no {@code @RunAsClient}: Arquillian would try to inject the
 * {@link ServletContext} in the test JVM too, and fail).
 */
@ExtendWith(ArquillianExtension.class)
class InContainerIT {

    @ArquillianResource
    private ServletContext context;

    /** The real WAR, plus this class and the recorder it drives (Arquillian adds its own runner). */
    @Deployment
    static WebArchive war() {
        return SwitchboardWar.fromBuild().addClasses(InContainerIT.class, WsRecorder.class);
    }

    @Test
    void theListenerStartedSwitchboardInGuestModeAsConfigured() {
        Switchboard switchboard = SwitchboardListener.of(context);
        assertNotNull(switchboard, "the listener's composition root in the servlet context");
        assertEquals("dev", switchboard.auth(), "arquillian.xml sets switchboard.auth=dev on the Micro JVM");
        assertEquals(SwitchboardWar.PUBLISH_KEY, switchboard.publishKey());
    }

    @Test
    void theEndpointsAreRegisteredWithTheContainersServerContainer() {
        assertInstanceOf(ServerContainer.class, context.getAttribute(ServerContainer.class.getName()));
        // Served by the container's own WebSocket stack (Tyrus in Payara), not one we brought.
        assertTrue(context.getAttribute(ServerContainer.class.getName()).getClass().getName().startsWith("org.glassfish.tyrus"));
        int before = SwitchboardListener.of(context).transport().connections().size();
        try (WsRecorder chat = WsRecorder.open(ws("chat/inside-room?user=ivy"));
                WsRecorder notifications = WsRecorder.open(ws("notifications?user=ivy"))) {
            assertEquals("inside-room", chat.expect(Welcome.class).room());
            assertEquals("ivy", notifications.expect(Welcome.class).user());
            assertEquals(before + 2, SwitchboardListener.of(context).transport().connections().size());
        }
    }

    @Test
    void theConfiguratorHandsEndpointsTheServicesTheHttpApiUses() {
        Switchboard root = SwitchboardListener.of(context);

        // What a WebSocket said is what the HTTP API's history reads ...
        try (WsRecorder judy = WsRecorder.open(ws("chat/shared-room?user=judy"))) {
            judy.expect(Welcome.class);
            judy.send("{\"type\":\"say\",\"text\":\"said over a socket\",\"ref\":\"j1\"}");
            judy.await(Ack.class);
        }
        ApiResponse history = root.roomMessagesApi().get("Bearer " + SwitchboardWar.PUBLISH_KEY, "shared-room", null, null);
        assertEquals(200, history.status());
        assertTrue(history.json().contains("said over a socket"), history.json());

        // ... and what the HTTP API publishes reaches the WebSocket.
        try (WsRecorder judy = WsRecorder.open(ws("notifications?user=judy"))) {
            judy.expect(Welcome.class);
            ApiResponse published = root.publishApi().post("Bearer " + SwitchboardWar.PUBLISH_KEY, "application/json",
                    "{\"user\":\"judy\",\"title\":\"from the API object\"}".getBytes(StandardCharsets.UTF_8));
            assertEquals(202, published.status(), published.json());
            assertEquals("from the API object", judy.await(Notification.class).title());
        }
    }

    /** A loopback WebSocket address of this very server. */
    private String ws(String pathAndQuery) {
        return "ws://127.0.0.1:" + httpPort() + context.getContextPath() + "/" + pathAndQuery;
    }

    /**
     * The port Payara Micro bound (the adapter picks a random one), from Micro's own runtime API,
     * reached by reflection so that the tests need no Payara jar on their class path.
     */
    private static int httpPort() {
        try {
            Class<?> micro = Class.forName("fish.payara.micro.PayaraMicro", true,
                    Thread.currentThread().getContextClassLoader());
            Object runtime = micro.getMethod("getRuntime").invoke(micro.getMethod("getInstance").invoke(null));
            Object descriptor = runtime.getClass().getMethod("getLocalDescriptor").invoke(runtime);
            List<?> ports = (List<?>) descriptor.getClass().getMethod("getHttpPorts").invoke(descriptor);
            return ((Number) ports.get(0)).intValue();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("not on Payara Micro? its HTTP port is unknown", e);
        }
    }
}
