package io.switchboard.channel;

/** Items that are their own seq, as JSON numbers: {@code withSeq} ignores the draft. */
final class LongItems implements Items<Long> {

    static final LongItems INSTANCE = new LongItems();

    @Override
    public long seq(Long item) {
        return item;
    }

    @Override
    public Long withSeq(Long item, long seq) {
        return seq;
    }

    @Override
    public String json(Long item) {
        return Long.toString(item);
    }

    @Override
    public Long parse(String json) {
        return Long.parseLong(json);
    }
}
