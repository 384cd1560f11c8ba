package io.portcullis.pool;

import io.portcullis.config.BackendHost;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.LoadBalanceHosts;
import io.portcullis.config.TargetSessionAttrs;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One new server connection for a database with several hosts (or a target session attribute), with libpq's
 * meanings: the hosts are tried one after the other, in the order listed or, with {@code loadBalanceHosts
 * random}, in a fresh random order for this connection; a host that refuses, times out (the connect timeout is
 * per host) or fails the login is skipped, and so is one that logs in but does not match
 * {@code targetSessionAttrs} (its connection closed by {@link ServerLogin}). {@code prefer-standby} makes two
 * passes as libpq does: the hosts as {@code standby}, then, when none was one, the hosts that logged in as
 * {@code any} (a host unreachable in the first pass is not tried again).
 *
 * <p>When every attempt failed, the borrower gets {@link BackendUnavailable#noHost} listing each host's reason,
 * except with one host and {@code any}: then that host's own failure, as before host lists existed.
 */
final class HostAttempts {

    /** Opens one login to one host with one check. */
    interface Login {
        Future<ServerConnection> to(BackendHost host, TargetSessionAttrs check);
    }

    private final DatabaseConfig db;
    private final Login login;
    private final List<BackendUnavailable> failures = new ArrayList<>();
    private final Promise<ServerConnection> result = Promise.promise();

    private HostAttempts(DatabaseConfig db, Login login) {
        this.db = db;
        this.login = login;
    }

    /** Starts the attempts; completes on the context the logins complete on. */
    static Future<ServerConnection> run(DatabaseConfig db, Login login) {
        HostAttempts attempts = new HostAttempts(db, login);
        List<BackendHost> order = new ArrayList<>(db.backendHosts());
        if (db.loadBalanceHosts() == LoadBalanceHosts.RANDOM) {
            Collections.shuffle(order, ThreadLocalRandom.current());
        }
        TargetSessionAttrs wanted = db.targetSessionAttrs();
        if (wanted == TargetSessionAttrs.PREFER_STANDBY) {
            attempts.pass(order, 0, TargetSessionAttrs.STANDBY, new ArrayList<>());
        } else {
            attempts.pass(order, 0, wanted, null);
        }
        return attempts.result.future();
    }

    /**
     * Tries {@code hosts} from {@code index} with {@code check}.
     *
     * @param secondPass where the first pass of prefer-standby collects the hosts that logged in but were not
     *                   standbys (tried again as any); null when there is no second pass
     */
    private void pass(List<BackendHost> hosts, int index, TargetSessionAttrs check, List<BackendHost> secondPass) {
        if (index == hosts.size()) {
            if (secondPass != null && !secondPass.isEmpty()) {
                pass(secondPass, 0, TargetSessionAttrs.ANY, null);
            } else {
                result.fail(failures.size() == 1 && db.targetSessionAttrs() == TargetSessionAttrs.ANY ? failures.get(0)
                        : BackendUnavailable.noHost(db, db.targetSessionAttrs(), failures));
            }
            return;
        }
        BackendHost host = hosts.get(index);
        Future<ServerConnection> attempt;
        try {
            attempt = login.to(host, check);
        } catch (RuntimeException e) {
            attempt = Future.failedFuture(e);
        }
        attempt.onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
                return;
            }
            BackendUnavailable failure = ar.cause() instanceof BackendUnavailable b ? b
                    : BackendUnavailable.refused(db, host, String.valueOf(ar.cause().getMessage()));
            failures.add(failure);
            if (secondPass != null && failure.isMismatch()) {
                secondPass.add(host);
            }
            pass(hosts, index + 1, check, secondPass);
        });
    }
}
