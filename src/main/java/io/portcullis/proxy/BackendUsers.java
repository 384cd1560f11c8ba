package io.portcullis.proxy;

import io.portcullis.auth.Md5Challenge;
import io.portcullis.auth.ScramVerifier;
import io.portcullis.config.AuthLookup;
import io.portcullis.config.AuthMethod;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.UserConfig;
import io.portcullis.pool.PoolManager;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Client users that are not Portcullis users, looked up in a database's backend ({@link DatabaseConfig#authLookup}),
 * as the user Portcullis checks their login against: a SCRAM-SHA-256 user for a SCRAM verifier, an md5 user for an md5
 * hash, allowed that one database only. Anything else the lookup returns (no row, NULL, a clear-text password) is no
 * user, and the client gets the exchange of an unknown user.
 *
 * <p>Answers, found or not, are kept for {@code portcullis.auth.lookup-cache-ttl} so that a burst of logins, or of
 * guessed names, costs the backend one query per name; at most {@value #MAX_ENTRIES} names are kept, the least
 * recently used leaving first. Failed lookups are not kept. An answer is for the database's backend and lookup as
 * they were: a changed address or lookup asks again. Logins of one name while its lookup runs share it, and at most
 * {@value #MAX_IN_FLIGHT} lookups run at once; more logins are refused at once ({@link Busy}).
 */
final class BackendUsers {

    /** Names kept per process, across databases. */
    static final int MAX_ENTRIES = 10_000;

    /**
     * Lookups running at once, all databases together. Each costs a backend query and the lookup runs before the
     * client has proved anything, so a flood of made-up names must not queue without end behind the two lookup
     * connections: beyond this, a login is refused at once ({@link Busy}).
     */
    static final int MAX_IN_FLIGHT = 64;

    /** Too many lookups are running: the login is refused, not queued. */
    static final class Busy extends RuntimeException {
        Busy() {
            super("more than " + MAX_IN_FLIGHT + " user lookups are running", null, false, false);
        }
    }

    /** A name in a database, looked up where the database's lookup points (another backend or query is another key). */
    private record Key(String database, String user, String backend, AuthLookup lookup) {
    }

    private record Answer(Optional<UserConfig> user, long expiresNanos) {
    }

    private final PoolManager pools;
    private final Duration ttl;
    private final LongSupplier clock;
    private final Map<Key, Answer> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Answer> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** Lookups running, by key: a second login of the same name waits for the same answer. Guarded by {@link #cache}. */
    private final Map<Key, Future<Optional<UserConfig>>> inFlight = new HashMap<>();

    BackendUsers(PoolManager pools, Duration ttl, LongSupplier clock) {
        this.pools = pools;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * {@code userName} as {@code db}'s backend knows it, or empty when it does not; fails with {@link Busy} when too
     * many lookups run, or with the lookup's failure.
     */
    Future<Optional<UserConfig>> lookUp(DatabaseConfig db, String userName) {
        Key key = new Key(db.name(), userName, db.bindingHost() + ":" + db.bindingPort(), db.authLookup());
        long now = clock.getAsLong();
        Promise<Optional<UserConfig>> promise = Promise.promise();
        synchronized (cache) {
            Answer answer = cache.get(key);
            if (answer != null && now - answer.expiresNanos() < 0) {
                return Future.succeededFuture(answer.user());
            }
            Future<Optional<UserConfig>> running = inFlight.get(key);
            if (running != null) {
                return running;
            }
            if (inFlight.size() >= MAX_IN_FLIGHT) {
                return Future.failedFuture(new Busy());
            }
            inFlight.put(key, promise.future());
        }
        pools.lookUpUser(db.name(), userName).onComplete(ar -> {
            Optional<UserConfig> user = ar.succeeded()
                    ? ar.result().flatMap(v -> asUser(userName, db.name(), v)) : Optional.empty();
            synchronized (cache) {
                inFlight.remove(key);
                if (ar.succeeded() && ttl.toNanos() > 0) {
                    cache.put(key, new Answer(user, clock.getAsLong() + ttl.toNanos()));
                }
            }
            if (ar.succeeded()) {
                promise.complete(user);
            } else {
                promise.fail(ar.cause());
            }
        });
        return promise.future();
    }

    private static Optional<UserConfig> asUser(String name, String database, String verifier) {
        if (ScramVerifier.isScramSha256(verifier)) {
            try {
                ScramVerifier.parse(verifier);
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
            return Optional.of(new UserConfig(name, AuthMethod.SCRAM_SHA_256, verifier, null, List.of(database), false));
        }
        if (Md5Challenge.isMd5Hash(verifier)) {
            return Optional.of(new UserConfig(name, AuthMethod.MD5, null, verifier, List.of(database), false));
        }
        return Optional.empty(); // a clear-text password in the backend: Portcullis checks proofs, not passwords
    }
}
