package io.portcullis.pool;

import io.portcullis.config.BackendHost;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.LoadBalanceHosts;
import io.portcullis.config.PoolMode;
import io.portcullis.config.ServerTls;
import io.portcullis.config.TargetSessionAttrs;
import io.portcullis.wire.SqlState;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order hosts are tried in and what a borrower is told when none gives a connection (no sockets involved). */
class HostAttemptsTest {

    private static final BackendHost A = new BackendHost("pg-a", 5432);
    private static final BackendHost B = new BackendHost("pg-b", 5432);
    private static final BackendHost C = new BackendHost("pg-c", 5432);

    private static DatabaseConfig db(List<BackendHost> hosts, LoadBalanceHosts balance, TargetSessionAttrs attrs) {
        return new DatabaseConfig("orders", hosts.get(0).host(), hosts.get(0).port(), "orders", "app", null,
                ServerTls.DISABLE, PoolMode.SESSION, 5, 0, 0, 0, null, null, null, List.of(),
                hosts.size() == 1 ? List.of() : hosts.stream().map(BackendHost::toString).toList(), balance, attrs);
    }

    /** A backend per host: what each answers to a login with each check. */
    private static final class Fake implements HostAttempts.Login {
        final DatabaseConfig db;
        final Map<BackendHost, String> roles; // "down", "primary" or "standby"
        final List<String> tried = new ArrayList<>();

        Fake(DatabaseConfig db, Map<BackendHost, String> roles) {
            this.db = db;
            this.roles = roles;
        }

        @Override
        public Future<ServerConnection> to(BackendHost host, TargetSessionAttrs check) {
            tried.add(host.host() + "/" + check.wireName());
            String role = roles.get(host);
            if (role.equals("down")) {
                return Future.failedFuture(BackendUnavailable.connect(db, host, new ConnectException("Connection refused")));
            }
            boolean standby = role.equals("standby");
            boolean matches = switch (check) {
                case ANY -> true;
                case READ_WRITE, PRIMARY -> !standby;
                case READ_ONLY, STANDBY -> standby;
                default -> throw new AssertionError(check);
            };
            return matches ? Future.succeededFuture(null)
                    : Future.failedFuture(BackendUnavailable.mismatch(db, host, check, standby ? "it is a standby" : "it is not a standby"));
        }
    }

    private static Fake run(List<BackendHost> hosts, LoadBalanceHosts balance, TargetSessionAttrs attrs,
                            Map<BackendHost, String> roles, Future<?>[] outcome) {
        DatabaseConfig db = db(hosts, balance, attrs);
        Fake fake = new Fake(db, roles);
        outcome[0] = HostAttempts.run(db, fake);
        return fake;
    }

    @Test
    void triesInOrderSkippingWhatIsDownOrDoesNotMatch() {
        Future<?>[] outcome = new Future<?>[1];
        Fake fake = run(List.of(A, B, C), LoadBalanceHosts.DISABLE, TargetSessionAttrs.READ_WRITE,
                Map.of(A, "down", B, "standby", C, "primary"), outcome);
        assertTrue(outcome[0].succeeded());
        assertEquals(List.of("pg-a/read-write", "pg-b/read-write", "pg-c/read-write"), fake.tried);

        fake = run(List.of(A, B), LoadBalanceHosts.DISABLE, TargetSessionAttrs.ANY, Map.of(A, "primary", B, "standby"), outcome);
        assertEquals(List.of("pg-a/any"), fake.tried, "the first host that works gets the connection");
    }

    @Test
    void preferStandbyFallsBackToTheHostsThatLoggedInButSkipsTheUnreachable() {
        Future<?>[] outcome = new Future<?>[1];
        Fake fake = run(List.of(A, B, C), LoadBalanceHosts.DISABLE, TargetSessionAttrs.PREFER_STANDBY,
                Map.of(A, "primary", B, "down", C, "primary"), outcome);
        assertTrue(outcome[0].succeeded());
        assertEquals(List.of("pg-a/standby", "pg-b/standby", "pg-c/standby", "pg-a/any"), fake.tried);

        fake = run(List.of(A, B), LoadBalanceHosts.DISABLE, TargetSessionAttrs.PREFER_STANDBY,
                Map.of(A, "primary", B, "standby"), outcome);
        assertEquals(List.of("pg-a/standby", "pg-b/standby"), fake.tried, "a standby wins over a primary listed first");
    }

    @Test
    void noHostListsEveryHostAndWhyAndOneHostKeepsItsOwnError() {
        Future<?>[] outcome = new Future<?>[1];
        run(List.of(A, B), LoadBalanceHosts.DISABLE, TargetSessionAttrs.READ_WRITE, Map.of(A, "down", B, "standby"), outcome);
        BackendUnavailable none = (BackendUnavailable) outcome[0].cause();
        assertEquals(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, none.sqlState());
        assertEquals("no host of database \"orders\" matched targetSessionAttrs=read-write (tried pg-a:5432,pg-b:5432): "
                + "pg-a:5432: could not connect: Connection refused; pg-b:5432: it is a standby", none.getMessage());

        run(List.of(A, B), LoadBalanceHosts.DISABLE, TargetSessionAttrs.ANY, Map.of(A, "down", B, "down"), outcome);
        none = (BackendUnavailable) outcome[0].cause();
        assertEquals(SqlState.CONNECTION_FAILURE, none.sqlState(), "no host answered at all: 08006");
        assertTrue(none.getMessage().startsWith("no host of database \"orders\" could be used"), none.getMessage());

        DatabaseConfig single = db(List.of(A), LoadBalanceHosts.DISABLE, TargetSessionAttrs.ANY);
        Fake fake = new Fake(single, Map.of(A, "down"));
        Future<ServerConnection> alone = HostAttempts.run(single, fake);
        assertEquals("could not connect to the backend of database \"orders\" at pg-a:5432: Connection refused",
                alone.cause().getMessage(), "as before host lists");
    }

    @Test
    void randomTriesTheHostsInVaryingOrder() {
        Set<String> firsts = new HashSet<>();
        Future<?>[] outcome = new Future<?>[1];
        for (int i = 0; i < 200; i++) {
            Fake fake = run(List.of(A, B, C), LoadBalanceHosts.RANDOM, TargetSessionAttrs.ANY,
                    Map.of(A, "primary", B, "primary", C, "primary"), outcome);
            firsts.add(fake.tried.get(0));
        }
        assertEquals(Set.of("pg-a/any", "pg-b/any", "pg-c/any"), firsts);

        Fake fake = run(List.of(A, B, C), LoadBalanceHosts.RANDOM, TargetSessionAttrs.ANY,
                Map.of(A, "down", B, "down", C, "down"), outcome);
        assertEquals(3, new HashSet<>(fake.tried).size(), "every host tried once");
        assertSame(outcome[0].cause().getClass(), BackendUnavailable.class);
    }
}
