package bench.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
    final WordTokenizer tok = new WordTokenizer();

    @Test
    void vocabularyHasTheDocumentedSizeAndDistinctWords() {
        // "?" + 26 + 26 + 10 + 10 punctuation + 30 + 30^2 + 30^3
        assertEquals(1 + 26 + 26 + 10 + 10 + 30 + 900 + 27000, tok.vocabSize());
        Set<String> words = new HashSet<>();
        for (int id = 0; id < tok.vocabSize(); id++) {
            String w = tok.token(id);
            assertFalse(w.isEmpty() || w.chars().anyMatch(Character::isWhitespace), "id " + id);
            words.add(w);
        }
        assertEquals(tok.vocabSize(), words.size(), "every id has its own word");
    }

    @Test
    void countAgreesWithEncodeOnArbitraryText() {
        // count decides "known word" without the map: it must agree with encode on any text,
        // including near misses (odd lengths, capitals, syllable-like pairs outside the list)
        String alphabet = "kalomineruzvpsdfghjbcxwyqt AZ09.,?\"\u00e9\t\nkalo";
        SplittableRandom r = new SplittableRandom(99);
        for (int round = 0; round < 3000; round++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(0, 40);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            assertEquals(tok.encode(text).length, tok.count(text), "'" + text + "'");
        }
        for (int id = 0; id < tok.vocabSize(); id++) {
            assertEquals(1, tok.count(tok.token(id)), "id " + id);
        }
    }

    @Test
    void randomIdSequencesSurviveDecodeAndEncode() {
        SplittableRandom r = new SplittableRandom(12345);
        for (int round = 0; round < 500; round++) {
            int[] ids = r.ints(r.nextInt(0, 200), 0, tok.vocabSize()).toArray();
            String text = tok.decode(ids);
            assertArrayEquals(ids, tok.encode(text), text);
            assertEquals(ids.length, tok.count(text));
        }
        // every single id on its own
        for (int id = 0; id < tok.vocabSize(); id++) {
            assertArrayEquals(new int[] {id}, tok.encode(tok.token(id)), "id " + id);
        }
    }

    @Test
    void knownWordsAreOneTokenAndDecodingJoinsWithSpaces() {
        int[] ids = tok.encode("kalo mine  ruta\n\tzo");
        assertEquals(4, ids.length);
        assertEquals("kalo mine ruta zo", tok.decode(ids));
        assertEquals("ka", tok.token(tok.encode("ka")[0]));
        assertEquals("kamine", tok.decode(tok.encode("kamine")));
        assertEquals(1, tok.count("kamine"));
    }

    @Test
    void unknownWordsAreSpelledPerCharacter() {
        // "hello" is not a vocabulary word: five letters
        int[] ids = tok.encode("hello");
        assertEquals(5, ids.length);
        assertEquals("h e l l o", tok.decode(ids));
        // "Hi," is H, i, comma
        assertEquals("H i ,", tok.decode(tok.encode("Hi,")));
        // characters outside the vocabulary are the unknown token "?"
        int[] odd = tok.encode("aé€");
        assertArrayEquals(new int[] {tok.encode("a")[0], WordTokenizer.UNKNOWN, WordTokenizer.UNKNOWN}, odd);
        assertEquals("a ? ?", tok.decode(odd));
    }

    @Test
    void countMatchesEncode() {
        assertEquals(0, tok.count(""));
        assertEquals(0, tok.count("   \n "));
        assertEquals(3, tok.count("kalo mine ruta"));
        assertEquals(3 + 5, tok.count("kalo mine ruta hello"));
        assertEquals(4, tok.count("xyz!"));
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            big.append("kalo ");
        }
        assertEquals(1000, tok.count(big));
    }

    @Test
    void outOfRangeIdsAreInvalidAndShownAsUnknown() {
        assertTrue(tok.valid(0));
        assertTrue(tok.valid(tok.vocabSize() - 1));
        assertFalse(tok.valid(-1));
        assertFalse(tok.valid(tok.vocabSize()));
        assertEquals("?", tok.token(-5));
        assertEquals("?", tok.token(tok.vocabSize()));
    }
}
