package io.portcullis.testing;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.portcullis.testing.GatewayTestResource.ADMIN_TOKEN_VALUE;

/**
 * Packaged gateways (the jar, or the native executable when that was built) sharing one PostgreSQL configuration
 * store, as replicas run in a cluster: each with a data directory, wire, HTTP and peer port of its own, the store's
 * credentials and the shared secret key in its environment, as the deploy manifests pass them. {@link #close}
 * kills whatever is still running.
 */
public final class PackagedReplicas implements AutoCloseable {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** One started replica; {@code log} holds its stdout and stderr. */
    public record Replica(String name, Process process, int wirePort, int httpPort, int peerPort, Path log) {
    }

    private final PostgresServer pg;
    private final String table;
    private final List<Process> processes = new ArrayList<>();

    /** Replicas on a table of their own (named {@code <prefix>_<random>}) of {@code pg}. */
    public PackagedReplicas(PostgresServer pg, String tablePrefix) {
        this.pg = pg;
        this.table = tablePrefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    /** A fresh 256-bit secret key, base64, as PORTCULLIS_SECRET_KEY takes it. */
    public static String newSecretKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public String table() {
        return table;
    }

    /** Starts a replica (without waiting for it); {@code extra} properties override the defaults. */
    public Replica start(String name, String secretKey, Map<String, String> extra) throws Exception {
        int wirePort = FreePorts.next();
        int httpPort = FreePorts.next();
        int peerPort = FreePorts.next();
        Path dataDir = Files.createTempDirectory(Path.of("target"), "replica-" + name + "-");
        Path log = dataDir.resolve("gateway.log");
        Map<String, String> properties = PackagedApplication.gatewayProperties(dataDir, wirePort, httpPort,
                ADMIN_TOKEN_VALUE);
        properties.put("portcullis.config.store", "postgresql");
        properties.put("portcullis.config.postgresql.url", pg.jdbcUrl(pg.database()));
        properties.put("portcullis.config.postgresql.table", table);
        properties.put("portcullis.shutdown.delay", "0s");
        // Several replicas on one host: each its own peer port, published as loopback.
        properties.put("portcullis.peer.port", Integer.toString(peerPort));
        properties.put("portcullis.peer.advertise-host", "127.0.0.1");
        properties.putAll(extra);
        ProcessBuilder builder = new ProcessBuilder(PackagedApplication.built().command(properties))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PORTCULLIS_CONFIG_POSTGRESQL_USERNAME", pg.scramUser());
        builder.environment().put("PORTCULLIS_CONFIG_POSTGRESQL_PASSWORD", pg.scramPassword());
        builder.environment().put("PORTCULLIS_SECRET_KEY", secretKey);
        Process process = builder.start();
        processes.add(process);
        return new Replica(name, process, wirePort, httpPort, peerPort, log);
    }

    public Replica start(String name, String secretKey) throws Exception {
        return start(name, secretKey, Map.of());
    }

    public static void awaitReady(Replica replica) throws Exception {
        PackagedApplication.awaitReady(replica.process(), replica.httpPort(), replica.log(), START_TIMEOUT);
    }

    /** The replica's REST API as the admin. */
    public static RequestSpecification api(Replica replica) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(replica.httpPort()).auth().oauth2(ADMIN_TOKEN_VALUE)
                .contentType(ContentType.JSON);
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
