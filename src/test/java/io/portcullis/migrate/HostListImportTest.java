package io.portcullis.migrate;

import io.portcullis.config.BackendHost;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.LoadBalanceHosts;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PgBouncer host lists ({@code host=h1,h2}, one port or one per host) and {@code load_balance_hosts}. */
class HostListImportTest {

    private static Map<String, DatabaseConfig> databases(ImportPlan plan) {
        return plan.databases().stream().collect(Collectors.toMap(DatabaseConfig::name, Function.identity()));
    }

    @Test
    void mapsHostListsWithOnePortOrOnePerHostAndLoadBalanceHosts() {
        ImportPlan plan = Fixtures.plan("""
                [databases]
                shared = host=pg-a,pg-b port=6432 user=app password=secret
                each = host=pg-a,pg-b port=5432,5433 user=app password=secret load_balance_hosts=disable
                spread = host=pg-a,pg-b user=app password=secret load_balance_hosts=round-robin
                single = host=pg-a user=app password=secret load_balance_hosts=round-robin
                """, null);
        Map<String, DatabaseConfig> dbs = databases(plan);

        DatabaseConfig shared = dbs.get("shared");
        assertEquals(List.of(new BackendHost("pg-a", 6432), new BackendHost("pg-b", 6432)), shared.backendHosts());
        assertEquals("pg-a", shared.host());
        assertEquals(6432, shared.port());
        assertEquals(LoadBalanceHosts.RANDOM, shared.loadBalanceHosts(), "PgBouncer's default for a list is round-robin");

        DatabaseConfig each = dbs.get("each");
        assertEquals(List.of("pg-a:5432", "pg-b:5433"), each.hosts());
        assertEquals(LoadBalanceHosts.DISABLE, each.loadBalanceHosts());

        assertEquals(LoadBalanceHosts.RANDOM, dbs.get("spread").loadBalanceHosts(), "round-robin becomes random");
        assertEquals(List.of(), dbs.get("single").hosts());
        assertEquals(LoadBalanceHosts.DISABLE, dbs.get("single").loadBalanceHosts(), "one host: nothing to balance");
        assertTrue(plan.unmapped().isEmpty(), "every parameter mapped: " + plan.unmapped());
    }

    @Test
    void theBackendPasswordOfAListOpensForThatList() {
        io.portcullis.config.SecretBox box = new io.portcullis.config.SecretBox(
                new byte[io.portcullis.config.SecretBox.KEY_BYTES], new java.security.SecureRandom());
        PgBouncerMapper mapper = new PgBouncerMapper(box::seal, password -> "SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5");
        ImportPlan plan = mapper.map(new IniParser(IncludeResolver.NONE).parse("pgbouncer.ini",
                "[databases]\nlisted = host=pg-a,pg-b user=app password=secret\n"), List.of());
        DatabaseConfig listed = plan.databases().get(0);
        assertEquals("secret", box.open(listed.sealedPassword(),
                io.portcullis.config.SecretBinding.backendPassword(listed)));
    }

    @Test
    void reportsPortListsOfAnotherLengthSocketsInAListAndUnknownBalanceValues() {
        ImportPlan plan = Fixtures.plan("""
                [databases]
                ports = host=pg-a,pg-b,pg-c port=5432,5433 user=app password=secret
                socket = host=pg-a,/var/run/postgresql user=app password=secret
                odd = host=pg-a,pg-b user=app password=secret load_balance_hosts=sometimes
                """, null);
        Map<String, DatabaseConfig> dbs = databases(plan);
        assertFalse(dbs.containsKey("ports"));
        assertFalse(dbs.containsKey("socket"));
        Map<String, UnmappedLine> findings = Fixtures.byWhere(plan);
        assertTrue(findings.get("pgbouncer.ini:2:ports").reason().contains("2 ports for 3 hosts"), findings.toString());
        assertTrue(findings.get("pgbouncer.ini:3:socket").reason().contains("Unix socket"), findings.toString());
        assertTrue(findings.get("pgbouncer.ini:4:load_balance_hosts").reason().contains("random is used"),
                findings.toString());
        assertEquals(LoadBalanceHosts.RANDOM, dbs.get("odd").loadBalanceHosts());
    }
}
