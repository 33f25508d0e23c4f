package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionLogTest {

    private final Logger logger = Logger.getLogger(ConnectionLog.NAME);
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(handler);
        ConnectionLog.reset();
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(handler);
        ConnectionLog.reset();
    }

    @Test
    void aCloseIsOneLineWithItsCodeAndNoStackTrace() {
        ConnectionLog.closed("s1", "10.0.0.7", "alice", 1013, "outgoing queue full");
        assertEquals(1, records.size());
        assertEquals("closed 1013 s1 from 10.0.0.7 user=alice: outgoing queue full", records.get(0).getMessage());
        assertEquals(null, records.get(0).getThrown());
    }

    @Test
    void clientsCannotFloodTheLogAndTheNextWindowSaysHowManyWereLeftOut() {
        for (int i = 0; i < ConnectionLog.LINES_PER_WINDOW + 50; i++) {
            ConnectionLog.closed("s" + i, "10.0.0.7", "mallory", 1008, "kept flooding");
        }
        assertEquals(ConnectionLog.LINES_PER_WINDOW, records.size(), "the window's bound");

        ConnectionLog.age((ConnectionLog.WINDOW_SECONDS + 1) * 1_000_000_000L);
        ConnectionLog.closed("next", "10.0.0.7", "mallory", 1008, "kept flooding");
        String last = records.get(records.size() - 1).getMessage();
        assertTrue(last.endsWith("(50 earlier close lines left out)"), last);
    }

    @Test
    void controlCharactersCannotForgeLines() {
        ConnectionLog.closed("s1", "10.0.0.7", "eve\nINFO: closed 1000 forged", 4500, "bad\r\ntoken");
        String line = records.get(0).getMessage();
        assertTrue(!line.contains("\n") && !line.contains("\r"), line);
    }
}
