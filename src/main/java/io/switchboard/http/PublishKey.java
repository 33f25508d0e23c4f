package io.switchboard.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** The key backends present as {@code Authorization: Bearer <key>}, compared in constant time. */
public final class PublishKey {

    private final byte[] key;

    public PublishKey(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    public static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** True when {@code authorization} is {@code Bearer <this key>}. */
    public boolean matches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, key);
    }
}
