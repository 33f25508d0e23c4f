package io.switchboard.bench.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Switchboard chat subset on raw Netty 4.1 (NIO, one event loop, like Node), a peer for
 * bench/run.sh: welcome; say -> message to every member (sender included) and ack; ping -> pong;
 * presence join/leave per user. A broadcast is framed once into one ByteBuf and each member gets a
 * retained duplicate (shared bytes), as {@code DefaultChannelGroup} does. JSON is read with a small
 * scanner that copies string values through still escaped, so they are re-emitted unchanged.
 */
public final class RawNetty {

    static final AttributeKey<Member> MEMBER = AttributeKey.valueOf("member");
    static final Pattern ROOM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    static final String EPOCH = Long.toString(System.currentTimeMillis(), 36);
    /** Rooms by name; touched only on the one event loop, so unguarded. */
    static final Map<String, Room> ROOMS = new HashMap<>();

    static final class Room {
        final String name;
        long seq;
        final Set<Channel> channels = new LinkedHashSet<>();
        final Map<String, Integer> users = new LinkedHashMap<>();

        Room(String name) {
            this.name = name;
        }
    }

    record Member(Room room, String user) {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "18181"));
        NioEventLoopGroup boss = new NioEventLoopGroup(1);
        NioEventLoopGroup loop = new NioEventLoopGroup(1);
        try {
            Channel server = new ServerBootstrap().group(boss, loop).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                            .websocketPath("/chat").checkStartsWith(true).maxFramePayloadLength(65536)
                                            .build()),
                                    new Chat());
                        }
                    }).bind("127.0.0.1", port).sync().channel();
            System.out.println("raw Netty peer on ws://127.0.0.1:" + port + "/chat/{room}");
            server.closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            loop.shutdownGracefully();
        }
    }

    static final class Chat extends SimpleChannelInboundHandler<TextWebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (!(evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hs)) {
                super.userEventTriggered(ctx, evt);
                return;
            }
            QueryStringDecoder q = new QueryStringDecoder(hs.requestUri());
            String name = q.path().substring("/chat/".length());
            List<String> users = q.parameters().get("user");
            if (!ROOM.matcher(name).matches() || users == null || users.isEmpty()) {
                ctx.close();
                return;
            }
            String user = users.get(0);
            Room room = ROOMS.computeIfAbsent(name, Room::new);
            Integer before = room.users.get(user);
            room.users.put(user, before == null ? 1 : before + 1);
            ctx.channel().attr(MEMBER).set(new Member(room, user));
            StringBuilder w = new StringBuilder("{\"type\":\"welcome\",\"room\":\"").append(name).append("\",\"user\":\"")
                    .append(user).append("\",\"count\":").append(room.users.size()).append(",\"members\":[");
            int listed = 0;
            for (String u : room.users.keySet()) {
                if (listed == 100) {
                    break;
                }
                w.append(listed++ == 0 ? "\"" : ",\"").append(u).append('"');
            }
            w.append("],\"seq\":").append(room.seq).append(",\"epoch\":\"").append(EPOCH).append("\",\"messages\":[]}");
            ctx.writeAndFlush(new TextWebSocketFrame(w.toString()));
            if (before == null) {
                broadcast(room, "{\"type\":\"presence\",\"event\":\"join\",\"user\":\"" + user + "\",\"count\":"
                        + room.users.size() + "}", null);
            }
            room.channels.add(ctx.channel());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            Member m = ctx.channel().attr(MEMBER).get();
            if (m == null) {
                return;
            }
            String json = frame.text();
            String type = rawString(json, "type");
            String ref = rawString(json, "ref");
            String refField = ref == null ? "" : ",\"ref\":\"" + ref + "\"";
            if ("say".equals(type)) {
                String text = rawString(json, "text");
                if (text == null || text.isEmpty()) {
                    ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"error\",\"code\":\"invalid\",\"message\":\"text\"" + refField + "}"));
                    return;
                }
                long seq = ++m.room.seq;
                broadcast(m.room, "{\"type\":\"message\",\"room\":\"" + m.room.name + "\",\"seq\":" + seq + ",\"from\":\""
                        + m.user + "\",\"name\":\"" + m.user + "\",\"text\":\"" + text + "\",\"at\":\"" + Instant.now() + "\"}", null);
                ctx.write(new TextWebSocketFrame("{\"type\":\"ack\",\"seq\":" + seq + refField + "}"));
            } else if ("ping".equals(type)) {
                ctx.write(new TextWebSocketFrame("{\"type\":\"pong\"" + refField + "}"));
            } else {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"error\",\"code\":\"unknown_type\",\"message\":\"type\"" + refField + "}"));
            }
        }

        /** Replies are written as frames are read and flushed once per read batch, the Netty idiom. */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            Member m = ctx.channel().attr(MEMBER).get();
            if (m != null && m.room.channels.remove(ctx.channel())) {
                int left = m.room.users.getOrDefault(m.user, 1) - 1;
                if (left > 0) {
                    m.room.users.put(m.user, left);
                } else {
                    m.room.users.remove(m.user);
                    if (m.room.users.isEmpty()) {
                        ROOMS.remove(m.room.name);
                    } else {
                        broadcast(m.room, "{\"type\":\"presence\",\"event\":\"leave\",\"user\":\"" + m.user + "\",\"count\":"
                                + m.room.users.size() + "}", null);
                    }
                }
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Frames {@code json} once (RFC 6455 5.2, unmasked text) and writes the same bytes to every member. */
    static void broadcast(Room room, String json, Channel except) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        ByteBuf frame = ByteBufAllocator.DEFAULT.buffer(n + 10);
        frame.writeByte(0x81);
        if (n < 126) {
            frame.writeByte(n);
        } else if (n < 65536) {
            frame.writeByte(126).writeShort(n);
        } else {
            frame.writeByte(127).writeLong(n);
        }
        frame.writeBytes(payload);
        try {
            for (Channel ch : room.channels) {
                if (ch != except && ch.isActive()) {
                    ch.writeAndFlush(frame.retainedDuplicate());
                }
            }
        } finally {
            frame.release();
        }
    }

    /** The raw (still escaped) contents of the string value of {@code key}, or null. */
    static String rawString(String json, String key) {
        int k = json.indexOf("\"" + key + "\"");
        if (k < 0) {
            return null;
        }
        int p = k + key.length() + 2;
        while (p < json.length() && (json.charAt(p) == ' ' || json.charAt(p) == ':')) {
            p++;
        }
        if (p >= json.length() || json.charAt(p) != '"') {
            return null;
        }
        int start = ++p;
        while (p < json.length() && json.charAt(p) != '"') {
            p += json.charAt(p) == '\\' ? 2 : 1;
        }
        return p >= json.length() ? null : json.substring(start, p);
    }
}
