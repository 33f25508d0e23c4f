package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CodecTest {

    /** Counts the service-file look-ups that {@code JsonProvider.provider()} makes through the context class loader. */
    private static final class CountingLoader extends ClassLoader {
        final AtomicInteger providerLookups = new AtomicInteger();

        CountingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            if (name.equals("META-INF/services/jakarta.json.spi.JsonProvider")) {
                providerLookups.incrementAndGet();
            }
            return super.getResources(name);
        }
    }

    @Test
    void decodingFramesDoesNotSearchForAJsonProviderEachTime() throws FrameRejected {
        ClientCodec codec = Codec.standard().client();
        codec.decode("{\"type\":\"ping\"}");
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        CountingLoader counting = new CountingLoader(original);
        thread.setContextClassLoader(counting);
        try {
            for (int i = 0; i < 100; i++) {
                codec.decode("{\"type\":\"say\",\"text\":\"hello\",\"ref\":\"r" + i + "\"}");
            }
            assertEquals(ErrorCode.BAD_JSON, org.junit.jupiter.api.Assertions.assertThrows(FrameRejected.class,
                    () -> codec.decode("[1]")).code());
        } finally {
            thread.setContextClassLoader(original);
        }
        assertEquals(0, counting.providerLookups.get(), "JsonProvider looked up per frame");
    }
}
