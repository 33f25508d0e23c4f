package io.switchboard.transport;

import io.switchboard.identity.Handshake;
import io.switchboard.identity.OriginPolicy;
import io.switchboard.ops.Metrics;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.function.Function;

/**
 * One server's configurator: each server registers its endpoints with its own instance, which
 * carries that server's services (no static wiring, so two servers run in one JVM). It hands
 * endpoints their collaborators, applies the origin policy and the per-address handshake limit, and
 * copies what the handshake said into the session's user properties (per session in Tyrus).
 */
public final class SwitchboardConfigurator extends ServerEndpointConfig.Configurator {

    /** Set when a handshake was refused but the container would not take a status (not Tyrus): close on open. */
    static final String ORIGIN_REFUSED = SwitchboardConfigurator.class.getName() + ".originRefused";
    static final String RATE_REFUSED = SwitchboardConfigurator.class.getName() + ".rateRefused";

    private final OriginPolicy origins;
    private final Admission admission;
    private final Function<Class<?>, Object> endpoints;
    private final Metrics metrics;

    public SwitchboardConfigurator(OriginPolicy origins, Admission admission, Function<Class<?>, Object> endpoints) {
        this(origins, admission, endpoints, Metrics.disabled());
    }

    public SwitchboardConfigurator(OriginPolicy origins, Admission admission, Function<Class<?>, Object> endpoints,
                                   Metrics metrics) {
        this.metrics = metrics;
        this.origins = origins;
        this.admission = admission;
        this.endpoints = endpoints;
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(endpoints.apply(endpointClass));
    }

    /** Always true here: the same-origin default needs the Host header, which only {@link #modifyHandshake} sees. */
    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Handshake handshake = new Handshake(request.getParameterMap(), request.getHeaders(), TyrusAccess.remoteAddress(request));
        config.getUserProperties().put(Handshake.class.getName(), handshake);
        // Every handshake counts against its address's rate, refused ones too: else refusals are free to flood.
        boolean withinRate = admission.handshakeFromAddress(handshake.remoteAddress());
        String origin = handshake.header("Origin");
        if (!origins.allows(origin, handshake.header("Host"))) {
            metrics.refused(Metrics.Refused.ORIGIN);
            SecurityLog.event("origin", handshake.remoteAddress(), null,
                    "refused handshake from origin " + origin + " to " + request.getRequestURI().getPath());
            if (!TyrusAccess.refuse(response, 403, "Forbidden")) {
                config.getUserProperties().put(ORIGIN_REFUSED, Boolean.TRUE);
            }
        } else if (!withinRate) {
            metrics.refused(Metrics.Refused.RATE);
            SecurityLog.event("limit", handshake.remoteAddress(), null, "too many handshakes from this address");
            if (!TyrusAccess.refuse(response, 429, "Too Many Requests")) {
                config.getUserProperties().put(RATE_REFUSED, Boolean.TRUE);
            }
        }
    }
}
