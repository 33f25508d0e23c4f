package io.switchboard.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.Settings;
import io.switchboard.channel.Names;
import io.switchboard.protocol.CloseCode;
import io.switchboard.protocol.Refusal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * {@code auth=jwt} (protocol sections 2 and 7, "Identity"): a token from {@code access_token}, else
 * {@code Authorization: Bearer}, signed HS256 with the configured secret or RS256 with the configured
 * public key, verified by Nimbus. {@code exp} is required and checked with no leeway, {@code nbf} when
 * present. Only a correctly signed, otherwise valid but expired token gets 4001; everything else 4500.
 *
 * <p>With {@code switchboard.jwt.issuer} set, {@code iss} must equal it; with {@code
 * switchboard.jwt.audience} set, {@code aud} must contain it; else 4500.
 *
 * <p>Optional claims {@code rooms} and {@code topics} (arrays of name patterns, see {@link Access})
 * replace the configured defaults for this user. Refusal reasons never quote the token.
 */
public final class JwtAuthenticator implements Authenticator {

    /** Longer than any token we issue; a longer one is refused before it is parsed. */
    static final int MAX_TOKEN_CHARS = 8192;

    private final JWSVerifier hmac;
    private final JWSVerifier rsa;
    private final Access defaults;
    private final Clock clock;
    /** When not null, {@code iss} must equal it. */
    private final String issuer;
    /** When not null, {@code aud} (a string or an array) must contain it. */
    private final String audience;

    JwtAuthenticator(byte[] secret, RSAPublicKey publicKey, Access defaults, Clock clock, String issuer, String audience) {
        if (secret == null && publicKey == null) {
            throw new IllegalStateException(NO_KEY);
        }
        try {
            this.hmac = secret == null ? null : new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException("switchboard.jwt.secret must be at least 32 bytes (256 bits) for HS256");
        }
        this.rsa = publicKey == null ? null : new RSASSAVerifier(publicKey);
        this.defaults = defaults;
        this.clock = clock;
        this.issuer = issuer;
        this.audience = audience;
    }

    static final String NO_KEY = "switchboard.auth=jwt needs a key to verify tokens: set switchboard.jwt.secret "
            + "(SWITCHBOARD_JWT_SECRET, HS256, at least 32 bytes) or switchboard.jwt.publicKey "
            + "(SWITCHBOARD_JWT_PUBLIC_KEY, RS256, a PEM public key or the path of a PEM file)";

    /**
     * @param secret    the HS256 secret, or null
     * @param publicKey the RS256 public key as PEM text or a path to a PEM file, or null
     * @throws IllegalStateException when neither is given, or one is unusable: the server must not start
     */
    public static JwtAuthenticator of(String secret, String publicKey, Access defaults) {
        return of(secret, publicKey, null, null, defaults);
    }

    /**
     * @param issuer   when not null, the {@code iss} every token must carry
     * @param audience when not null, a value every token's {@code aud} must contain
     */
    public static JwtAuthenticator of(String secret, String publicKey, String issuer, String audience, Access defaults) {
        return new JwtAuthenticator(secret == null ? null : secret.getBytes(StandardCharsets.UTF_8),
                publicKey == null ? null : rsaPublicKey(publicKey), defaults, Clock.systemUTC(), issuer, audience);
    }

    /**
     * Everything from the settings: {@code switchboard.jwt.secret}, {@code switchboard.jwt.publicKey},
     * and the optional {@code switchboard.jwt.issuer} and {@code switchboard.jwt.audience}.
     */
    public static JwtAuthenticator from(Settings settings, Access defaults) {
        return of(settings.get("switchboard.jwt.secret").orElse(null), settings.get("switchboard.jwt.publicKey").orElse(null),
                settings.get("switchboard.jwt.issuer").orElse(null), settings.get("switchboard.jwt.audience").orElse(null),
                defaults);
    }

    /** For tests: a fixed clock. */
    static JwtAuthenticator of(byte[] secret, RSAPublicKey publicKey, Clock clock) {
        return of(secret, publicKey, clock, null, null);
    }

    /** For tests: a fixed clock, and a required issuer and audience (either may be null). */
    static JwtAuthenticator of(byte[] secret, RSAPublicKey publicKey, Clock clock, String issuer, String audience) {
        return new JwtAuthenticator(secret, publicKey, Access.ALL, clock, issuer, audience);
    }

    @Override
    public Identity authenticate(Handshake handshake) {
        String token = token(handshake);
        if (token == null) {
            throw refuse("missing token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw refuse("token too long");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw refuse("malformed token");
        }
        JWSVerifier verifier = verifier(jwt.getHeader().getAlgorithm());
        if (verifier == null) {
            throw refuse("token algorithm not accepted");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw refuse("bad token signature");
            }
        } catch (JOSEException | RuntimeException e) {
            if (e instanceof Refusal refusal) {
                throw refusal;
            }
            throw refuse("bad token signature");
        }
        return identity(claims);
    }

    private Identity identity(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw refuse("token without exp");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.isBefore(nbf.toInstant())) {
            throw refuse("token not valid yet");
        }
        // Before the expiry: 4001 is only for a token that is valid in every other way.
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw refuse("token issuer not accepted");
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw refuse("token audience not accepted");
        }
        if (!now.isBefore(exp.toInstant())) {
            throw new Refusal(CloseCode.TOKEN_EXPIRED, "token expired");
        }
        String user = claims.getSubject();
        if (!Names.isUser(user)) {
            throw refuse("token sub is not a valid user id");
        }
        try {
            String name = claims.getStringClaim("name");
            List<String> rooms = claims.getStringListClaim("rooms");
            List<String> topics = claims.getStringListClaim("topics");
            Access access = new Access(rooms == null ? defaults.rooms() : rooms,
                    topics == null ? defaults.topics() : topics);
            // An unusable name (blank, a lone surrogate, controls, too long) shows as the user id: see Identity.
            return new Identity(user, name, exp.toInstant(), access);
        } catch (ParseException | RuntimeException e) {
            throw refuse("token claims of the wrong kind");
        }
    }

    /** Only HS256 and RS256, and only with a key configured for it: {@code none} and the rest are refused. */
    private JWSVerifier verifier(JWSAlgorithm algorithm) {
        if (JWSAlgorithm.HS256.equals(algorithm)) {
            return hmac;
        }
        if (JWSAlgorithm.RS256.equals(algorithm)) {
            return rsa;
        }
        return null;
    }

    /** {@code access_token} first (browsers cannot set headers on a WebSocket), then the header. */
    static String token(Handshake handshake) {
        String parameter = handshake.parameter("access_token");
        if (parameter != null && !parameter.isBlank()) {
            return parameter.trim();
        }
        String authorization = handshake.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }

    private static Refusal refuse(String reason) {
        return new Refusal(CloseCode.UNAUTHENTICATED, reason);
    }

    /** A PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo), given inline or as a file path. */
    static RSAPublicKey rsaPublicKey(String pemOrPath) {
        String pem = pemOrPath.trim();
        if (!pem.startsWith("-----BEGIN")) {
            try {
                pem = Files.readString(Path.of(pem), StandardCharsets.US_ASCII).trim();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("switchboard.jwt.publicKey is neither PEM text nor a readable PEM file");
            }
        }
        if (pem.contains("RSA PUBLIC KEY")) {
            throw new IllegalStateException("switchboard.jwt.publicKey must be a '-----BEGIN PUBLIC KEY-----' "
                    + "(X.509) PEM, not PKCS#1 'RSA PUBLIC KEY': convert with openssl rsa -RSAPublicKey_in -pubout");
        }
        String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replace("\\n", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalStateException("switchboard.jwt.publicKey is not an RSA public key in PEM form");
        }
    }
}
