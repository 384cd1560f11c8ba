package io.portcullis.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code src/test/node/neon-client.mjs}: Neon's serverless driver ({@code @neondatabase/serverless} over the
 * {@code ws} package) in Node.js, one scenario per run, its settings in the environment (the script's header lists
 * them). {@code .ci/run} installs the packages ({@code npm ci}); in CI a missing install fails rather than skips.
 */
public final class NeonDriver {

    public static final Path SCRIPTS = Path.of("src/test/node");

    private NeonDriver() {
    }

    /** Skips (or in CI fails) the calling test when the driver's packages are not installed. */
    public static void requireInstalled() {
        boolean installed = Files.isDirectory(SCRIPTS.resolve("node_modules/@neondatabase/serverless"));
        if (System.getenv("CI") != null) {
            assertTrue(installed, "run npm ci in " + SCRIPTS + " (.ci/run does)");
        }
        assumeTrue(installed, "npm ci in " + SCRIPTS + " to run the Neon driver tests");
    }

    /** The scenario's result, the last line it printed (JSON); fails the test when node fails. */
    public static String run(Map<String, String> settings) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of("node", "neon-client.mjs")).directory(SCRIPTS.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(settings);
        Process node = builder.start();
        assertTrue(node.waitFor(120, TimeUnit.SECONDS), "node finished");
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, node.exitValue(), out);
        return out.lines().reduce((a, b) -> b).orElse("");
    }
}
