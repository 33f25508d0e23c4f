package io.switchboard.transport;

import io.switchboard.identity.Handshake;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Method;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands endpoints their collaborators, applies the origin policy, and copies what the handshake
 * said into the session's user properties (per session in Tyrus) for {@code @OnOpen}.
 */
public final class SwitchboardConfigurator extends ServerEndpointConfig.Configurator {

    private static final Logger LOG = Logger.getLogger(SwitchboardConfigurator.class.getName());
    /** Set when a handshake was refused but the container would not take a 403 (not Tyrus): close 4501 on open. */
    public static final String ORIGIN_REFUSED = SwitchboardConfigurator.class.getName() + ".originRefused";
    /** Likewise for an address over its handshake rate: close 1013 on open. */
    static final String RATE_REFUSED = SwitchboardConfigurator.class.getName() + ".rateRefused";

    private static volatile Wiring wiring;

    public static void install(Wiring root) {
        wiring = root;
    }

    public static void uninstall(Wiring root) {
        if (wiring == root) {
            wiring = null;
        }
    }

    public static Wiring wiring() {
        Wiring current = wiring;
        if (current == null) {
            throw new IllegalStateException("Switchboard is not started");
        }
        return current;
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return wiring().endpoint(endpointClass);
    }

    /** Always true here: the same-origin default needs the Host header, which only {@link #modifyHandshake} sees. */
    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Handshake handshake = new Handshake(request.getParameterMap(), request.getHeaders(), remoteAddress(request));
        config.getUserProperties().put(Handshake.class.getName(), handshake);
        Runnable hardClose = HardClose.captured();
        if (hardClose != null) {
            config.getUserProperties().put(HardClose.KEY, hardClose);
        }
        String origin = handshake.header("Origin");
        if (!wiring().origins().allows(origin, handshake.header("Host"))) {
            SecurityLog.event("origin", handshake.remoteAddress(), null,
                    "refused handshake from origin " + origin + " to " + request.getRequestURI().getPath());
            if (!refuse(response, 403)) {
                config.getUserProperties().put(ORIGIN_REFUSED, Boolean.TRUE);
            }
        } else if (!wiring().admission().handshakeFromAddress(handshake.remoteAddress())) {
            SecurityLog.event("limit", handshake.remoteAddress(), null, "too many handshakes from this address");
            if (!refuse(response, 429)) {
                config.getUserProperties().put(RATE_REFUSED, Boolean.TRUE);
            }
        }
    }

    /**
     * Tyrus's request ({@code org.glassfish.tyrus.core.RequestContext}) knows the client's address; the
     * standard API does not. Reached by reflection so the WAR needs no Tyrus class.
     */
    private static String remoteAddress(HandshakeRequest request) {
        try {
            Method getRemoteAddr = request.getClass().getMethod("getRemoteAddr");
            Object address = getRemoteAddr.invoke(request);
            return address instanceof String text ? text : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "container does not tell the remote address", e);
            return null;
        }
    }

    /**
     * The standard API cannot fail a handshake with a status; Tyrus (Payara, GlassFish, standalone)
     * can, and then opens no WebSocket. Reached by reflection so the WAR needs no Tyrus class.
     */
    private static boolean refuse(HandshakeResponse response, int status) {
        try {
            Method setStatus = response.getClass().getMethod("setStatus", int.class);
            setStatus.invoke(response, status);
            // The handshake already filled in a 101's reason and Upgrade headers; without a length, an
            // HTTP client waits for a body that never comes. Answer a plain, empty 403 instead.
            response.getClass().getMethod("setReasonPhrase", String.class).invoke(response, "Forbidden");
            response.getHeaders().clear();
            response.getHeaders().put("Content-Length", List.of("0"));
            response.getHeaders().put("Connection", List.of("close"));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "container cannot refuse a handshake with a status", e);
            return false;
        }
    }
}
