package io.switchboard.store;

import io.switchboard.channel.Position;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What this node holds of one log while handles on it are open: its listeners and its position as
 * last read or written. The writer of the log's shard is the only one that moves the position
 * forward after a commit; a reader only fills it in when it is still unknown.
 */
final class StreamState {

    final String name;
    /** The open handles that listen; iterated by the delivery thread of the log's writer. */
    final List<JdbcLog<?>> listeners = new CopyOnWriteArrayList<>();
    /** Open handles; guarded by the store's map of states (changed only inside its compute calls). */
    int handles;
    /** Guarded by {@code this}. Null until read, and again after a failed write left it in doubt. */
    private Position position;

    StreamState(String name) {
        this.name = name;
    }

    synchronized Position position() {
        return position;
    }

    /** From the writer, after its commit: the truth. */
    synchronized void committed(Position p) {
        position = p;
    }

    /** From a reader: only where nothing newer is known (a write may have committed meanwhile). */
    synchronized Position read(Position p) {
        if (position == null) {
            position = p;
        } else if (position.epoch().equals(p.epoch()) && p.latest() > position.latest()) {
            position = p;
        }
        return position;
    }

    /** A write whose outcome is unknown (the commit's answer was lost): read the position again. */
    synchronized void forget() {
        position = null;
    }
}
