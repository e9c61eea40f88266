package bench.dataset;

import bench.BenchException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random prompts of exact token length, as {@code vllm bench serve --dataset-name random}:
 * input and output lengths drawn uniformly from [len*(1-r), len*(1+r)], an optional shared
 * prefix, token ids drawn from the tokenizer's ordinary vocabulary. The ids are decoded to
 * text and re-encoded; when the round trip changes the count, the re-encoded ids are cut or
 * topped up and tried again until the text encodes to exactly the drawn length.
 *
 * <p>Sample {@code i} depends only on the seed and {@code i}, so samples can be built lazily,
 * in any order, on any thread.
 */
public final class RandomDataset implements SampleSource {
    static final int MAX_ATTEMPTS = 32;

    private final TokenCodec codec;
    private final int size;
    private final int inputLen;
    private final int outputLen;
    private final double rangeRatio;
    private final long seed;
    private final int[] vocab;
    private final int[] prefixIds;

    public RandomDataset(TokenCodec codec, int size, int inputLen, int outputLen, double rangeRatio,
            int prefixLen, long seed) {
        check(size, inputLen, outputLen, rangeRatio, prefixLen);
        this.codec = codec;
        this.size = size;
        this.inputLen = inputLen;
        this.outputLen = outputLen;
        this.rangeRatio = rangeRatio;
        this.seed = seed;
        this.vocab = codec.samplableIds();
        if (vocab.length == 0) {
            throw new BenchException("the tokenizer has no ordinary tokens to sample from");
        }
        SplittableRandom prefixRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.prefixIds = randomIds(prefixRandom, prefixLen);
    }

    /** The parameters' checks, which the command runs before it talks to the server. */
    public static void check(int size, int inputLen, int outputLen, double rangeRatio, int prefixLen) {
        if (size < 0) {
            throw new BenchException("--num-prompts must be >= 0");
        }
        if (inputLen < 1) {
            throw new BenchException("--input-len must be >= 1");
        }
        if (outputLen < 1) {
            throw new BenchException("--output-len must be >= 1");
        }
        if (!(rangeRatio >= 0 && rangeRatio < 1)) {
            throw new BenchException("--random-range-ratio must be in [0, 1)");
        }
        if (prefixLen < 0) {
            throw new BenchException("--random-prefix-len must be >= 0");
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Sample get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        int in = drawLength(random, inputLen);
        int out = drawLength(random, outputLen);
        int target = prefixIds.length + in;
        int[] ids = Arrays.copyOf(prefixIds, target);
        int[] tail = randomIds(random, in);
        System.arraycopy(tail, 0, ids, prefixIds.length, in);
        return new Sample(exactText(random, ids, target), target, out);
    }

    /**
     * Decodes and re-encodes until the text is exactly {@code target} tokens long. Cutting
     * re-encoded ids can split a multi-byte character; the U+FFFD that leaves at the end is
     * dropped and the gap topped up with fresh tokens.
     */
    private String exactText(SplittableRandom random, int[] ids, int target) {
        String text = decodeClean(ids);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int[] again = codec.encode(text);
            if (again.length == target) {
                return text;
            }
            if (again.length > target) {
                ids = Arrays.copyOf(again, target);
            } else {
                ids = Arrays.copyOf(again, target);
                int[] extra = randomIds(random, target - again.length);
                System.arraycopy(extra, 0, ids, again.length, extra.length);
            }
            text = decodeClean(ids);
        }
        throw new BenchException("could not build a prompt of exactly " + target + " tokens with tokenizer "
                + codec.id() + " after " + MAX_ATTEMPTS + " attempts");
    }

    private String decodeClean(int[] ids) {
        String text = codec.decode(ids);
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
            end--;
        }
        return end == text.length() ? text : text.substring(0, end);
    }

    private int drawLength(SplittableRandom random, int len) {
        int low = Math.max(1, (int) Math.floor(len * (1 - rangeRatio)));
        int high = Math.max(low, (int) Math.ceil(len * (1 + rangeRatio)));
        return low == high ? low : random.nextInt(low, high + 1);
    }

    private int[] randomIds(SplittableRandom random, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = vocab[random.nextInt(vocab.length)];
        }
        return ids;
    }

    private static long mix(long seed, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
