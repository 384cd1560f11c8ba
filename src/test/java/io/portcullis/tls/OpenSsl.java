package io.portcullis.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the {@code openssl} command line for tests that want material made by someone else. */
final class OpenSsl {

    private static final long TIMEOUT_SECONDS = 30;

    /** The exit code and merged output of one run. */
    record Result(int exitCode, String output) {
    }

    private OpenSsl() {
    }

    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    }

    /** Runs {@code openssl args...} in {@code directory} and asserts it succeeded. */
    static String run(Path directory, String... args) throws IOException, InterruptedException {
        Result result = tryRun(directory, args);
        assertTrue(result.exitCode() == 0, "openssl " + String.join(" ", args) + " failed: " + result.output());
        return result.output();
    }

    /** Runs {@code openssl args...} with stdin at end of file and returns whatever happened. */
    static Result tryRun(Path directory, String... args) throws IOException, InterruptedException {
        assumeAvailable();
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("openssl " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static String read(Path directory, String file) throws IOException {
        return Files.readString(directory.resolve(file), StandardCharsets.US_ASCII);
    }
}
