package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The browser client's close-code table (close-codes.js) says what the enum says. */
class CloseCodesMirrorTest {

    // One entry per line in close-codes.js. The name class includes digits: 'invalid_utf8'.
    private static final Pattern ENTRY =
            Pattern.compile("^\\s*(\\d{4}):\\s*\\{\\s*name:\\s*'([a-z0-9_]+)',\\s*reconnect:\\s*(true|false)\\s*\\}");

    @Test
    void theJavaScriptTableHasEveryCodeWithTheSameNameAndReconnectPolicy() throws IOException {
        Map<Integer, String> javascript = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("src/main/webapp/close-codes.js"), StandardCharsets.UTF_8)) {
            Matcher entry = ENTRY.matcher(line);
            if (entry.find()) {
                javascript.put(Integer.parseInt(entry.group(1)), entry.group(2) + " reconnect=" + entry.group(3));
            }
        }
        Map<Integer, String> java = Arrays.stream(CloseCode.values()).collect(Collectors.toMap(
                CloseCode::code, c -> c.label() + " reconnect=" + c.mayReconnect(), (a, b) -> a, TreeMap::new));
        assertEquals(java, javascript);
    }
}
