package bench.dataset;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The tokenizer fixtures under src/test/resources/tokenizers. */
final class Fixtures {
    static final String WORDLEVEL = "wordlevel-tokenizer.json";
    static final String BYTELEVEL = "bytelevel-bpe-tokenizer.json";

    private Fixtures() {}

    static Path tokenizer(String name) {
        URL url = Fixtures.class.getResource("/tokenizers/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource tokenizers/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static HfTokenizer load(String name) {
        return HfTokenizer.load(tokenizer(name));
    }
}
