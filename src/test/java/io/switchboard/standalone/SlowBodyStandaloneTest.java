package io.switchboard.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.WsRecorder;
import io.switchboard.protocol.ServerMessage.Ack;
import io.switchboard.protocol.ServerMessage.Welcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request bodies never hold a worker thread: a publish is judged on its headers first, and its body is
 * collected as it arrives. Grizzly's few worker threads carry every WebSocket too, so a handful of
 * clients trickling bodies must not stall anyone. The request deadline is long here, so that only
 * the server's own behaviour can answer within the tests' waits.
 */
class SlowBodyStandaloneTest {

    @RegisterExtension
    static final RunningServer server = RunningServer.perClass(Map.of("switchboard.requestTimeoutMs", "120000"));

    static final String BODY = "{\"user\":\"slow\",\"title\":\"one byte at a time\"}";

    /** A POST on a plain socket: the headers now, the body (if any) as the test writes it. */
    static Socket post(String authorization, String contentType, String lengthOrChunked) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
            socket.setSoTimeout((int) WsRecorder.WAIT.toMillis());
            String head = "POST /api/notifications HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Content-Type: " + contentType + "\r\n"
                    + (lengthOrChunked.equals("chunked") ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + lengthOrChunked + "\r\n")
                    + "\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void send(Socket socket, String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The response's status line and body, read within {@link WsRecorder#WAIT}. */
    static String response(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            String text = "";
            int contentLength = -1;
            int headEnd = -1;
            while (headEnd < 0 || bytes.size() < headEnd + contentLength) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                bytes.write(b);
                text = bytes.toString(StandardCharsets.UTF_8);
                if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
                    headEnd = text.length();
                    contentLength = 0;
                    for (String line : text.split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            contentLength = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                }
            }
            return text;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no response within " + WsRecorder.WAIT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    @Test
    void fortyTricklingPublishesStallNoWebSocket() throws Exception {
        List<Socket> slow = new ArrayList<>();
        AtomicBoolean trickling = new AtomicBoolean(true);
        Thread trickler = new Thread(() -> {
            while (trickling.get()) {
                for (Socket socket : slow) {
                    try {
                        socket.getOutputStream().write(' ');
                    } catch (IOException e) {
                        // cut off: fine
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "trickler");
        try {
            for (int i = 0; i < 40; i++) {
                slow.add(post("Bearer " + RunningServer.KEY, "application/json", "100000"));
            }
            trickler.start();
            Thread.sleep(500); // every trickling request has reached its handler
            try (WsRecorder chat = WsRecorder.open(server.ws("/chat/trickle-room?user=quick"))) {
                chat.expect(Welcome.class);
                chat.send("{\"type\":\"say\",\"text\":\"still served\",\"ref\":\"q\"}");
                assertEquals("q", chat.await(Ack.class).ref());
            }
            assertEquals(202, server.publish("{\"user\":\"quick\",\"title\":\"a normal publish\"}").statusCode());
        } finally {
            trickling.set(false);
            trickler.interrupt();
            trickler.join(WsRecorder.WAIT.toMillis());
            slow.forEach(SlowBodyStandaloneTest::close);
        }
    }

    @Test
    void aWrongKeyIs401BeforeTheBodyArrives() {
        Socket socket = post("Bearer wrong", "application/json", "1000");
        try {
            assertTrue(response(socket).startsWith("HTTP/1.1 401"));
        } finally {
            close(socket);
        }
    }

    @Test
    void aWrongMediaTypeIs415BeforeTheBodyArrives() {
        Socket socket = post("Bearer " + RunningServer.KEY, "text/plain", "1000");
        try {
            String response = response(socket);
            assertTrue(response.startsWith("HTTP/1.1 415"), response);
            assertTrue(response.contains("unsupported_media_type"), response);
        } finally {
            close(socket);
        }
    }

    @Test
    void aDeclaredBodyOver64KiBIs413BeforeItArrives() {
        Socket socket = post("Bearer " + RunningServer.KEY, "application/json", Integer.toString(64 * 1024 + 1));
        try {
            String response = response(socket);
            assertTrue(response.startsWith("HTTP/1.1 413"), response);
        } finally {
            close(socket);
        }
    }

    @Test
    void aTricklingBodyWithTheKeyIsPublishedOnceComplete() throws Exception {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        Socket socket = post("Bearer " + RunningServer.KEY, "application/json", Integer.toString(body.length));
        try {
            for (byte b : body) {
                socket.getOutputStream().write(b);
                socket.getOutputStream().flush();
                Thread.sleep(5);
            }
            String response = response(socket);
            assertTrue(response.startsWith("HTTP/1.1 202"), response);
            assertTrue(response.contains("\"delivered\""), response);
        } finally {
            close(socket);
        }
    }

    @Test
    void aChunkedBodyIsPublished() {
        Socket socket = post("Bearer " + RunningServer.KEY, "application/json", "chunked");
        try {
            String first = BODY.substring(0, 10);
            String rest = BODY.substring(10);
            send(socket, Integer.toHexString(first.length()) + "\r\n" + first + "\r\n");
            send(socket, Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n");
            String response = response(socket);
            assertTrue(response.startsWith("HTTP/1.1 202"), response);
        } finally {
            close(socket);
        }
    }

    @Test
    void aChunkedBodyOver64KiBIs413() {
        Socket socket = post("Bearer " + RunningServer.KEY, "application/json", "chunked");
        try {
            String chunk = "x".repeat(16 * 1024);
            for (int i = 0; i < 5; i++) {
                send(socket, Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            String response = response(socket);
            assertTrue(response.startsWith("HTTP/1.1 413"), response);
        } finally {
            close(socket);
        }
    }
}
