package io.portcullis.api;

import io.portcullis.config.ApiToken;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.PostgresConfigStore;
import io.portcullis.config.PostgresStoreSettings;
import io.portcullis.testing.Backends;
import io.portcullis.testing.PostgresServer;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two replicas on one shared store starting together, without a configured admin token: exactly one token is
 * generated and stored, and the other replica adopts it instead of replacing it (which would invalidate the
 * token the first one printed).
 */
class SharedStoreAdminTokenTest {

    @Test
    void replicasStartingTogetherGenerateOneAdminToken() throws Exception {
        PostgresServer pg = Backends.postgres();
        String table = "cfg_token_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        PostgresStoreSettings settings = new PostgresStoreSettings(pg.jdbcUrl(pg.database()), Optional.of(pg.scramUser()),
                Optional.of(pg.scramPassword()), table, Duration.ofHours(1));
        try (PostgresConfigStore a = new PostgresConfigStore(settings, change -> { });
             PostgresConfigStore b = new PostgresConfigStore(settings, change -> { })) {
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<Future<Optional<String>>> generated = new ArrayList<>();
            for (ConfigStore replica : List.of(a, b)) {
                Callable<Optional<String>> start = () -> AdminTokenBootstrap.ensure(replica, Optional.empty(), new SecureRandom());
                generated.add(threads.submit(start));
            }
            List<String> printed = new ArrayList<>();
            for (Future<Optional<String>> f : generated) {
                f.get(60, TimeUnit.SECONDS).ifPresent(printed::add);
            }
            threads.shutdown();
            assertEquals(1, printed.size(), "exactly one replica generated (and printed) a token");
            GatewayConfig stored = new PostgresConfigStore(settings, change -> { }).current();
            List<ApiToken> admins = stored.tokens().stream().filter(t -> ApiToken.ADMIN.equals(t.role())).toList();
            assertEquals(1, admins.size());
            assertEquals(ApiTokens.sha256Hex(printed.get(0)), admins.get(0).sha256Hex(), "the printed token is the stored one");
            assertEquals(1, stored.version(), "one write");
        }
    }
}
