package bench.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ParserWarmupTest {

    @Test
    void everySyntheticStreamParsesToItsTokens() {
        // each stream must end cleanly (an unclean end throws) and count every token once
        assertEquals(3 * 16, ParserWarmup.run(3, 16));
        assertEquals(7 * 64, ParserWarmup.run(7, 64));
    }
}
