package io.switchboard.store;

import io.switchboard.channel.Items;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The tests' log item: a seq and a text, stored as {@code {"seq":N,"text":"…"}}. */
record Note(long seq, String text) {

    static Note draft(String text) {
        return new Note(0, text);
    }

    static final Items<Note> ITEMS = new Items<>() {
        private final Pattern json = Pattern.compile("\\{\"seq\":(\\d+),\"text\":\"((?:[^\"\\\\]|\\\\.)*)\"}");

        @Override
        public long seq(Note item) {
            return item.seq();
        }

        @Override
        public Note withSeq(Note item, long seq) {
            return new Note(seq, item.text());
        }

        @Override
        public String json(Note item) {
            return "{\"seq\":" + item.seq() + ",\"text\":\"" + item.text().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        }

        @Override
        public Note parse(String text) {
            Matcher m = json.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a note: " + text);
            }
            return new Note(Long.parseLong(m.group(1)), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
    };
}
