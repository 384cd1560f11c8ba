package io.portcullis.migrate;

import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.UserConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code [users]} and the global {@code max_user_connections}/{@code max_user_client_connections},
 * with PgBouncer's meaning: pool settings and {@code max_user_connections} belong to a pool's server
 * user (a database's {@code user=}), {@code max_user_client_connections} to the clients of a user.
 */
class UserLimitsTest {

    /** SCRAM entries: clear-text ones would add auth_type md5's report to every plan. */
    private static final String USERLIST = "\"app\" \"SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5\"\n"
            + "\"etl\" \"SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5\"\n\"ops\" \"SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5\"\n";

    private static Map<String, DatabaseConfig> databases(ImportPlan plan) {
        return plan.databases().stream().collect(Collectors.toMap(DatabaseConfig::name, Function.identity()));
    }

    private static Map<String, UserConfig> users(ImportPlan plan) {
        return plan.users().stream().collect(Collectors.toMap(UserConfig::name, Function.identity()));
    }

    @Test
    void aServerUsersPoolSettingsGoToTheDatabasesThatLogInAsIt() {
        ImportPlan plan = Fixtures.plan("""
                [databases]
                sales = host=h user=svc password=p pool_mode=session pool_size=5 reserve_pool=1
                other = host=h user=other password=p
                [users]
                svc = pool_mode=transaction pool_size=7 reserve_pool_size=0
                app = pool_mode=statement
                """, USERLIST);
        DatabaseConfig sales = databases(plan).get("sales");
        assertEquals(PoolMode.TRANSACTION, sales.poolMode(), "the pool's user wins over its database, as in PgBouncer");
        assertEquals(7, sales.poolSize());
        assertEquals(0, sales.reservePoolSize());
        DatabaseConfig other = databases(plan).get("other");
        assertEquals(PoolMode.SESSION, other.poolMode());
        assertEquals(20, other.poolSize());

        assertNull(users(plan).get("app").poolMode(), "client user 'app' has no pool of its own in PgBouncer");
        UnmappedLine app = Fixtures.byWhere(plan).get("pgbouncer.ini:6:app");
        assertTrue(app.reason().startsWith("user 'app': pool_mode not imported"), app.reason());
        assertEquals(1, plan.unmapped().size(), plan.unmapped().toString());
    }

    @Test
    void maxUserConnectionsCapsTheOnlyDatabaseOfItsServerUser() {
        ImportPlan plan = Fixtures.plan("""
                [databases]
                a = host=h user=svc password=p
                b = host=h user=batch password=p max_db_connections=3
                c = host=h user=other password=p
                [users]
                svc = max_user_connections=8
                batch = max_user_connections=9
                other = max_user_connections=0
                [pgbouncer]
                max_user_connections = 4
                """, null);
        assertEquals(8, databases(plan).get("a").maxDbConnections(), "its own cap");
        assertEquals(3, databases(plan).get("b").maxDbConnections(), "the database's lower cap stays");
        assertEquals(4, databases(plan).get("c").maxDbConnections(), "0 in [users] means the global one, as in PgBouncer");
        assertTrue(plan.unmapped().isEmpty(), plan.unmapped().toString());
    }

    @Test
    void aCapSharedByDatabasesIsReportedUnlessTheirOwnCapsKeepIt() {
        ImportPlan plan = Fixtures.plan("""
                [databases]
                a = host=h user=svc password=p
                b = host=h user=svc password=p
                c = host=h user=small password=p max_db_connections=2
                d = host=h user=small password=p max_db_connections=3
                [pgbouncer]
                max_user_connections = 5
                """, null);
        assertEquals(0, databases(plan).get("a").maxDbConnections(), "not guessed");
        assertEquals(0, databases(plan).get("b").maxDbConnections());
        assertEquals(1, plan.unmapped().size(), "c and d can hold 5 together: nothing to report; " + plan.unmapped());
        UnmappedLine shared = plan.unmapped().get(0);
        assertEquals("pgbouncer.ini:7:max_user_connections", shared.file() + ":" + shared.line() + ":" + shared.key());
        assertEquals("5", shared.value());
        assertTrue(shared.reason().contains("user 'svc' at 5 across the databases that log in as it (a, b)"), shared.reason());
    }

    @Test
    void maxUserClientConnectionsLimitsTheClientUserOwnFirstThenGlobal() {
        ImportPlan plan = Fixtures.plan("""
                [users]
                app = max_user_client_connections=7
                etl = max_user_client_connections=0
                ghost = max_user_client_connections=2
                [pgbouncer]
                max_user_client_connections = 30
                """, USERLIST);
        Map<String, UserConfig> users = users(plan);
        assertEquals(7, users.get("app").maxClientConnections());
        assertEquals(30, users.get("etl").maxClientConnections(), "0 in [users] means the global one");
        assertEquals(30, users.get("ops").maxClientConnections());
        assertEquals(java.util.Set.of("app", "etl", "ops"), plan.clientLimitsSet());
        UnmappedLine ghost = Fixtures.byWhere(plan).get("pgbouncer.ini:4:max_user_client_connections");
        assertTrue(ghost.reason().contains("user 'ghost' is not imported (it is not in the userlist)"), ghost.reason());
        assertEquals(1, plan.unmapped().size(), plan.unmapped().toString());
    }

    @Test
    void withoutAnyClientLimitTheImportLeavesItUndecided() {
        ImportPlan plan = Fixtures.plan("[users]\napp = max_user_client_connections=4\n", USERLIST);
        assertEquals(java.util.Set.of("app"), plan.clientLimitsSet(), "etl and ops keep what they have on a re-import");
        assertEquals(0, users(plan).get("etl").maxClientConnections());
    }

    @Test
    void perUserSettingsPortcullisHasOnlyGatewayWideAreReportedWithTheirName() {
        ImportPlan plan = Fixtures.plan("""
                [users]
                app = query_timeout=5 client_idle_timeout=60 transaction_timeout=9 colour=blue pool_size=0 pool_mode=fast
                """, USERLIST);
        Map<String, UnmappedLine> found = Fixtures.byWhere(plan);
        assertTrue(found.get("pgbouncer.ini:2:query_timeout").reason().contains("only queryTimeout for the whole gateway"));
        assertTrue(found.get("pgbouncer.ini:2:client_idle_timeout").reason().contains("clientIdleTimeout"));
        assertTrue(found.get("pgbouncer.ini:2:transaction_timeout").reason().contains("no transaction time limit"));
        assertTrue(found.get("pgbouncer.ini:2:colour").reason().contains("not a PgBouncer user setting"));
        assertTrue(found.get("pgbouncer.ini:2:pool_size").reason().contains("needs at least 1"));
        assertTrue(found.get("pgbouncer.ini:2:pool_mode").reason().contains("not a pool mode"));
        assertEquals(6, found.size(), found.toString());
    }

    @Test
    void aUserSetAgainKeepsOnlyItsLastLine() {
        ImportPlan plan = Fixtures.plan("""
                [databases]
                a = host=h user=svc password=p
                [users]
                svc = pool_mode=statement
                svc = pool_size=3
                """, null);
        DatabaseConfig a = plan.databases().get(0);
        assertEquals(3, a.poolSize());
        assertEquals(PoolMode.SESSION, a.poolMode(), "PgBouncer replaces the whole user, so the first line's mode is gone");
        assertTrue(Fixtures.byWhere(plan).get("pgbouncer.ini:4:svc").reason().contains("set again"));
    }
}
