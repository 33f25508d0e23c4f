package io.switchboard.standalone;

import io.switchboard.transport.TyrusAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.glassfish.tyrus.core.ProtocolHandler;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

/**
 * Wraps a standalone connection's Tyrus {@link Writer} so that the frames our peer holds for it go
 * out before anything Tyrus writes itself (its pong to a client's ping, a close echo, a protocol
 * error's close): {@link SelectorFirstStrategy} holds a read's replies until the whole read is
 * handled, and without this a reply to a {@code say} read just before a close would follow the close
 * frame, where the client no longer reads.
 *
 * <p>It runs on the thread that writes, under Tyrus's lock of this one connection, and flushes only
 * this connection's peer: never a write to another connection under this one's lock. The peer's own
 * frames pass through it too; for them the flush finds the peer already sending and does nothing.
 */
final class FlushingWriter extends Writer {

    private final Writer delegate;
    private final Runnable beforeWrite;

    private FlushingWriter(Writer delegate, Runnable beforeWrite) {
        this.delegate = delegate;
        this.beforeWrite = beforeWrite;
    }

    /** Registers the wrapping with {@link TyrusAccess}, which applies it to each WebSocket's writer at open. */
    static void install() {
        TyrusAccess.wrapWritersWith((handler, writer, beforeWrite) -> {
            if (handler instanceof ProtocolHandler protocol && writer instanceof Writer plain
                    && !(writer instanceof FlushingWriter)) {
                protocol.setWriter(new FlushingWriter(plain, beforeWrite));
                return true;
            }
            return false;
        });
    }

    /** For {@link TyrusAccess}: the writer this one wraps. */
    Writer delegate() {
        return delegate;
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
        beforeWrite.run();
        delegate.write(buffer, completionHandler);
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler, WriterInfo writerInfo) {
        beforeWrite.run();
        delegate.write(buffer, completionHandler, writerInfo);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FlushingWriter wrapper ? delegate.equals(wrapper.delegate) : delegate.equals(other);
    }

    @Override
    public int hashCode() {
        return delegate.hashCode();
    }
}
