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

    @Inject
    public ConsoleCommands(AdminReports reports, AdminActions actions, ConfigStore store, LiveSettings live,
                           ListenerSettings listen, SessionSettings session, ShutdownSettings shutdown,
                           AdminSettings admin, ReplicaRegistry replicas, ClusterSettings cluster, PeerSettings peer,
                           WebSocketSettings webSocket,
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
            return done(show(show.what()).write());
        }
        if (command instanceof ConsoleCommand.Set set) {
            return done(set(set));
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

    private static Buffer set(ConsoleCommand.Set set) {
        if (!SESSION_PARAMETERS.contains(set.name())) {
            throw new ConsoleError(ConsoleError.FEATURE_NOT_SUPPORTED, "SET " + set.name()
                    + " is not supported by the admin console: Portcullis settings change through the REST API"
                    + " or its configuration properties");
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
