package io.portcullis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The application the build just packaged, as a command line: the native executable after
 * {@code -Dnative}, else the fast-jar run by this JVM. Read from {@code target/quarkus-artifact.properties},
 * which Quarkus writes at packaging, so integration tests that start the gateway as a process of
 * their own (drain on SIGTERM, one-shot commands) run against whichever artifact CI built.
 */
public final class PackagedApplication {

    private static final Path TARGET = Path.of("target");

    private final boolean nativeExecutable;
    private final Path artifact;

    private PackagedApplication(boolean nativeExecutable, Path artifact) {
        this.nativeExecutable = nativeExecutable;
        this.artifact = artifact;
    }

    /**
     * @throws IllegalStateException when nothing has been packaged (run {@code ./mvnw verify}, not {@code test})
     */
    public static PackagedApplication built() {
        Path descriptor = TARGET.resolve("quarkus-artifact.properties");
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(descriptor)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("no packaged application: " + descriptor + " is missing; run ./mvnw verify", e);
        }
        String type = properties.getProperty("type", "");
        Path artifact = TARGET.resolve(properties.getProperty("path", ""));
        if (!Files.isRegularFile(artifact)) {
            throw new IllegalStateException("the packaged application " + artifact + " (" + type + ") does not exist");
        }
        return new PackagedApplication(type.equals("native"), artifact);
    }

    public boolean isNative() {
        return nativeExecutable;
    }

    /**
     * The command that starts the application with these system properties and arguments
     * ({@code -Dname=value} works for both the JVM and a Quarkus native executable).
     */
    public List<String> command(Map<String, String> systemProperties, String... arguments) {
        return command(List.of(), systemProperties, arguments);
    }

    /**
     * As {@link #command(Map, String...)}, with heap options that a JVM and a native executable both
     * understand ({@code -Xms}, {@code -Xmx}, {@code -Xmn}) and, for the JVM only, {@code jvmOnlyOptions}.
     */
    public List<String> command(List<String> heapOptions, List<String> jvmOnlyOptions, Map<String, String> systemProperties,
                                String... arguments) {
        List<String> options = new ArrayList<>(heapOptions);
        if (!nativeExecutable) {
            options.addAll(jvmOnlyOptions);
        }
        return command(options, systemProperties, arguments);
    }

    private List<String> command(List<String> options, Map<String, String> systemProperties, String... arguments) {
        List<String> command = new ArrayList<>();
        if (nativeExecutable) {
            command.add(artifact.toAbsolutePath().toString());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        command.addAll(options);
        systemProperties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        if (!nativeExecutable) {
            command.add("-jar");
            command.add(artifact.toString());
        }
        command.addAll(List.of(arguments));
        return command;
    }

    /**
     * The system properties every started gateway needs: a data directory of its own, wire and HTTP on
     * loopback ports, and the admin token. Callers add what their test is about.
     */
    public static Map<String, String> gatewayProperties(Path dataDir, int wirePort, int httpPort, String adminToken) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("portcullis.data-dir", dataDir.toString());
        properties.put("portcullis.listen.host", "127.0.0.1");
        properties.put("portcullis.listen.port", String.valueOf(wirePort));
        properties.put("quarkus.http.host", "127.0.0.1");
        properties.put("quarkus.http.port", String.valueOf(httpPort));
        properties.put("portcullis.admin-token", adminToken);
        return properties;
    }

    /**
     * Waits until {@code gateway}'s readiness answers 200.
     *
     * @throws IllegalStateException with the gateway's log when it exits or is not ready within {@code timeout}
     */
    public static void awaitReady(Process gateway, int httpPort, Path log, Duration timeout)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (httpStatus(http, ready) != 200) {
            if (System.nanoTime() - deadline > 0 || !gateway.isAlive()) {
                throw new IllegalStateException("the gateway did not become ready; log: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    /** The HTTP status of a GET, or -1 when nothing answers (not started yet, or gone). */
    public static int httpStatus(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return (nativeExecutable ? "native executable " : "fast-jar ") + artifact;
    }
}
