package bench.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --tokenizer as vLLM takes it: a file, a model directory, or an id in the local Hugging Face cache. */
class TokenizerLocatorTest {
    @TempDir
    Path tmp;

    private Path snapshot(Path hub, String id, String commit) throws IOException {
        Path dir = hub.resolve("models--" + id.replace("/", "--")).resolve("snapshots").resolve(commit);
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("tokenizer.json"), "{\"commit\": \"" + commit + "\"}");
    }

    @Test
    void aPathIsUsedAsItIsAndNamedByItsDirectory() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("Qwen3-8B"));
        Path file = Files.writeString(model.resolve("tokenizer.json"), "{}");
        assertEquals(new TokenizerLocator.Found(file, model.toString()),
                TokenizerLocator.locate(model.toString(), k -> null));
        assertEquals(new TokenizerLocator.Found(file, model.toString()),
                TokenizerLocator.locate(file.toString(), k -> null));
        Path other = Files.writeString(tmp.resolve("tok.json"), "{}");
        assertEquals(other.toString(), TokenizerLocator.locate(other.toString(), k -> null).id());
        // a directory without one is refused, not searched for in the cache
        Path empty = Files.createDirectories(tmp.resolve("org"));
        BenchException e = assertThrows(BenchException.class,
                () -> TokenizerLocator.locate(empty.toString(), k -> null));
        assertTrue(e.getMessage().startsWith("no tokenizer.json at " + empty), e.getMessage());
    }

    @Test
    void anIdIsFoundInTheCacheAtTheSnapshotRefsMainNames() throws IOException {
        Path hub = tmp.resolve("hub");
        Path old = snapshot(hub, "org/model", "aaa");
        Path main = snapshot(hub, "org/model", "bbb");
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Path refs = Files.createDirectories(hub.resolve("models--org--model/refs"));
        Files.writeString(refs.resolve("main"), "bbb\n");
        Map<String, String> env = Map.of("HF_HUB_CACHE", hub.toString());
        assertEquals(new TokenizerLocator.Found(main, "org/model"), TokenizerLocator.locate("org/model", env::get));
        // without refs/main: the newest snapshot that has one
        Files.delete(refs.resolve("main"));
        assertEquals(old, TokenizerLocator.locate("org/model", env::get).file());
    }

    @Test
    void theCacheDirectoryFollowsHuggingFaceVariables() {
        assertEquals(List.of(Path.of("/a")), TokenizerLocator.cacheDirs(Map.of("HF_HUB_CACHE", "/a",
                "HF_HOME", "/b", "HOME", "/h")::get));
        assertEquals(List.of(Path.of("/b/hub")), TokenizerLocator.cacheDirs(Map.of("HF_HOME", "/b", "HOME", "/h")::get));
        assertEquals(List.of(Path.of("/x/huggingface/hub")),
                TokenizerLocator.cacheDirs(Map.of("XDG_CACHE_HOME", "/x", "HOME", "/h")::get));
        assertEquals(List.of(Path.of("/h/.cache/huggingface/hub")), TokenizerLocator.cacheDirs(Map.of("HOME", "/h")::get));
        assertEquals(List.of(), TokenizerLocator.cacheDirs(k -> null));
    }

    @Test
    void anIdNotInTheCacheIsOneLineThatSaysNothingIsDownloaded() throws IOException {
        Path hub = tmp.resolve("hub");
        snapshot(hub, "org/other", "c1");
        Map<String, String> env = Map.of("HF_HOME", tmp.toString());
        BenchException e = assertThrows(BenchException.class, () -> TokenizerLocator.locate("org/model", env::get));
        assertEquals("tokenizer 'org/model' is not a file or directory, nor in the Hugging Face cache (" + hub
                + "); bench does not download: fetch it first (e.g. huggingface-cli download org/model "
                + "tokenizer.json) or give a path", e.getMessage());
        assertNull(TokenizerLocator.inCache(hub, "org/model"));
        // what is neither a path nor an id
        e = assertThrows(BenchException.class, () -> TokenizerLocator.locate("./no/such.json", env::get));
        assertEquals("no tokenizer.json at ./no/such.json: no such file or directory", e.getMessage());
    }
}
