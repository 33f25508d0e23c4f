package io.switchboard.protocol;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.io.StringReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;

/**
 * Client frames from JSON text, with the contract's error codes (section 7, "Frames").
 *
 * <p>JSON-B alone cannot tell {@code bad_json} from {@code unknown_type} from {@code invalid}, and it
 * would coerce {@code "text": 5} into a string. So the text is read once, as a JSON-P object, each
 * field's kind checked against the record component it fills, and the record built from that object:
 * its components are strings and integers only, so what JSON-B would make of the checked object is
 * plain to see (unknown fields ignored, a missing or null field null, the last of duplicate keys),
 * and parsing the text a second time cost more than everything else a frame does. The records' own
 * types stay the contract: {@code ClientCodecTest} holds this to what JSON-B decodes.
 */
public final class ClientCodec {

    static final int MAX_REF_LENGTH = 64;
    /** An unknown type is echoed in the error, clipped to this many code points. */
    static final int MAX_ECHOED_TYPE = 32;

    /** type alias to the record it decodes to; read-only after construction. */
    private final Map<String, Shape> shapes = new HashMap<>();

    /** A record's components in declaration order (its canonical constructor's parameters). */
    private record Shape(String[] names, Class<?>[] types, Constructor<?> constructor) {
    }

    ClientCodec() {
        for (JsonbSubtype subtype : ClientMessage.class.getAnnotation(JsonbTypeInfo.class).value()) {
            RecordComponent[] components = subtype.type().getRecordComponents();
            String[] names = new String[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                names[i] = components[i].getName();
                types[i] = components[i].getType();
                if (types[i] != String.class && types[i] != Long.class && types[i] != Integer.class) {
                    throw new IllegalStateException(subtype.type().getSimpleName() + "." + names[i]
                            + ": a client frame's fields are strings and integers (String, Long, Integer)");
                }
            }
            try {
                shapes.put(subtype.alias(), new Shape(names, types, subtype.type().getDeclaredConstructor(types)));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("no canonical constructor on " + subtype.type(), e);
            }
        }
    }

    public ClientMessage decode(String text) throws FrameRejected {
        JsonObject object = readObject(text);
        String ref = readRef(object);
        JsonValue type = object.get("type");
        if (!(type instanceof JsonString typeName)) {
            throw new FrameRejected(ErrorCode.INVALID, "'type' must be a string", ref);
        }
        Shape shape = shapes.get(typeName.getString());
        if (shape == null) {
            throw new FrameRejected(ErrorCode.UNKNOWN_TYPE, "unknown type '" + Utf16.clip(typeName.getString(), MAX_ECHOED_TYPE) + "'", ref);
        }
        Object[] values = new Object[shape.names().length];
        for (int i = 0; i < values.length; i++) {
            JsonValue value = object.get(shape.names()[i]);
            checkKind(value, shape.names()[i], shape.types()[i], ref);
            values[i] = valueOf(value, shape.types()[i]);
        }
        try {
            return (ClientMessage) shape.constructor().newInstance(values);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new FrameRejected(ErrorCode.INVALID, "fields do not fit type '" + typeName.getString() + "'", ref);
        }
    }

    /** A value {@link #checkKind} accepted, as the component's type. */
    private static Object valueOf(JsonValue value, Class<?> javaType) {
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (javaType == String.class) {
            return ((JsonString) value).getString();
        }
        long number = ((JsonNumber) value).longValueExact();
        return javaType == Long.class ? (Object) number : (Object) (int) number;
    }

    private static JsonObject readObject(String text) throws FrameRejected {
        JsonValue value = Codec.readOne(new StringReader(text));
        if (value == null) {
            throw new FrameRejected(ErrorCode.BAD_JSON, "not valid JSON", null);
        }
        if (!(value instanceof JsonObject object)) {
            throw new FrameRejected(ErrorCode.BAD_JSON, "not a JSON object", null);
        }
        return object;
    }

    private static String readRef(JsonObject object) throws FrameRejected {
        JsonValue ref = object.get("ref");
        if (ref == null || ref == JsonValue.NULL) {
            return null;
        }
        if (!(ref instanceof JsonString string)
                || string.getString().codePointCount(0, string.getString().length()) > MAX_REF_LENGTH
                || !Utf16.isWellFormed(string.getString())) {
            throw new FrameRejected(ErrorCode.INVALID, "'ref' must be a string of at most 64 characters", null);
        }
        return string.getString();
    }

    private static void checkKind(JsonValue value, String name, Class<?> javaType, String ref) throws FrameRejected {
        if (value == null || value == JsonValue.NULL) {
            return;
        }
        if (javaType == String.class) {
            if (!(value instanceof JsonString string)) {
                throw new FrameRejected(ErrorCode.INVALID, "'" + name + "' must be a string", ref);
            }
            if (!Utf16.isWellFormed(string.getString())) {
                throw new FrameRejected(ErrorCode.INVALID, "'" + name + "' holds a lone surrogate", ref);
            }
        } else if (javaType == Long.class || javaType == Integer.class) {
            if (!(value instanceof JsonNumber number) || !fits(number, javaType)) {
                throw new FrameRejected(ErrorCode.INVALID, "'" + name + "' must be an integer", ref);
            }
        }
    }

    private static boolean fits(JsonNumber number, Class<?> javaType) {
        if (!number.isIntegral()) {
            return false;
        }
        try {
            long value = number.longValueExact();
            return javaType == Long.class || (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE);
        } catch (ArithmeticException e) {
            return false;
        }
    }
}
