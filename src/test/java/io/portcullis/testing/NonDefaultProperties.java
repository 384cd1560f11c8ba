package io.portcullis.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One application started with properties that are otherwise only ever at their defaults, so that tests
 * can show each one reaches what it drives (a hard-coded default would pass every other test). The
 * values do not get in each other's way; the classes using this profile run one after another on one
 * application start (Quarkus orders test classes by profile). Each value is far from its default.
 *
 * <p>The application also logs to a file of its own ({@link #LOG_FILE_KEY}), for facts that are only
 * logged at start (the TLS engine).
 */
public final class NonDefaultProperties implements QuarkusTestProfile {

    /** The admin console's database name instead of {@code pgbouncer}. */
    public static final String CONSOLE_DATABASE = "ops_console";
    public static final String LOG_FILE_KEY = "quarkus.log.file.path";
    /**
     * portcullis.tls.ciphers: two of TLS 1.3's three suites and one TLS 1.2 suite for the EC certificate (the
     * defaults have three and several).
     */
    public static final String CIPHERS = "TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";

    /** The {@code portcullis.pool.*}, {@code session.*} and {@code listen.*} defaults of the live settings, as set here. */
    public static final Map<String, String> SETTING_PROPERTIES = settingProperties();

    private static Map<String, String> settingProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("portcullis.pool.query-wait-timeout", "2s");
        p.put("portcullis.pool.server-connect-timeout", "4s");
        p.put("portcullis.pool.server-login-timeout", "9s");
        p.put("portcullis.pool.server-idle-timeout", "200s");
        p.put("portcullis.pool.server-lifetime", "1800s");
        p.put("portcullis.pool.reserve-pool-timeout", "3s");
        p.put("portcullis.pool.server-reset-timeout", "8s");
        p.put("portcullis.pool.server-check-query", "SELECT 1");
        p.put("portcullis.pool.server-check-delay", "20s");
        p.put("portcullis.pool.max-prepared-statements", "150");
        p.put("portcullis.listen.client-login-timeout", "50s");
        p.put("portcullis.listen.max-client-connections", "500");
        p.put("portcullis.session.client-idle-timeout", "600s");
        p.put("portcullis.session.idle-transaction-timeout", "600s");
        p.put("portcullis.session.query-timeout", "600s");
        return Map.copyOf(p);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new LinkedHashMap<>(SETTING_PROPERTIES);
        overrides.put("portcullis.admin.stats-period", "1s");
        overrides.put("portcullis.admin.database", CONSOLE_DATABASE);
        overrides.put("portcullis.admin.exporter-metrics", "false");
        overrides.put("portcullis.session.on-removal", "after-transaction");
        overrides.put("portcullis.tls.engine", "jdk");
        overrides.put("portcullis.tls.client-cert-user-from", "san-email");
        overrides.put("portcullis.auth.failure-delay", "1s");
        overrides.put("portcullis.auth.failure-delay-max", "1s");
        overrides.put("portcullis.listen.instances", "3");
        overrides.put("quarkus.vertx.event-loops-pool-size", "4"); // room for 3 wire loops on any machine
        overrides.put("portcullis.listen.max-connections-per-address", "10");
        overrides.put("portcullis.listen.tls-handshake-timeout", "3s");
        overrides.put("portcullis.tls.mode", "prefer");
        overrides.put("portcullis.tls.protocols", "TLSv1.3");
        overrides.put("portcullis.tls.ciphers", CIPHERS);
        overrides.put("portcullis.tls.expiry-warning", "400d");
        overrides.put("quarkus.log.file.enabled", "true");
        overrides.put(LOG_FILE_KEY, "target/test-logs/non-default-properties-" + System.currentTimeMillis() + ".log");
        return overrides;
    }
}
