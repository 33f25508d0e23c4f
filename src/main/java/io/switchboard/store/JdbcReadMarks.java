package io.switchboard.store;

import io.switchboard.channel.ReadMarks;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Read marks in table {@code read_mark}: raised by the writers (so they ride group commit), read by the readers. */
final class JdbcReadMarks implements ReadMarks {

    private static final int CHUNK = 100;

    private final JdbcStore store;

    JdbcReadMarks(JdbcStore store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<Long> get(String log, String user) {
        return store.onReader(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT up_to FROM read_mark WHERE log_name = ? AND user_id = ?")) {
                s.setString(1, log);
                s.setString(2, user);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public CompletableFuture<Long> advance(String log, String user, long upTo) {
        Op.Mark op = new Op.Mark(log, user, upTo);
        store.submit(op);
        return op.future;
    }

    @Override
    public CompletableFuture<Map<String, Long>> marks(String log, Collection<String> users) {
        List<String> wanted = new ArrayList<>(users);
        if (wanted.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return store.onReader(c -> {
            Map<String, Long> marks = new HashMap<>();
            for (int from = 0; from < wanted.size(); from += CHUNK) {
                List<String> chunk = wanted.subList(from, Math.min(wanted.size(), from + CHUNK));
                try (PreparedStatement s = c.prepareStatement("SELECT user_id, up_to FROM read_mark"
                        + " WHERE log_name = ? AND up_to > 0 AND user_id IN (" + Writer.marks(chunk.size()) + ")")) {
                    s.setString(1, log);
                    for (int i = 0; i < chunk.size(); i++) {
                        s.setString(i + 2, chunk.get(i));
                    }
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            marks.put(r.getString(1), r.getLong(2));
                        }
                    }
                }
            }
            return Map.copyOf(marks);
        });
    }
}
