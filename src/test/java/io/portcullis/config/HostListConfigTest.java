package io.portcullis.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host list of a database: parsing its entries, validating it, storing it, and what its secrets are bound to. */
class HostListConfigTest {

    private static DatabaseConfig db(String host, int port, List<String> hosts, LoadBalanceHosts balance,
                                     TargetSessionAttrs attrs) {
        return new DatabaseConfig("orders", host, port, "orders", "app", null, ServerTls.DISABLE, PoolMode.SESSION, 5, 0, 0,
                0, null, null, null, List.of(), hosts, balance, attrs);
    }

    @Test
    void parsesHostPortBracketedIpv6AndBareHostsWithTheDefaultPort() {
        assertEquals(new BackendHost("pg-a", 5433), BackendHost.parse("pg-a:5433", null));
        assertEquals(new BackendHost("::1", 5432), BackendHost.parse("[::1]:5432", null));
        assertEquals(new BackendHost("::1", 6000), BackendHost.parse("::1", 6000));
        assertEquals(new BackendHost("pg-b", 6000), BackendHost.parse("pg-b", 6000));
        assertEquals("[::1]:5432", new BackendHost("::1", 5432).toString());
        assertTrue(assertThrows(ConfigException.class, () -> BackendHost.parse("pg-b", null)).getMessage()
                .contains("has no port"));
        assertTrue(assertThrows(ConfigException.class, () -> BackendHost.parse("pg-b:0", null)).getMessage()
                .contains("between 1 and 65535"));
        assertTrue(assertThrows(ConfigException.class, () -> BackendHost.parse("pg-b:x", null)).getMessage()
                .contains("must be a number"));
        assertThrows(ConfigException.class, () -> BackendHost.parse("[::1", null));
        assertThrows(ConfigException.class, () -> BackendHost.parse(" ", 1));
    }

    @Test
    void aListOfOneIsTheSameAsNoListAndTheFirstEntryIsHostAndPort() {
        DatabaseConfig one = db("pg-a", 5432, List.of("pg-a:5432"), null, null);
        assertEquals(List.of(), one.hosts());
        assertFalse(one.hasHostList());
        assertEquals(List.of(new BackendHost("pg-a", 5432)), one.backendHosts());
        assertEquals(LoadBalanceHosts.DISABLE, one.loadBalanceHosts());
        assertEquals(TargetSessionAttrs.ANY, one.targetSessionAttrs());

        DatabaseConfig two = db("pg-a", 5432, List.of("pg-a:5432", "pg-b:5433"), LoadBalanceHosts.RANDOM,
                TargetSessionAttrs.READ_WRITE);
        ConfigValidator.validate(GatewayConfig.EMPTY.withDatabase(two));
        assertEquals(List.of(new BackendHost("pg-a", 5432), new BackendHost("pg-b", 5433)), two.backendHosts());
        assertEquals("pg-a:5432,pg-b:5433", two.backendAddress());
    }

    @Test
    void refusesAListThatDisagreesWithHostRepeatsAnAddressOrIsTooLong() {
        String wrongFirst = assertThrows(ConfigException.class, () -> ConfigValidator.validate(GatewayConfig.EMPTY
                .withDatabase(db("pg-a", 5432, List.of("pg-b:5432", "pg-a:5432"), null, null)))).getMessage();
        assertTrue(wrongFirst.contains("must be the first entry of hosts"), wrongFirst);
        String twice = assertThrows(ConfigException.class, () -> ConfigValidator.validate(GatewayConfig.EMPTY
                .withDatabase(db("pg-a", 5432, List.of("pg-a:5432", "PG-A:5432"), null, null)))).getMessage();
        assertTrue(twice.contains("twice"), twice);
        String bad = assertThrows(ConfigException.class, () -> ConfigValidator.validate(GatewayConfig.EMPTY
                .withDatabase(db("pg-a", 5432, List.of("pg-a:5432", "pg b:5432"), null, null)))).getMessage();
        assertTrue(bad.contains("DNS name or IP address"), bad);
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i <= ConfigValidator.MAX_HOSTS; i++) {
            many.add("h" + i + ":5432");
        }
        String tooMany = assertThrows(ConfigException.class, () -> ConfigValidator.validate(GatewayConfig.EMPTY
                .withDatabase(db("h0", 5432, many, null, null)))).getMessage();
        assertTrue(tooMany.contains("at most " + ConfigValidator.MAX_HOSTS), tooMany);
        assertThrows(ConfigException.class, () -> TargetSessionAttrs.of("master"));
        assertThrows(ConfigException.class, () -> LoadBalanceHosts.of("round-robin"));
        assertEquals(TargetSessionAttrs.PREFER_STANDBY, TargetSessionAttrs.of("prefer-standby"));
    }

    @Test
    void secretsOfAListAreBoundToTheSetOfAddressesAndOneHostKeepsItsOldBinding() {
        SecretBox box = new SecretBox(new byte[SecretBox.KEY_BYTES], new SecureRandom());
        DatabaseConfig single = db("pg-a", 5432, List.of(), null, null);
        assertEquals(SecretBinding.backendPassword("orders", "pg-a", 5432, "app"), SecretBinding.backendPassword(single),
                "a password stored before host lists still opens");

        DatabaseConfig list = db("pg-a", 5432, List.of("pg-a:5432", "pg-b:5432"), null, null);
        String sealed = box.seal("secret", SecretBinding.backendPassword(list));
        DatabaseConfig reordered = db("pg-b", 5432, List.of("pg-b:5432", "pg-a:5432"), LoadBalanceHosts.RANDOM, null);
        assertTrue(list.sameLogin(reordered), "the order does not matter");
        assertEquals("secret", box.open(sealed, SecretBinding.backendPassword(reordered)));

        DatabaseConfig added = db("pg-a", 5432, List.of("pg-a:5432", "pg-b:5432", "evil:5432"), null, null);
        DatabaseConfig swapped = db("pg-a", 5432, List.of("pg-a:5432", "evil:5432"), null, null);
        for (DatabaseConfig moved : List.of(added, swapped, single)) {
            assertFalse(list.sameLogin(moved), moved.backendAddress());
            assertFalse(list.sameAddress(moved), moved.backendAddress());
            assertThrows(RuntimeException.class, () -> box.open(sealed, SecretBinding.backendPassword(moved)),
                    "the sealed password does not open for " + moved.backendAddress());
        }
        assertFalse(list.sameBackend(reordered), "another order makes other connections (disable tries the first)");
    }

    @Test
    void theStoredDocumentLeavesTheDefaultsOutAndReadsBack() {
        ConfigCodec codec = new ConfigCodec();
        GatewayConfig plain = GatewayConfig.EMPTY.withDatabase(db("pg-a", 5432, List.of(), null, null));
        String json = new String(codec.serialize(plain), StandardCharsets.UTF_8);
        assertFalse(json.contains("hosts") || json.contains("loadBalanceHosts") || json.contains("targetSessionAttrs"),
                "a database with one host stores what it stored before: " + json);

        GatewayConfig listed = GatewayConfig.EMPTY.withDatabase(db("pg-a", 5432, List.of("pg-a:5432", "[::1]:5433"),
                LoadBalanceHosts.RANDOM, TargetSessionAttrs.PREFER_STANDBY));
        String listedJson = new String(codec.serialize(listed), StandardCharsets.UTF_8);
        assertTrue(listedJson.contains("\"loadBalanceHosts\" : \"random\"") && listedJson.contains("\"prefer-standby\""),
                listedJson);
        assertEquals(listed.databases(), codec.parse(codec.serialize(listed)).databases());
    }
}
