package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.protocol.Codec;
import io.switchboard.protocol.ServerMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A server-sent events client for tests (protocol section 12), the event-stream twin of {@link
 * WsRecorder}: it records every event and comment with bounded waits, and can stop reading (its
 * line subscriber stops asking for more, so the socket is not read) to play a slow consumer.
 */
public final class EventStreamRecorder implements Flow.Subscriber<String>, AutoCloseable {

    /** One event: its {@code id} (null without one), its {@code event} name, and its {@code data}. */
    public record Event(String id, String event, String data) {

        public ServerMessage frame() {
            return Codec.standard().server().decode(data);
        }
    }

    // HTTP/1.1: by default the JDK client asks for an h2c upgrade.
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WsRecorder.WAIT)
            .build();

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final StringBuilder body = new StringBuilder();
    private volatile Flow.Subscription subscription;
    private volatile boolean reading = true;
    // The event being read; touched by the subscriber's thread only.
    private String id;
    private String name;
    private StringBuilder data;

    private EventStreamRecorder() {
    }

    /** Opens {@code url} and waits for the response's status and headers. */
    public static EventStreamRecorder open(String url) {
        return open(url, Map.of());
    }

    public static EventStreamRecorder open(String url, Map<String, String> headers) {
        EventStreamRecorder recorder = new EventStreamRecorder();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        HTTP.sendAsync(request.build(), info -> {
            recorder.head.complete(info);
            return HttpResponse.BodySubscribers.fromLineSubscriber(recorder);
        }).whenComplete((response, error) -> recorder.ended.complete(null));
        try {
            recorder.head.get(WsRecorder.WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("no answer from " + url, e);
        }
        return recorder;
    }

    public int status() {
        return head.join().statusCode();
    }

    public String header(String name) {
        return head.join().headers().firstValue(name).orElse(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(String line) {
        synchronized (body) {
            body.append(line).append('\n');
        }
        if (line.isEmpty()) {
            if (data != null) {
                events.add(new Event(id, name == null ? "message" : name, data.toString()));
            }
            id = null;
            name = null;
            data = null;
        } else if (line.startsWith(":")) {
            comments.incrementAndGet();
        } else {
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { }
            }
        }
        if (reading) {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        ended.complete(null);
    }

    @Override
    public void onComplete() {
        ended.complete(null);
    }

    /** The whole body so far, for the answers to refused requests and for messages. */
    public String body() {
        synchronized (body) {
            return body.toString();
        }
    }

    /** The body once the response has ended, within {@link WsRecorder#WAIT}. */
    public String wholeBody() {
        awaitEnd();
        return body();
    }

    public Event next() {
        try {
            Event event = events.poll(WsRecorder.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                fail("no event within " + WsRecorder.WAIT + "; body so far:\n" + body());
            }
            return event;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next event, which must be named {@code name}. */
    public Event expect(String name) {
        Event event = next();
        if (!event.event().equals(name)) {
            fail("expected event " + name + " but got " + event);
        }
        return event;
    }

    /** The first event named {@code name} that {@code matching} accepts, skipping others. */
    public Event await(String name, Predicate<Event> matching) {
        long deadline = System.nanoTime() + WsRecorder.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Event event;
            try {
                event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (event == null) {
                break;
            }
            if (event.event().equals(name) && matching.test(event)) {
                return event;
            }
        }
        return fail("no matching event " + name + " within " + WsRecorder.WAIT + "; body so far:\n" + body());
    }

    public Event await(String name) {
        return await(name, any -> true);
    }

    public void expectSilence(Duration quiet) {
        try {
            assertNull(events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS), "expected no event");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Comment lines ({@code :}) seen so far. */
    public int comments() {
        return comments.get();
    }

    /** Waits, bounded, for the server to end the response. */
    public void awaitEnd() {
        try {
            ended.get(WsRecorder.WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the stream did not end within " + WsRecorder.WAIT + "; body so far:\n" + body(), e);
        }
    }

    public boolean hasEnded() {
        return ended.isDone();
    }

    public boolean nothingReceived() {
        return events.isEmpty();
    }

    /** Stops asking for lines: the socket is no longer read, as by a client that fell behind. */
    public void stopReading() {
        reading = false;
    }

    public void resumeReading() {
        reading = true;
        subscription.request(Long.MAX_VALUE);
    }

    /** Drops the connection, as a closed tab does. */
    @Override
    public void close() {
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
