package bench.openai;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream format): lines end with LF,
 * CRLF or CR; {@code data:} lines accumulate (joined by LF), {@code event:} names the event,
 * lines starting with {@code :} are comments, and an empty line dispatches the event. Input
 * may be split anywhere. The event's data is handed over in a reused array, so a listener
 * must not keep it.
 */
public final class SseParser {

    public interface Listener {
        /**
         * One dispatched event.
         *
         * @param data      the event's data (valid only during the call)
         * @param length    bytes of data
         * @param eventName the {@code event:} field, or null when absent
         */
        void onEvent(byte[] data, int length, String eventName);
    }

    private static final int MAX_EVENT = 16 * 1024 * 1024;
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

    private final Listener listener;
    private byte[] line = new byte[512];
    private int lineLen;
    private boolean afterCr;
    private byte[] data = new byte[512];
    private int dataLen;
    private boolean hasData;
    private String eventName;

    public SseParser(Listener listener) {
        this.listener = listener;
    }

    public void reset() {
        lineLen = 0;
        afterCr = false;
        dataLen = 0;
        hasData = false;
        eventName = null;
    }

    /** Parses bytes [from, to) (absolute indexes) of {@code buf}; a direct buffer is copied first. */
    public void feed(ByteBuffer buf, int from, int to) {
        if (buf.hasArray()) {
            int off = buf.arrayOffset();
            feed(buf.array(), off + from, off + to);
            return;
        }
        byte[] copy = new byte[to - from];
        buf.get(from, copy, 0, copy.length);
        feed(copy, 0, copy.length);
    }

    /** Parses bytes [from, to) of {@code buf}. */
    public void feed(byte[] buf, int from, int to) {
        int pos = from;
        while (pos < to) {
            if (afterCr) {
                afterCr = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int i = pos;
            byte b = 0;
            while (i < to) {
                b = buf[i];
                if (b == '\n' || b == '\r') {
                    break;
                }
                i++;
            }
            append(buf, pos, i - pos);
            if (i == to) {
                return;
            }
            afterCr = b == '\r';
            pos = i + 1;
            onLine();
        }
    }

    /** At the start of an event: nothing of a line or an event is pending. */
    public boolean idle() {
        return lineLen == 0 && !afterCr && !hasData && eventName == null;
    }

    /**
     * The stream ended. A last event not followed by an empty line is dispatched anyway
     * (servers that end with {@code data: [DONE]} and no blank line are common).
     */
    public void finish() {
        if (lineLen > 0) {
            onLine();
        }
        dispatch();
    }

    private void append(byte[] buf, int from, int n) {
        if (n == 0) {
            return;
        }
        if (lineLen + n > MAX_EVENT) {
            // a runaway line: keep the head only, the event is malformed anyway
            n = MAX_EVENT - lineLen;
            if (n <= 0) {
                return;
            }
        }
        if (lineLen + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
        }
        System.arraycopy(buf, from, line, lineLen, n);
        lineLen += n;
    }

    private void onLine() {
        int len = lineLen;
        lineLen = 0;
        if (len == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            return; // comment / keep-alive ping
        }
        int colon = indexOf(line, len, (byte) ':');
        int nameLen = colon < 0 ? len : colon;
        int valueFrom = colon < 0 ? len : colon + 1;
        if (valueFrom < len && line[valueFrom] == ' ') {
            valueFrom++;
        }
        if (nameEquals(DATA, nameLen)) {
            int n = len - valueFrom;
            int need = dataLen + (hasData ? 1 : 0) + n;
            if (need > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, need));
            }
            if (hasData) {
                data[dataLen++] = '\n';
            }
            System.arraycopy(line, valueFrom, data, dataLen, n);
            dataLen += n;
            hasData = true;
        } else if (nameEquals(EVENT, nameLen)) {
            eventName = new String(line, valueFrom, len - valueFrom, java.nio.charset.StandardCharsets.UTF_8);
        }
        // id:, retry: and unknown fields are ignored
    }

    private void dispatch() {
        if (hasData && dataLen > 0) {
            listener.onEvent(data, dataLen, eventName);
        }
        dataLen = 0;
        hasData = false;
        eventName = null;
    }

    private boolean nameEquals(byte[] name, int nameLen) {
        if (nameLen != name.length) {
            return false;
        }
        for (int i = 0; i < nameLen; i++) {
            if (line[i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, int len, byte b) {
        for (int i = 0; i < len; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
