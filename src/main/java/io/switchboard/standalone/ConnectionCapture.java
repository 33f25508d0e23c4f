package io.switchboard.standalone;

import io.switchboard.transport.HardClose;
import java.io.IOException;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.HttpServerFilter;

/**
 * Lets a handshake know its Grizzly connection, so a client that stops reading can be cut off
 * ({@link HardClose}). Sits before Tyrus's filter, which runs the handshake on the same thread.
 * Its setup also gives the listener the worker pool that tells each read's thread when the read
 * arrived ({@link ArrivalStamping}), which the rate limits count by.
 */
final class ConnectionCapture extends BaseFilter implements AddOn {

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        var connection = ctx.getConnection();
        HardClose.capture(connection::terminateSilently);
        return ctx.getInvokeAction();
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        ArrivalStamping.install(listener);
        int http = builder.indexOfType(HttpServerFilter.class);
        if (http >= 0) {
            builder.add(http, this);
        }
    }
}
