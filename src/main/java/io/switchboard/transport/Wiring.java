package io.switchboard.transport;

import io.switchboard.Limits;
import io.switchboard.identity.OriginPolicy;
import io.switchboard.protocol.Codec;

/**
 * What the container-made objects (configurator, decoder, encoder) need from the composition root.
 * The container instantiates those classes itself, so the root installs itself here once.
 */
public interface Wiring {

    /** A new endpoint instance, one per connection, with its collaborators handed in. */
    <T> T endpoint(Class<T> type);

    OriginPolicy origins();

    Limits limits();

    Codec codec();

    /** Handshake limits per remote address; none unless the root installs some. */
    default Admission admission() {
        return Admission.unlimited();
    }
}
