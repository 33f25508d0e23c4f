package io.switchboard.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MemoryLogTest {

    private static MemoryLog<Long> logWith(int retention, int items) {
        MemoryLog<Long> log = new MemoryLog<>(retention);
        for (int i = 0; i < items; i++) {
            log.append(seq -> seq);
        }
        return log;
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void numbersItemsFromOneWithoutGaps() {
        MemoryLog<Long> log = logWith(10, 3);
        assertEquals(3, log.latest());
        assertEquals(seqs(1, 3), log.after(0));
    }

    @Test
    void keepsOnlyTheLatestRetentionItems() {
        MemoryLog<Long> log = logWith(5, 12);
        assertEquals(8, log.firstRetained());
        assertEquals(seqs(8, 12), log.after(0));
    }

    @Test
    void recoveryWithinRetentionReturnsExactlyWhatWasMissed() {
        MemoryLog<Long> log = logWith(5, 12);
        NumberedLog.Recovery<Long> recovery = log.recover(9L, log.epoch());
        assertEquals(Boolean.TRUE, recovery.recovered());
        assertEquals(seqs(10, 12), recovery.items());
    }

    @Test
    void sinceLatestMinusRetentionIsStillFullyRetained() {
        MemoryLog<Long> log = logWith(5, 12);
        NumberedLog.Recovery<Long> recovery = log.recover(12L - 5, log.epoch());
        assertEquals(Boolean.TRUE, recovery.recovered());
        assertEquals(seqs(8, 12), recovery.items());
    }

    @Test
    void sinceBeyondRetentionGivesTheLatestFiftyAndRecoveredFalse() {
        MemoryLog<Long> log = logWith(100, 160);
        NumberedLog.Recovery<Long> recovery = log.recover(59L, log.epoch());
        assertEquals(Boolean.FALSE, recovery.recovered());
        assertEquals(seqs(111, 160), recovery.items());
    }

    @Test
    void aWrongOrMissingEpochANegativeSinceOrOneAboveTheLatestIsNotRecovered() {
        MemoryLog<Long> log = logWith(100, 3);
        assertFalse(log.recover(1L, "other").recovered());
        assertFalse(log.recover(1L, null).recovered());
        assertFalse(log.recover(-1L, log.epoch()).recovered());
        assertFalse(log.recover(4L, log.epoch()).recovered());
        assertEquals(seqs(1, 3), log.recover(4L, log.epoch()).items());
    }

    @Test
    void withoutSinceTheLatestFiftyComeWithoutARecoveredFlag() {
        MemoryLog<Long> log = logWith(1000, 70);
        NumberedLog.Recovery<Long> recovery = log.recover(null, null);
        assertNull(recovery.recovered());
        assertEquals(seqs(21, 70), recovery.items());
    }

    @Test
    void sinceAtTheLatestRecoversNothingAndIsComplete() {
        MemoryLog<Long> log = logWith(10, 4);
        NumberedLog.Recovery<Long> recovery = log.recover(4L, log.epoch());
        assertTrue(recovery.recovered());
        assertEquals(List.of(), recovery.items());
    }

    @Test
    void pagesEndBeforeTheGivenSeqAndSayWhetherOlderOnesExist() {
        MemoryLog<Long> log = logWith(10, 25);
        assertEquals(new NumberedLog.Page<>(seqs(21, 25), true), log.before(null, 5));
        assertEquals(new NumberedLog.Page<>(seqs(16, 20), false), log.before(21L, 10));
        assertEquals(new NumberedLog.Page<>(List.of(), false), log.before(16L, 10));
    }

    @Test
    void eachLogHasItsOwnEpoch() {
        assertFalse(new MemoryLog<>(1).epoch().equals(new MemoryLog<>(1).epoch()));
    }
}
