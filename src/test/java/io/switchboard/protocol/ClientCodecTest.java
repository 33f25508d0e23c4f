package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder tells the contract's error codes apart (section 7, "Frames"). */
class ClientCodecTest {

    private final ClientCodec codec = Codec.standard().client();

    private FrameRejected rejected(String text) {
        return assertThrows(FrameRejected.class, () -> codec.decode(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"x\"", "42", "null", "{", "not json", "{\"type\":\"say\"}}", ""})
    void anythingButOneJsonObjectIsBadJson(String text) {
        assertEquals(ErrorCode.BAD_JSON, rejected(text).code());
    }

    @Test
    void deepNestingIsBadJsonNotAStackOverflow() {
        assertEquals(ErrorCode.BAD_JSON, rejected("[".repeat(100_000)).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"type\":5}", "{\"type\":null}", "{\"type\":{\"a\":1}}"})
    void aMissingOrNonStringTypeIsInvalid(String text) {
        assertEquals(ErrorCode.INVALID, rejected(text).code());
    }

    @Test
    void anUnknownTypeIsUnknownTypeAndKeepsTheRef() {
        FrameRejected rejected = rejected("{\"type\":\"dance\",\"ref\":\"d1\"}");
        assertEquals(ErrorCode.UNKNOWN_TYPE, rejected.code());
        assertEquals("d1", rejected.ref());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"ping\",\"ref\":5}", "{\"type\":\"ping\",\"ref\":[]}",
        "{\"type\":\"ping\",\"ref\":\"12345678901234567890123456789012345678901234567890123456789012345\"}"})
    void aRefThatIsNotAShortStringIsInvalid(String text) {
        FrameRejected rejected = rejected(text);
        assertEquals(ErrorCode.INVALID, rejected.code());
        assertNull(rejected.ref());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"say\",\"text\":5,\"ref\":\"a\"}", "{\"type\":\"history\",\"limit\":\"ten\",\"ref\":\"a\"}",
        "{\"type\":\"history\",\"limit\":1.5,\"ref\":\"a\"}", "{\"type\":\"read\",\"seq\":1e400,\"ref\":\"a\"}",
        "{\"type\":\"read\",\"seq\":123456789012345678901234567890,\"ref\":\"a\"}",
        "{\"type\":\"history\",\"limit\":4294967296,\"ref\":\"a\"}", "{\"type\":\"subscribe\",\"topic\":[],\"ref\":\"a\"}"})
    void aFieldOfTheWrongKindIsInvalidWithTheRef(String text) {
        FrameRejected rejected = rejected(text);
        assertEquals(ErrorCode.INVALID, rejected.code());
        assertEquals("a", rejected.ref());
    }

    /** The codec builds records itself; JSON-B, which the records are annotated for, would build the same. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"say\",\"text\":\"hi\",\"ref\":\"r1\"}",
        "{\"ref\":\"r1\",\"text\":\"h\\u00e9 \\ud83d\\ude00 \\\"q\\\"\",\"type\":\"say\"}",
        "{\"type\":\"say\",\"text\":\"a\",\"text\":\"b\"}",
        "{\"type\":\"say\",\"type\":\"ping\",\"ref\":\"p\"}",
        "{\"type\":\"say\",\"text\":null,\"ref\":null}",
        "{\"type\":\"typing\",\"ref\":\"t\",\"extra\":[1,{\"x\":true}]}",
        "{\"type\":\"history\",\"before\":100,\"limit\":-0,\"ref\":\"h\"}",
        "{\"type\":\"history\",\"before\":-9223372036854775808,\"limit\":2147483647}",
        "{\"type\":\"history\"}",
        "{\"type\":\"ping\"}",
        "{\"type\":\"subscribe\",\"topic\":\"deploys\",\"since\":3,\"epoch\":\"e1\",\"ref\":\"s\"}",
        "{\"type\":\"unsubscribe\",\"topic\":\"deploys\"}",
        "{\"type\":\"read\",\"seq\":9223372036854775807,\"ref\":\"x\"}",
    })
    void decodesEachFrameAsJsonbWould(String text) throws Exception {
        try (Jsonb jsonb = JsonbBuilder.create()) {
            assertEquals(jsonb.fromJson(text, ClientMessage.class), codec.decode(text));
        }
    }

    @Test
    void unknownFieldsAreIgnoredForCompatibleExtensions() throws FrameRejected {
        assertEquals(new ClientMessage.Ping("p"), codec.decode("{\"type\":\"ping\",\"ref\":\"p\",\"future\":{\"x\":1}}"));
    }

    @Test
    void aSayWithoutRefDecodesWithANullRef() throws FrameRejected {
        assertEquals(new ClientMessage.Say("hi", null), codec.decode("{\"type\":\"say\",\"text\":\"hi\"}"));
    }

    @Test
    void anUnknownTypeIsEchoedClippedOnCodePoints() {
        String type = "a".repeat(31) + "\uD83D\uDE00" + "b";
        FrameRejected rejected = rejected("{\"type\":\"" + type + "\"}");
        assertEquals(ErrorCode.UNKNOWN_TYPE, rejected.code());
        assertTrue(Utf16.isWellFormed(rejected.getMessage()), rejected.getMessage());
        assertTrue(rejected.getMessage().contains("a".repeat(31) + "\uD83D\uDE00…"), rejected.getMessage());
    }

    @Test
    void anUnknownTypeWithALoneSurrogateIsEchoedWithAReplacementCharacter() {
        FrameRejected rejected = rejected("{\"type\":\"x\\ud800\"}");
        assertEquals(ErrorCode.UNKNOWN_TYPE, rejected.code());
        assertEquals("unknown type 'x\uFFFD'", rejected.getMessage());
    }
}
