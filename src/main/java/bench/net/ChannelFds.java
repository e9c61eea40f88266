package bench.net;

import java.lang.reflect.Method;
import java.nio.channels.SelectableChannel;

/**
 * The file descriptor behind a NIO channel, so that a hot path can write to it through {@link
 * Epoll} (one system call) instead of {@code SocketChannel.write} (a lock, thread tracking and
 * state checks around the same call). The JDK keeps the descriptor in an internal interface
 * ({@code sun.nio.ch.SelChImpl}), readable only when {@code java.base} exports that package to
 * us: the bench jar's manifest says {@code Add-Exports: java.base/sun.nio.ch}. Anywhere else
 * {@link #available()} is false and callers keep to NIO.
 */
public final class ChannelFds {
    private static final Method FD_VAL = lookUp();

    private ChannelFds() {}

    private static Method lookUp() {
        try {
            Class<?> c = Class.forName("sun.nio.ch.SelChImpl");
            if (!c.getModule().isExported(c.getPackageName(), ChannelFds.class.getModule())) {
                return null;
            }
            return c.getMethod("getFDVal");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Whether {@link #fd} can tell descriptors here. */
    public static boolean available() {
        return FD_VAL != null;
    }

    /** The channel's descriptor, or -1 when it cannot be told. */
    public static int fd(SelectableChannel channel) {
        if (FD_VAL == null || !FD_VAL.getDeclaringClass().isInstance(channel)) {
            return -1;
        }
        try {
            return (int) FD_VAL.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
