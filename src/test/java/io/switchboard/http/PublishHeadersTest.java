package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PublishHeadersTest {

    private final PublishKey key = new PublishKey("k3y");
    private final ApiResponse.JsonWriter json = value -> value.toString();

    @Test
    void theKeyIsCheckedBeforeTheMediaType() {
        assertEquals(401, PublishHeaders.refusal(key, null, "text/plain", json).status());
        assertEquals(401, PublishHeaders.refusal(key, "Bearer wrong", "application/json", json).status());
        ApiResponse media = PublishHeaders.refusal(key, "Bearer k3y", "text/plain", json);
        assertEquals(415, media.status());
        assertTrue(media.json().contains("unsupported_media_type"), media.json());
        assertNull(PublishHeaders.refusal(key, "Bearer k3y", "application/json; charset=utf-8", json));
    }

    @Test
    void onlyApplicationJsonIsJson() {
        assertTrue(PublishHeaders.isJson("Application/JSON"));
        assertFalse(PublishHeaders.isJson("application/jsonx"));
        assertFalse(PublishHeaders.isJson(null));
    }

    @Test
    void aDeclaredBodyIsCollectedToItsLength() {
        BoundedBody body = new BoundedBody(5, 10);
        assertFalse(body.complete());
        body.append("abc".getBytes(), 0, 3);
        assertEquals(2, body.room());
        body.append("defgh".getBytes(), 0, 5);
        assertTrue(body.complete());
        assertArrayEquals("abcde".getBytes(), body.bytes());
    }

    @Test
    void aBodyWithoutALengthIsCollectedToOneByteOverTheLimit() {
        BoundedBody body = new BoundedBody(-1, 4);
        body.append("0123456789".getBytes(), 0, 10);
        assertTrue(body.complete());
        assertEquals(5, body.bytes().length);
        assertTrue(new BoundedBody(0, 4).complete());
    }

    @Test
    void aLargeBodyGrowsItsBufferAsItArrives() {
        BoundedBody body = new BoundedBody(-1, 64 * 1024);
        byte[] chunk = new byte[1000];
        for (int i = 0; i < 70; i++) {
            body.append(chunk, 0, chunk.length);
        }
        assertTrue(body.complete());
        assertEquals(64 * 1024 + 1, body.bytes().length);
    }
}
