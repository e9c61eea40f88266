package bench.openai;

import bench.BenchException;
import bench.dataset.TokenCodec;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The server's own tokenizer through vLLM's {@code POST /tokenize} and {@code POST
 * /detokenize}, for exact prompt lengths when no local tokenizer is given. The vocabulary is
 * unknown to the client, so the ids to sample from are learnt by tokenizing a block of
 * generated text once: every id the server returned is one it can decode.
 */
public final class ServerTokenizer implements TokenCodec {
    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ne", "ru", "ta", "zo", "vi", "pe", "su", "da", "fi", "go", "hu", "ja",
        "be", "co", "xi", "wy", "qu", "an", "el", "is", "or", "um", "th", "st", "gr", "pl", "br",
    };

    private final ControlClient client;
    private final String model;

    public ServerTokenizer(ControlClient client, String model) {
        this.client = client;
        this.model = model;
    }

    @Override
    public int[] encode(String text) {
        return client.tokenize(model, text);
    }

    @Override
    public String decode(int[] ids) {
        return client.detokenize(model, ids);
    }

    @Override
    public int[] samplableIds() {
        StringBuilder text = new StringBuilder();
        SplittableRandom random = new SplittableRandom(42);
        for (int w = 0; w < 4000; w++) {
            int syllables = 1 + random.nextInt(4);
            for (int s = 0; s < syllables; s++) {
                text.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            text.append(w % 17 == 16 ? ". " : " ");
        }
        int[] ids = Arrays.stream(encode(text.toString())).distinct().sorted().toArray();
        if (ids.length < 16) {
            throw new BenchException("the server's /tokenize returned only " + ids.length
                    + " distinct tokens for a sample text; give --tokenizer");
        }
        return ids;
    }

    @Override
    public String id() {
        return model + " (server /tokenize)";
    }
}
