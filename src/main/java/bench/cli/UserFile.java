package bench.cli;

import bench.BenchException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A text file the user named on the command line. */
final class UserFile {
    private UserFile() {}

    /**
     * The file's text (UTF-8); a failure is one line that says why: no such file or directory,
     * permission denied, is a directory, not UTF-8 text.
     */
    static String read(Path file, String what) {
        String cannot = "cannot read " + what + " " + file + ": ";
        if (Files.isDirectory(file)) {
            throw new BenchException(cannot + "is a directory");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new BenchException(cannot + "not UTF-8 text", e);
        } catch (IOException e) {
            throw new BenchException(cannot + RunJob.reason(e), e);
        }
    }
}
