package bench.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    record Ev(String data, String name) {}

    static final class Rec implements SseParser.Listener {
        final List<Ev> events = new ArrayList<>();

        @Override
        public void onEvent(byte[] data, int length, String eventName) {
            assertTrue(length > 0 && length <= data.length, "length " + length);
            events.add(new Ev(new String(data, 0, length, StandardCharsets.UTF_8), eventName));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds {@code s} in the segments delimited by {@code cuts}, then finish(). */
    private static List<Ev> parse(byte[] bytes, int... cuts) {
        Rec rec = new Rec();
        SseParser p = new SseParser(rec);
        int prev = 0;
        int[] all = Arrays.copyOf(cuts, cuts.length + 1);
        all[cuts.length] = bytes.length;
        for (int cut : all) {
            p.feed(bytes, prev, cut);
            prev = cut;
        }
        p.finish();
        return rec.events;
    }

    private static List<Ev> parse(String s, int... cuts) {
        return parse(utf8(s), cuts);
    }

    private static List<Ev> parseNoFinish(String s) {
        Rec rec = new Rec();
        SseParser p = new SseParser(rec);
        byte[] b = utf8(s);
        p.feed(b, 0, b.length);
        return rec.events;
    }

    private static void assertSameAtEverySplit(String stream, List<Ev> expected) {
        byte[] b = utf8(stream);
        assertEquals(expected, parse(b), "whole");
        for (int i = 0; i <= b.length; i++) {
            assertEquals(expected, parse(b, i), "cut at " + i);
        }
        for (int i = 0; i <= b.length; i++) {
            for (int j = i; j <= b.length; j++) {
                assertEquals(expected, parse(b, i, j), "cuts at " + i + "," + j);
            }
        }
        int[] every = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            every[i] = i;
        }
        assertEquals(expected, parse(b, every), "byte by byte");
    }

    private static final String MIXED = ": ping\r\n"
            + "event: message\r\ndata: {\"a\":1}\r\n\r\n"
            + "data: line1\ndata: line2\n\n"
            + "data:  two spaces\r\rdata:x\r\n\r\n"
            + "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n"
            + "id: 7\nretry: 100\ndata: caf\u00e9 \u4e2d\n\n"
            + "data: [DONE]\n\n";
    private static final List<Ev> MIXED_EVENTS = List.of(
            new Ev("{\"a\":1}", "message"),
            new Ev("line1\nline2", null),
            new Ev(" two spaces", null),
            new Ev("x", null),
            new Ev("{\"error\":{\"message\":\"boom\"}}", "error"),
            new Ev("caf\u00e9 \u4e2d", null),
            new Ev("[DONE]", null));

    @Test
    void mixedStreamSplitAnywhere() {
        assertSameAtEverySplit(MIXED, MIXED_EVENTS);
    }

    @Test
    void lfCrlfAndCrLineEndingsGiveTheSameEvents() {
        String lf = "data: a\ndata: b\n\nevent: e\ndata: c\n\n";
        List<Ev> expected = List.of(new Ev("a\nb", null), new Ev("c", "e"));
        assertSameAtEverySplit(lf, expected);
        assertSameAtEverySplit(lf.replace("\n", "\r\n"), expected);
        assertSameAtEverySplit(lf.replace("\n", "\r"), expected);
    }

    @Test
    void crAtEndOfFeedAndLfAtStartOfNextIsOneLineBreak() {
        Rec rec = new Rec();
        SseParser p = new SseParser(rec);
        byte[] a = utf8("data: a\r");
        byte[] b = utf8("\ndata: b\r");
        byte[] c = utf8("\n\r");
        byte[] d = utf8("\n");
        p.feed(a, 0, a.length);
        p.feed(b, 0, b.length);
        assertEquals(List.of(), rec.events, "a CRLF split across feeds is not an empty line");
        p.feed(c, 0, c.length);
        assertEquals(List.of(new Ev("a\nb", null)), rec.events, "a lone CR ends the blank line");
        p.feed(d, 0, d.length);
        assertEquals(List.of(new Ev("a\nb", null)), rec.events, "the LF completing that CRLF is no new line");
        byte[] e = utf8("data: c\n\n");
        p.feed(e, 0, e.length);
        assertEquals(List.of(new Ev("a\nb", null), new Ev("c", null)), rec.events);
    }

    @Test
    void crCrIsAnEmptyLine() {
        assertEquals(List.of(new Ev("a", null), new Ev("b", null)), parseNoFinish("data: a\r\rdata: b\r\r"));
    }

    @Test
    void lfCrIsTwoLineBreaks() {
        assertEquals(List.of(new Ev("a", null)), parseNoFinish("data: a\n\r"));
    }

    @Test
    void commentsAreIgnored() {
        String s = ":keep-alive\n: ping\r\ndata: a\n: inside an event\ndata: b\n\n:\n\n";
        assertEquals(List.of(new Ev("a\nb", null)), parse(s));
    }

    @Test
    void multipleDataLinesJoinedWithLf() {
        assertEquals(List.of(new Ev("1\n2\n3", null)), parse("data: 1\ndata: 2\ndata: 3\n\n"));
        assertEquals(List.of(new Ev("x\n\ny", null)), parse("data: x\ndata:\ndata: y\n\n"));
    }

    @Test
    void eventNamePassedThroughAndResetAfterDispatch() {
        assertEquals(List.of(new Ev("{\"e\":1}", "error"), new Ev("next", null)),
                parse("event: error\ndata: {\"e\":1}\n\ndata: next\n\n"));
        assertEquals(List.of(new Ev("d", "error")), parse("event:error\ndata:d\n\n"));
        assertEquals(List.of(new Ev("d", "second")), parse("event: first\nevent: second\ndata: d\n\n"));
    }

    @Test
    void eventNameOfAnEmptyEventDoesNotLeak() {
        assertEquals(List.of(new Ev("d", null)), parse("event: error\n\ndata: d\n\n"));
    }

    @Test
    void onlyOneLeadingSpaceIsStripped() {
        assertEquals(List.of(new Ev("x", null)), parse("data:x\n\n"));
        assertEquals(List.of(new Ev("x", null)), parse("data: x\n\n"));
        assertEquals(List.of(new Ev(" x", null)), parse("data:  x\n\n"));
        assertEquals(List.of(new Ev("\tx ", null)), parse("data:\tx \n\n"));
        assertEquals(List.of(new Ev("a:b: c", null)), parse("data: a:b: c\n\n"));
        assertEquals(List.of(new Ev("v", " spaced")), parse("event:  spaced\ndata: v\n\n"));
    }

    @Test
    void fieldWithoutColon() {
        // "data" alone is a data field with an empty value
        assertEquals(List.of(new Ev("\nx", null)), parse("data\ndata: x\n\n"));
        assertEquals(List.of(new Ev("x\n", null)), parse("data: x\ndata\n\n"));
        assertEquals(List.of(), parse("data\n\n"));
        // "event" alone is an empty event name
        assertEquals(List.of(new Ev("y", "")), parse("event\ndata: y\n\n"));
    }

    @Test
    void unknownAndMisspelledFieldsAreIgnored() {
        assertEquals(List.of(new Ev("ok", null)),
                parse("id: 1\nretry: 10\nfoo: bar\nData: no\nDATA: no\ndata : no\ndatax: no\nevents: no\n"
                        + "data: ok\n\n"));
    }

    @Test
    void finishDispatchesTrailingEventWithoutBlankLine() {
        assertEquals(List.of(new Ev("a", null), new Ev("[DONE]", null)), parse("data: a\n\ndata: [DONE]\n"));
        assertEquals(List.of(new Ev("a", null), new Ev("[DONE]", null)), parse("data: a\n\ndata: [DONE]"));
        assertEquals(List.of(new Ev("x\ny", "n")), parse("event: n\ndata: x\ndata: y"));
        // and the same event is not dispatched before finish()
        assertEquals(List.of(new Ev("a", null)), parseNoFinish("data: a\n\ndata: [DONE]\n"));
    }

    @Test
    void finishWithNothingPendingDispatchesNothing() {
        assertEquals(List.of(), parse(""));
        assertEquals(List.of(new Ev("a", null)), parse("data: a\n\n"));
        assertEquals(List.of(), parse(": only a comment"));
    }

    @Test
    void emptyDataEventsAreNotDispatched() {
        assertEquals(List.of(), parse("data:\n\n"));
        assertEquals(List.of(), parse("data: \n\n"));
        assertEquals(List.of(), parse("event: error\n\n"));
        assertEquals(List.of(), parse("\n\n\r\n\r\r"));
        assertEquals(List.of(), parse("id: 5\n\n"));
        assertEquals(List.of(new Ev("z", null)), parse("data:\n\ndata: z\n\n"));
    }

    @Test
    void largeEventSurvives() {
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 100 * 1024; i++) {
            big.append("{\"token\":").append(i).append(",\"text\":\"abcdefghij\"}");
        }
        String payload = big.toString();
        String stream = "data: small\n\ndata: " + payload + "\r\n\r\ndata: after\n\n";
        List<Ev> expected = List.of(new Ev("small", null), new Ev(payload, null), new Ev("after", null));
        byte[] b = utf8(stream);
        assertEquals(expected, parse(b));
        // in 1000-byte and odd 777-byte pieces
        for (int step : new int[] {1000, 777, 4096}) {
            int[] cuts = new int[b.length / step];
            for (int i = 0; i < cuts.length; i++) {
                cuts[i] = (i + 1) * step;
            }
            assertEquals(expected, parse(b, cuts), "step " + step);
        }
        // many data lines joined
        StringBuilder lines = new StringBuilder();
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            String line = "line-" + i + "-" + "x".repeat(40);
            lines.append("data: ").append(line).append('\n');
            joined.append(i == 0 ? "" : "\n").append(line);
        }
        lines.append('\n');
        assertEquals(List.of(new Ev(joined.toString(), null)), parse(lines.toString()));
    }

    @Test
    void resetDropsPartialState() {
        Rec rec = new Rec();
        SseParser p = new SseParser(rec);
        byte[] partial = utf8("event: error\ndata: half\ndata: li");
        p.feed(partial, 0, partial.length);
        p.reset();
        byte[] next = utf8("data: fresh\n\n");
        p.feed(next, 0, next.length);
        p.finish();
        assertEquals(List.of(new Ev("fresh", null)), rec.events);
    }

    @Test
    void feedsFromByteBufferRangesAndDirectBuffers() {
        byte[] s = utf8("XXdata: one\n\ndata: two\n\nYY");
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer buf = direct ? ByteBuffer.allocateDirect(s.length) : ByteBuffer.allocate(s.length);
            buf.put(0, s);
            Rec rec = new Rec();
            SseParser p = new SseParser(rec);
            p.feed(buf, 2, 9);
            p.feed(buf, 9, s.length - 2);
            assertEquals(List.of(new Ev("one", null), new Ev("two", null)), rec.events, "direct=" + direct);
            assertEquals(0, buf.position(), "the buffer's position is left alone");
        }
    }

    @Test
    void multiByteUtf8SplitAcrossFeeds() {
        String s = "data: \u00e9\u4e2d\uD83D\uDE00\n\n";
        byte[] b = utf8(s);
        for (int i = 0; i <= b.length; i++) {
            assertEquals(List.of(new Ev("\u00e9\u4e2d\uD83D\uDE00", null)), parse(b, i), "cut " + i);
        }
    }

    /**
     * Random streams (data, event, id and comment lines, empty values, the three line endings,
     * a cut last event) give the same events fed whole as fed one byte at a time.
     */
    @Test
    void randomStreamsGiveTheSameEventsWholeAndByteByByte() {
        java.util.Random rnd = new java.util.Random(42);
        String[] endings = {"\n", "\n", "\n", "\r\n", "\r"};
        for (int round = 0; round < 3000; round++) {
            StringBuilder sb = new StringBuilder();
            int events = 1 + rnd.nextInt(6);
            for (int e = 0; e < events; e++) {
                int lines = 1 + rnd.nextInt(3);
                for (int l = 0; l < lines; l++) {
                    String eol = endings[rnd.nextInt(endings.length)];
                    switch (rnd.nextInt(8)) {
                        case 0 -> sb.append("event: e").append(rnd.nextInt(3)).append(eol);
                        case 1 -> sb.append(": ping").append(eol);
                        case 2 -> sb.append("id: ").append(e).append(eol);
                        case 3 -> sb.append("data:").append(eol);
                        case 4 -> sb.append("data").append(eol);
                        default -> sb.append(rnd.nextBoolean() ? "data: " : "data:").append("{\"t\":\"")
                                .append("x".repeat(rnd.nextInt(5))).append("\"}").append(eol);
                    }
                }
                sb.append(endings[rnd.nextInt(endings.length)]);
            }
            byte[] b = utf8(sb.substring(0, sb.length() - rnd.nextInt(3)));
            int[] everyByte = new int[Math.max(0, b.length - 1)];
            for (int i = 0; i < everyByte.length; i++) {
                everyByte[i] = i + 1;
            }
            assertEquals(parse(b, everyByte), parse(b), () -> "stream " + sb.toString().replace("\r", "\\r")
                    .replace("\n", "\\n"));
        }
    }
}
