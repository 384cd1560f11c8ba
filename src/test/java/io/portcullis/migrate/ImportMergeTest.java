package io.portcullis.migrate;

import io.portcullis.config.ConfigException;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.PoolMode;
import io.portcullis.config.ServerTls;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15 item 5, through the PgBouncer import: a stored password stays with the backend it was set for. */
class ImportMergeTest {

    private static DatabaseConfig db(String host, String sealed) {
        return new DatabaseConfig("orders", host, 5432, "orders", "app", sealed, ServerTls.DISABLE, PoolMode.SESSION, 5, 0, 0, 0);
    }

    private static ImportPlan plan(DatabaseConfig db) {
        return new ImportPlan(List.of(db), List.of(), Set.of(), null, List.of(), null);
    }

    @Test
    void keepsTheStoredPasswordOnlyWhileTheBackendStays() {
        GatewayConfig base = GatewayConfig.EMPTY.withDatabase(db("db.internal", "v2:c2VhbGVk"));
        assertEquals("v2:c2VhbGVk", ImportMerge.apply(base, plan(db("db.internal", null))).config()
                .database("orders").orElseThrow().sealedPassword());

        ConfigException moved = assertThrows(ConfigException.class, () -> ImportMerge.apply(base, plan(db("evil.example", null))));
        assertTrue(moved.getMessage().contains("database 'orders'") && moved.getMessage().contains("without a password")
                && moved.getMessage().contains("nothing was stored"), moved.getMessage());

        assertEquals("v2:bmV3", ImportMerge.apply(base, plan(db("elsewhere.internal", "v2:bmV3"))).config()
                .database("orders").orElseThrow().sealedPassword(), "with its own password a move is fine");
    }

    /** Issue 20 item 6: a line without user= re-imported after an administrator put the database in service. */
    @Test
    void aReimportedLineWithoutUserKeepsTheCredentialsGivenSince() {
        GatewayConfig base = GatewayConfig.EMPTY.withDatabase(db("db.internal", "v2:c2VhbGVk"));
        DatabaseConfig waiting = db("db.internal", null).waitingForCredentials("imported without user=");
        DatabaseConfig kept = ImportMerge.apply(base, plan(waiting)).config().database("orders").orElseThrow();
        assertFalse(kept.disabled(), "still in service");
        assertEquals("app", kept.user());
        assertEquals("v2:c2VhbGVk", kept.sealedPassword());

        ConfigException moved = assertThrows(ConfigException.class, () -> ImportMerge.apply(base,
                plan(db("evil.example", null).waitingForCredentials("imported without user="))));
        assertTrue(moved.getMessage().contains("without user=") && moved.getMessage().contains("nothing was stored"),
                moved.getMessage());

        DatabaseConfig fresh = ImportMerge.apply(GatewayConfig.EMPTY, plan(waiting)).config().database("orders")
                .orElseThrow();
        assertTrue(fresh.disabled());
        assertEquals("imported without user=", fresh.disabledReason());
    }
}
