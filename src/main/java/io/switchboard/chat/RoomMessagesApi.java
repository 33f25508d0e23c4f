package io.switchboard.chat;

import io.switchboard.channel.Names;
import io.switchboard.channel.Channel;
import io.switchboard.http.ApiResponse;
import io.switchboard.http.PublishKey;
import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ServerMessage.Message;
import java.util.List;

/** {@code GET /api/rooms/{room}/messages?before=SEQ&limit=N}: one implementation for servlet and Grizzly. */
public final class RoomMessagesApi {

    private final Chat chat;
    private final PublishKey key;
    private final Codec codec;

    public RoomMessagesApi(Chat chat, PublishKey key, Codec codec) {
        this.chat = chat;
        this.key = key;
        this.codec = codec;
    }

    public record Body(List<Message> messages, boolean more) {
    }

    public ApiResponse get(String authorization, String room, String before, String limit) {
        if (!key.matches(authorization)) {
            return ApiResponse.of(401, "");
        }
        if (!Names.isChannel(room)) {
            return invalid("invalid room name");
        }
        Long beforeSeq;
        int pageSize;
        try {
            beforeSeq = before == null ? null : Long.parseLong(before);
            pageSize = limit == null ? ChatConnection.DEFAULT_HISTORY_LIMIT : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            return invalid("'before' and 'limit' must be whole numbers");
        }
        if (pageSize < 1 || pageSize > ChatConnection.MAX_HISTORY_LIMIT) {
            return invalid("'limit' must be from 1 to 100");
        }
        if (beforeSeq != null && beforeSeq < 1) {
            return invalid("'before' must be a seq, 1 or more");
        }
        Channel.Page<Message> page;
        try {
            page = chat.page(room, beforeSeq, pageSize).join();
        } catch (RuntimeException e) {
            return ApiResponse.unavailable("history is not available now: retry", codec::json);
        }
        return ApiResponse.of(200, codec.json(new Body(page.items(), page.more())));
    }

    private ApiResponse invalid(String message) {
        return ApiResponse.error(400, "invalid", message, codec::json);
    }
}
