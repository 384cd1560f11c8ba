package io.portcullis.admin;

import java.util.Optional;

/** One admin console command, as {@link CommandParser} reads it. */
sealed interface ConsoleCommand {

    /** The command as the audit log shows it: its keyword and argument. */
    default String describe() {
        return getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
    }

    /** {@code VERB} or {@code VERB 'db'}. */
    private static String withDatabase(String verb, Optional<String> database) {
        return database.map(db -> verb + " '" + db + "'").orElse(verb);
    }

    /** A query string with no command in it: answered with EmptyQueryResponse. */
    record Empty() implements ConsoleCommand {
    }

    /** {@code SHOW what}. */
    record Show(ShowTarget what) implements ConsoleCommand {
    }

    /** {@code PAUSE [db]}. */
    record Pause(Optional<String> database) implements ConsoleCommand {
        @Override
        public String describe() {
            return withDatabase("PAUSE", database);
        }
    }

    /** {@code RESUME [db]}. */
    record Resume(Optional<String> database) implements ConsoleCommand {
        @Override
        public String describe() {
            return withDatabase("RESUME", database);
        }
    }

    /** {@code RECONNECT [db]}. */
    record Reconnect(Optional<String> database) implements ConsoleCommand {
        @Override
        public String describe() {
            return withDatabase("RECONNECT", database);
        }
    }

    /** {@code KILL [db]}. */
    record Kill(Optional<String> database) implements ConsoleCommand {
        @Override
        public String describe() {
            return withDatabase("KILL", database);
        }
    }

    /** {@code KILL_CLIENT id}. */
    record KillClient(int id) implements ConsoleCommand {
        @Override
        public String describe() {
            return "KILL_CLIENT " + id;
        }
    }

    /** {@code DISABLE db}. */
    record Disable(String database) implements ConsoleCommand {
        @Override
        public String describe() {
            return "DISABLE '" + database + "'";
        }
    }

    /** {@code ENABLE db}. */
    record Enable(String database) implements ConsoleCommand {
        @Override
        public String describe() {
            return "ENABLE '" + database + "'";
        }
    }

    /** {@code WAIT_CLOSE [db]}. */
    record WaitClose(Optional<String> database) implements ConsoleCommand {
        @Override
        public String describe() {
            return withDatabase("WAIT_CLOSE", database);
        }
    }

    /** {@code RELOAD}: the stored configuration and the watched certificate files, read again now. */
    record Reload() implements ConsoleCommand {
    }

    /** {@code SHUTDOWN [WAIT_FOR_CLIENTS]}: the graceful drain. */
    record Shutdown() implements ConsoleCommand {
    }

    /**
     * {@code SET name = value}: a setting of the settings table (by its PgBouncer name or its API name), stored as
     * {@code PUT /api/v1/settings} stores it; or one of the session parameters drivers set at login, accepted and
     * without effect.
     */
    record Set(String name, String value) implements ConsoleCommand {
    }

    /** What {@code SHOW} can show, in PgBouncer's spelling. */
    enum ShowTarget {
        POOLS, CLIENTS, SERVERS, STATS, STATS_TOTALS, STATS_AVERAGES, TOTALS, DATABASES, USERS, CONFIG, LISTS, VERSION,
        PEERS, STATE, FDS, MEM, HELP
    }
}
