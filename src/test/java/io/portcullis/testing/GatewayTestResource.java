package io.portcullis.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the shared test backends for {@code @QuarkusTest}s and points the gateway at fresh state.
 *
 * <p>Registered once, globally, by {@link GatewayTestResourceTest}:
 * <pre>{@code @QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)}</pre>
 * With {@code restrictToAnnotatedClass = false} it applies to every {@code @QuarkusTest} in the module, so
 * other test classes need no annotation. Do not register other global resources or different test
 * profiles without need: every distinct resource set restarts the application.
 *
 * <p>Configuration it supplies (read in tests through {@code ConfigProvider.getConfig()}):
 * <ul>
 *   <li>{@value #DATA_DIR} — a fresh directory under {@value #DATA_ROOT} (kept after the run for
 *       inspection; {@code mvn clean} removes it)</li>
 *   <li>{@value #LISTEN_HOST} = {@value Loopback#HOST}, {@value #LISTEN_PORT} = a free port</li>
 *   <li>{@value #ADMIN_TOKEN} = {@value #ADMIN_TOKEN_VALUE}</li>
 *   <li>{@value #HTTP_TEST_PORT} = 0: a random HTTP port, so parallel builds on one machine do not
 *       collide on 8081; Quarkus points RestAssured and {@code @TestHTTPResource} at the real port</li>
 *   <li>{@value #QUESTDB_HOST}, {@value #QUESTDB_PORT}, {@value #QUESTDB_HTTP_PORT}: the shared QuestDB
 *       (users: {@link QuestDbServer#USER}, {@link QuestDbServer#READONLY_USER})</li>
 *   <li>{@value #POSTGRES_HOST}, {@value #POSTGRES_PORT}: the shared PostgreSQL (users and database:
 *       constants of {@link PostgresServer})</li>
 * </ul>
 * {@link #stop()} leaves the backends running; {@link Backends} stops them when the JVM exits.
 */
public final class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATA_DIR = "portcullis.data-dir";
    public static final String LISTEN_HOST = "portcullis.listen.host";
    public static final String LISTEN_PORT = "portcullis.listen.port";
    public static final String ADMIN_TOKEN = "portcullis.admin-token";
    public static final String HTTP_TEST_PORT = "quarkus.http.test-port";
    public static final String QUESTDB_HOST = "test.questdb.host";
    public static final String QUESTDB_PORT = "test.questdb.port";
    public static final String QUESTDB_HTTP_PORT = "test.questdb.http-port";
    public static final String POSTGRES_HOST = "test.postgres.host";
    public static final String POSTGRES_PORT = "test.postgres.port";

    /** The bootstrap admin token the tests send as {@code Authorization: Bearer ...}. */
    public static final String ADMIN_TOKEN_VALUE = "test-admin-token";

    /** Parent of the per-run gateway data directories, relative to the Maven base directory. */
    public static final String DATA_ROOT = "target/test-data";

    /** What the latest {@link #start()} returned, for tests whose application runs in another process. */
    private static volatile Map<String, String> lastStarted = Map.of();

    public static Map<String, String> lastStarted() {
        return lastStarted;
    }

    @Override
    public Map<String, String> start() {
        QuestDbServer questdb = Backends.questdb();
        PostgresServer postgres = Backends.postgres();
        Map<String, String> config = new LinkedHashMap<>();
        config.put(DATA_DIR, freshDataDir().toString());
        config.put(LISTEN_HOST, Loopback.HOST);
        config.put(LISTEN_PORT, Integer.toString(FreePorts.next()));
        config.put(ADMIN_TOKEN, ADMIN_TOKEN_VALUE);
        config.put(HTTP_TEST_PORT, "0");
        config.put(QUESTDB_HOST, questdb.host());
        config.put(QUESTDB_PORT, Integer.toString(questdb.pgPort()));
        config.put(QUESTDB_HTTP_PORT, Integer.toString(questdb.httpPort()));
        config.put(POSTGRES_HOST, postgres.host());
        config.put(POSTGRES_PORT, Integer.toString(postgres.port()));
        lastStarted = Map.copyOf(config);
        return config;
    }

    private static Path freshDataDir() {
        try {
            Path root = Files.createDirectories(Path.of(DATA_ROOT).toAbsolutePath());
            return Files.createTempDirectory(root, "gateway-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a gateway data directory under " + DATA_ROOT, e);
        }
    }

    @Override
    public void stop() {
        // The backends are shared with plain tests and stopped at JVM exit (see Backends).
    }
}
