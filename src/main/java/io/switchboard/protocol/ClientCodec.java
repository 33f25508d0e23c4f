package io.switchboard.protocol;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Client frames from JSON text, with the contract's error codes (section 7, "Frames").
 *
 * <p>JSON-B alone cannot tell {@code bad_json} from {@code unknown_type} from {@code invalid}, and it
 * would coerce {@code "text": 5} into a string. So the text is first read as a JSON-P object and each
 * field's kind checked against the record component it fills; then JSON-B maps it.
 */
public final class ClientCodec {

    static final int MAX_REF_LENGTH = 64;
    /** An unknown type is echoed in the error, clipped to this many code points. */
    static final int MAX_ECHOED_TYPE = 32;

    private final Jsonb jsonb;
    /** type alias to (field name to the Java type of the record component it fills). */
    private final Map<String, Map<String, Class<?>>> fieldsByType = new HashMap<>();

    ClientCodec(Jsonb jsonb) {
        this.jsonb = jsonb;
        for (JsonbSubtype subtype : ClientMessage.class.getAnnotation(JsonbTypeInfo.class).value()) {
            Map<String, Class<?>> fields = new LinkedHashMap<>();
            for (RecordComponent component : subtype.type().getRecordComponents()) {
                fields.put(component.getName(), component.getType());
            }
            fieldsByType.put(subtype.alias(), fields);
        }
    }

    public ClientMessage decode(String text) throws FrameRejected {
        JsonObject object = readObject(text);
        String ref = readRef(object);
        JsonValue type = object.get("type");
        if (!(type instanceof JsonString typeName)) {
            throw new FrameRejected(ErrorCode.INVALID, "'type' must be a string", ref);
        }
        Map<String, Class<?>> fields = fieldsByType.get(typeName.getString());
        if (fields == null) {
            throw new FrameRejected(ErrorCode.UNKNOWN_TYPE, "unknown type '" + Utf16.clip(typeName.getString(), MAX_ECHOED_TYPE) + "'", ref);
        }
        for (Map.Entry<String, Class<?>> field : fields.entrySet()) {
            checkKind(object.get(field.getKey()), field.getKey(), field.getValue(), ref);
        }
        try {
            return jsonb.fromJson(text, ClientMessage.class);
        } catch (JsonbException e) {
            throw new FrameRejected(ErrorCode.INVALID, "fields do not fit type '" + typeName.getString() + "'", ref);
        }
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
