package io.switchboard.store;

import io.switchboard.Settings;
import io.switchboard.channel.NumberedLog;
import io.switchboard.channel.Store;
import java.util.concurrent.TimeUnit;

/**
 * The process that {@link StoreCrashTest} kills: opens the store its system properties name, then
 * writes from four threads and prints one line per acknowledgement (after the future completed,
 * so after the commit). Stops by itself after a minute if nobody kills it.
 */
public final class CrashChild {

    private CrashChild() {
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        Store store = Stores.from(Settings.fromEnvironment(), false);
        NumberedLog<Note> room = store.logs().open("room:crash", Note.ITEMS);
        say("EPOCH " + room.position().get(10, TimeUnit.SECONDS).epoch());
        say("READY");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            int thread = t;
            writers[t] = new Thread(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    String key = "w" + thread + "\n" + i;
                    try {
                        NumberedLog.Appended<Note> a = room.append(Note.draft("w" + thread + "-" + i), key)
                                .get(10, TimeUnit.SECONDS);
                        say("ACK " + a.item().seq() + " w" + thread + "-" + i);
                        if (thread == 0 && i % 10 == 0) {
                            long mark = store.readMarks().advance("inbox:alice", "alice", i).get(10, TimeUnit.SECONDS);
                            say("MARK " + mark);
                        }
                        if (thread == 1 && i % 10 == 0) {
                            String id = "p" + i;
                            if (store.publishIds().claim(id).get(10, TimeUnit.SECONDS) == null) {
                                store.publishIds().complete(id, "{\"seq\":" + a.item().seq() + "}").get(10, TimeUnit.SECONDS);
                                say("ID " + id + " " + a.item().seq());
                            }
                        }
                    } catch (Exception e) {
                        say("FAILED " + key.replace('\n', ' ') + " " + e);
                    }
                }
            });
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
        store.close();
    }
}
