package io.switchboard.chat;

import io.switchboard.channel.Items;
import io.switchboard.protocol.ServerCodec;
import io.switchboard.protocol.ServerMessage.Message;

/** Chat messages as log items: stored as their {@code message} frame. */
final class Messages implements Items<Message> {

    private final ServerCodec codec;

    Messages(ServerCodec codec) {
        this.codec = codec;
    }

    @Override
    public long seq(Message item) {
        return item.seq();
    }

    @Override
    public Message withSeq(Message item, long seq) {
        return new Message(item.room(), seq, item.from(), item.name(), item.text(), item.at());
    }

    @Override
    public String json(Message item) {
        return codec.encode(item);
    }

    @Override
    public Message parse(String json) {
        return (Message) codec.decode(json);
    }
}
