package io.portcullis.admin;

import io.portcullis.cluster.ClusterSettings;
import io.portcullis.cluster.ReplicaRegistry;
import io.portcullis.peer.PeerSettings;
import io.portcullis.config.ConfigStore;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.LiveSettings;
import io.portcullis.log.LogText;
import io.portcullis.proxy.ConsoleClient;
import io.portcullis.proxy.ListenerSettings;
import io.portcullis.proxy.WebSocketSettings;
import io.portcullis.proxy.SessionSettings;
import io.portcullis.proxy.ShutdownSettings;
import io.portcullis.wire.BackendMessages;
import io.portcullis.wire.MessageTypes;
import io.portcullis.wire.ResultMessages;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Set;

import static io.portcullis.config.RuntimeSettings.SERVER_LIFETIME;

/**
 * Carries out one console command and renders its answer: a result set, a CommandComplete with the
 * command's name as PgBouncer tags it, or an ErrorResponse (severity ERROR, the session goes on).
 * Process controls are logged under the audit category with the console user and session.
 */
@ApplicationScoped
public class ConsoleCommands {

    private static final Logger AUDIT = Logger.getLogger("io.portcullis.audit");
    /**
     * Session parameters drivers set right after login (pgJDBC, psql, libpq); the console accepts and
     * ignores them, as PgBouncer does. Anything else is a gateway setting, which is not changed here.
     */
    private static final Set<String> SESSION_PARAMETERS = Set.of("application_name", "extra_float_digits",
            "client_encoding", "datestyle", "timezone", "standard_conforming_strings", "search_path",
            "statement_timeout", "intervalstyle");

    private final AdminReports reports;
    private final AdminActions actions;
    private final ConfigStore store;
    private final LiveSettings live;
    private final ListenerSettings listen;
    private final SessionSettings session;
    private final ShutdownSettings shutdown;
    private final AdminSettings admin;
    private final ReplicaRegistry replicas;
    private final ClusterSettings cluster;
    private final PeerSettings peer;
    private final WebSocketSettings webSocket;
    private final String version;
    private final io.vertx.core.Vertx vertx;
    private final io.portcullis.tls.CertificateFileWatcher certificateFiles;

    /** SHOW HELP's text: the commands this console knows. */
    static final String HELP = "\n\tSHOW HELP|CONFIG|DATABASES|POOLS|CLIENTS|SERVERS|USERS|VERSION|PEERS\n"
            + "\tSHOW FDS|LISTS|MEM|STATE\n"
            + "\tSHOW STATS|STATS_TOTALS|STATS_AVERAGES|TOTALS\n"
            + "\tSET key = arg\n\tRELOAD\n"
            + "\tPAUSE [<db>]\n\tRESUME [<db>]\n\tDISABLE <db>\n\tENABLE <db>\n\tRECONNECT [<db>]\n\tKILL [<db>]\n"
            + "\tKILL_CLIENT <client_id>\n\tSHUTDOWN\n\tWAIT_CLOSE [<db>]";

    @Inject
    public ConsoleCommands(AdminReports reports, AdminActions actions, ConfigStore store, LiveSettings live,
                           ListenerSettings listen, SessionSettings session, ShutdownSettings shutdown,
                           AdminSettings admin, ReplicaRegistry replicas, ClusterSettings cluster, PeerSettings peer,
                           WebSocketSettings webSocket, io.vertx.core.Vertx vertx,
                           io.portcullis.tls.CertificateFileWatcher certificateFiles,
                           @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.reports = reports;
        this.actions = actions;
        this.store = store;
        this.live = live;
        this.listen = listen;
        this.session = session;
        this.shutdown = shutdown;
        this.admin = admin;
        this.replicas = replicas;
        this.cluster = cluster;
        this.peer = peer;
        this.webSocket = webSocket;
        this.vertx = vertx;
        this.certificateFiles = certificateFiles;
        this.version = version;
    }

    /**
     * @return the whole answer, without the ReadyForQuery that follows it; completes later for
     *     commands that wait (PAUSE, WAIT_CLOSE), on whatever thread finished the wait
     */
    Future<Buffer> execute(ConsoleCommand command, ConsoleClient client) {
        try {
            return run(command, client).otherwise(ConsoleCommands::failure);
        } catch (RuntimeException e) {
            return Future.succeededFuture(failure(e));
        }
    }

    private Future<Buffer> run(ConsoleCommand command, ConsoleClient client) {
        if (command instanceof ConsoleCommand.Empty) {
            return done(ResultMessages.emptyQueryResponse());
        }
        if (command instanceof ConsoleCommand.Show show) {
            if (show.what() == ConsoleCommand.ShowTarget.HELP) {
                // As PgBouncer: the usage as a notice, then the command's completion, no rows.
                return done(BackendMessages.noticeResponse("Console usage", HELP).appendBuffer(complete("SHOW")));
            }
            return done(show(show.what()).write());
        }
        if (command instanceof ConsoleCommand.Set set) {
            return set(set, client);
        }
        audit(client, command);
        if (command instanceof ConsoleCommand.Pause pause) {
            return actions.pause(pause.database()).map(v -> complete("PAUSE"));
        }
        if (command instanceof ConsoleCommand.WaitClose wait) {
            return actions.waitClose(wait.database()).map(v -> complete("WAIT_CLOSE"));
        }
        if (command instanceof ConsoleCommand.Resume resume) {
            actions.resume(resume.database());
            return done(complete("RESUME"));
        }
        if (command instanceof ConsoleCommand.Reconnect reconnect) {
            actions.reconnect(reconnect.database());
            return done(complete("RECONNECT"));
        }
        if (command instanceof ConsoleCommand.Kill kill) {
            actions.kill(kill.database());
            return done(complete("KILL"));
        }
        if (command instanceof ConsoleCommand.KillClient kill) {
            actions.killClient(kill.id());
            return done(complete("KILL_CLIENT"));
        }
        if (command instanceof ConsoleCommand.Disable disable) {
            actions.disable(disable.database());
            return done(complete("DISABLE"));
        }
        if (command instanceof ConsoleCommand.Enable enable) {
            actions.enable(enable.database());
            return done(complete("ENABLE"));
        }
        if (command instanceof ConsoleCommand.Reload) {
            // As PgBouncer re-reads its ini and files: the store (an edit of config.json, or a version another replica
            // stored that this one has not heard of yet) and the watched certificate files, now. Blocking reads.
            return vertx.executeBlocking(() -> {
                store.refresh();
                certificateFiles.reloadNow();
                return complete("RELOAD");
            }, false);
        }
        if (command instanceof ConsoleCommand.Shutdown) {
            actions.shutdown();
            return done(complete("SHUTDOWN"));
        }
        throw new IllegalStateException("unhandled console command " + command);
    }

    /** What {@code SHOW <what>} answers now, as a table (for the pgbouncer_exporter metrics too). Any thread. */
    ResultTable table(ConsoleCommand.ShowTarget what) {
        return show(what);
    }

    private ResultTable show(ConsoleCommand.ShowTarget what) {
        GatewayConfig config = store.current();
        return switch (what) {
            case POOLS -> PoolTables.pools(reports.pools());
            case CLIENTS -> SocketTables.clients(reports.clients());
            case SERVERS -> SocketTables.servers(reports.servers());
            case STATS -> StatsTables.stats(reports.stats());
            case STATS_TOTALS -> StatsTables.totals(reports.stats());
            case STATS_AVERAGES -> StatsTables.averages(reports.stats());
            case TOTALS -> StatsTables.grandTotals(reports.stats());
            case STATE -> InfoTables.state(allPaused());
            case FDS -> InfoTables.fds();
            case MEM -> InfoTables.mem();
            case HELP -> throw new IllegalStateException("SHOW HELP answers with a notice, not a table");
            // The settings in force (API override, else property), read now: they change live.
            case DATABASES -> PoolTables.databases(config, reports.sortedPools(), reports.clients(),
                    live.current().get(SERVER_LIFETIME));
            case USERS -> PoolTables.users(config, reports.clients());
            case LISTS -> PoolTables.lists(config, reports.sortedPools(), reports.clients(), (int) replicas.liveCount());
            case CONFIG -> InfoTables.config(ConfigListing.of(listen, live.current(), session, shutdown, admin, cluster, peer, webSocket));
            case VERSION -> InfoTables.version(version);
            // The registry's last snapshot (at most one heartbeat old): the console runs on an event loop.
            case PEERS -> PeerTables.peers(replicas.replicas());
        };
    }

    /** Whether every database's pool is paused: PgBouncer's global PAUSE, as SHOW STATE reports it. */
    private boolean allPaused() {
        var pools = reports.sortedPools();
        return !pools.isEmpty() && pools.stream().allMatch(p -> p.paused());
    }

    /**
     * A setting of the settings table, by its PgBouncer name ({@code query_timeout}) or its API name
     * ({@code queryTimeout}): checked as the API checks it, stored as {@code PUT /api/v1/settings} stores it (every
     * replica sharing the store applies it), audited; off the event loop, since storing waits for the disk or the
     * database. A session parameter drivers set at login is accepted and changes nothing.
     */
    private Future<Buffer> set(ConsoleCommand.Set set, ConsoleClient client) {
        io.portcullis.config.Setting<?> setting = settingNamed(set.name());
        if (setting == null) {
            return done(sessionParameter(set));
        }
        if (!setting.live()) {
            throw new ConsoleError(ConsoleError.FEATURE_NOT_SUPPORTED, "SET " + set.name()
                    + " is not supported: it takes effect only at a restart (" + setting.property() + ")");
        }
        Object value = parsed(setting, set.value());
        return vertx.executeBlocking(() -> {
            GatewayConfig stored = store.update(ConfigStore.ANY_VERSION,
                    config -> config.withSettings(withValue(config.settings(), setting, value)));
            AUDIT.infof("admin console user '%s' set %s = %s (configuration version %d)", LogText.escape(client.user()),
                    setting.name(), LogText.escape(setting.format(value)), stored.version());
            return complete("SET");
        }, false);
    }

    private static io.portcullis.config.Setting<?> settingNamed(String name) {
        for (io.portcullis.config.Setting<?> s : io.portcullis.config.RuntimeSettings.ALL) {
            if (name.equalsIgnoreCase(s.pgbouncer() == null ? "" : s.pgbouncer()) || name.equalsIgnoreCase(s.name())) {
                return s;
            }
        }
        return null;
    }

    private static Object parsed(io.portcullis.config.Setting<?> setting, String text) {
        Object value;
        try {
            value = setting.parse(text, setting.name());
        } catch (RuntimeException e) {
            throw new ConsoleError(ConsoleError.INVALID_PARAMETER_VALUE, e.getMessage());
        }
        java.util.List<String> errors = new java.util.ArrayList<>();
        setting.check(value, setting.name(), errors);
        if (!errors.isEmpty()) {
            throw new ConsoleError(ConsoleError.INVALID_PARAMETER_VALUE, String.join("; ", errors));
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static <T> io.portcullis.config.SettingsConfig withValue(io.portcullis.config.SettingsConfig settings,
                                                                   io.portcullis.config.Setting<T> setting, Object value) {
        return settings.with(setting, (T) value);
    }

    private static Buffer sessionParameter(ConsoleCommand.Set set) {
        if (!SESSION_PARAMETERS.contains(set.name())) {
            throw new ConsoleError(ConsoleError.FEATURE_NOT_SUPPORTED, "SET " + set.name()
                    + " is not supported: SET changes the settings SHOW CONFIG lists as changeable (by their PgBouncer "
                    + "or API name), and accepts the session parameters drivers send");
        }
        if (set.name().equals("client_encoding") && !set.value().replace("-", "").equalsIgnoreCase("UTF8")) {
            throw new ConsoleError(ConsoleError.FEATURE_NOT_SUPPORTED, "the admin console speaks UTF8 only");
        }
        return complete("SET");
    }

    private static void audit(ConsoleClient client, ConsoleCommand command) {
        // describe() quotes database names as the console user typed them.
        AUDIT.infof("admin console user '%s' (client %d): %s", LogText.escape(client.user()), client.id(),
                LogText.escape(command.describe()));
    }

    private static Future<Buffer> done(Buffer answer) {
        return Future.succeededFuture(answer);
    }

    private static Buffer complete(String tag) {
        return ResultMessages.commandComplete(tag);
    }

    private static Buffer failure(Throwable e) {
        String code;
        if (e instanceof ConsoleError c) {
            code = c.sqlState();
        } else if (e instanceof AdminException a) {
            code = switch (a.kind()) {
                case UNKNOWN_DATABASE -> ConsoleError.UNDEFINED_DATABASE;
                case UNKNOWN_CLIENT -> ConsoleError.UNDEFINED_OBJECT;
                case WRONG_STATE -> ConsoleError.WRONG_STATE;
            };
        } else {
            // A wait that ended early (RESUME during PAUSE) or a bug: the message says which.
            code = ConsoleError.WRONG_STATE;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return BackendMessages.errorResponse(MessageTypes.SEVERITY_ERROR, code, message);
    }
}
