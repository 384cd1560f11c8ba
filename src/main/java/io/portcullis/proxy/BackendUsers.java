package io.portcullis.proxy;

import io.portcullis.auth.Md5Challenge;
import io.portcullis.auth.ScramVerifier;
import io.portcullis.config.AuthMethod;
import io.portcullis.config.DatabaseConfig;
import io.portcullis.config.UserConfig;
import io.portcullis.pool.PoolManager;
import io.vertx.core.Future;

import java.time.Duration;
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
 * recently used leaving first. Failed lookups are not kept.
 */
final class BackendUsers {

    /** Names kept per process, across databases. */
    static final int MAX_ENTRIES = 10_000;

    private record Key(String database, String user) {
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

    BackendUsers(PoolManager pools, Duration ttl, LongSupplier clock) {
        this.pools = pools;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** {@code userName} as {@code db}'s backend knows it, or empty when it does not. */
    Future<Optional<UserConfig>> lookUp(DatabaseConfig db, String userName) {
        Key key = new Key(db.name(), userName);
        long now = clock.getAsLong();
        synchronized (cache) {
            Answer answer = cache.get(key);
            if (answer != null && now - answer.expiresNanos() < 0) {
                return Future.succeededFuture(answer.user());
            }
        }
        return pools.lookUpUser(db.name(), userName).map(verifier -> {
            Optional<UserConfig> user = verifier.flatMap(v -> asUser(userName, db.name(), v));
            if (ttl.toNanos() > 0) {
                synchronized (cache) {
                    cache.put(key, new Answer(user, clock.getAsLong() + ttl.toNanos()));
                }
            }
            return user;
        });
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
