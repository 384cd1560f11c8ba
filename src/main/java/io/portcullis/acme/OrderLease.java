package io.portcullis.acme;

import io.portcullis.config.AcmeChallengeType;
import io.portcullis.config.AcmeConfig;
import io.portcullis.config.ConfigStore;
import io.portcullis.log.LogText;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * This replica's side of the order in the configuration store: the lease that lets exactly one replica sharing the
 * store run an order at a time, and the challenges (HTTP-01 tokens, TLS-ALPN-01 key authorizations) published there so
 * that every replica answers them. Every
 * change is one store write, which the store serializes (the PostgreSQL store locks writers), and none is written when
 * nothing changes (a new configuration version is what every replica reacts to).
 */
final class OrderLease implements AcmeClient.ChallengeBoard {

    private static final Logger LOG = Logger.getLogger(OrderLease.class);

    private final ConfigStore store;
    private final ChallengeTokens tokens;
    private final String replica;
    private final Duration publishWait;

    /**
     * @param replica     this replica as lease holder
     * @param publishWait how long a published token is given to reach the other replicas before the CA looks
     */
    OrderLease(ConfigStore store, ChallengeTokens tokens, String replica, Duration publishWait) {
        this.store = store;
        this.tokens = tokens;
        this.replica = replica;
        this.publishWait = publishWait;
    }

    String replica() {
        return replica;
    }

    /** Whether {@code lease} is another replica's and still holds at {@code nowMillis}. */
    boolean heldByAnother(AcmeConfig.Lease lease, long nowMillis) {
        return lease != null && !lease.holder().equals(replica) && lease.untilEpochMillis() > nowMillis;
    }

    /**
     * Claims the order until {@code nowMillis + longest}, after which the claim lapses by itself should this replica
     * stop mid-order.
     *
     * @throws LeaseHeld when another replica's claim holds; nothing is written then
     */
    void take(long nowMillis, Duration longest) throws LeaseHeld {
        AcmeConfig.Lease[] held = new AcmeConfig.Lease[1];
        try {
            update(stored -> {
                if (heldByAnother(stored.lease(), nowMillis)) {
                    held[0] = stored.lease();
                    throw new Taken();
                }
                return stored.withLease(new AcmeConfig.Lease(replica, nowMillis + longest.toMillis()));
            });
        } catch (Taken e) {
            throw new LeaseHeld(held[0].holder(), held[0].untilEpochMillis());
        }
    }

    /** Gives the claim back, with any token still published. Never throws: the claim lapses by itself. */
    void giveBack() {
        try {
            update(stored -> stored.lease() == null || !stored.lease().holder().equals(replica) ? stored
                    : stored.withLease(null).withChallenges(Map.of()).withAlpnChallenges(Map.of()));
        } catch (RuntimeException e) {
            LOG.warnf("could not give back the ACME order lease (it lapses by itself): %s", LogText.escape(e.getMessage()));
        }
    }

    @Override
    public void publish(AcmeChallengeType type, String key, String keyAuthorization) throws InterruptedException {
        if (type == AcmeChallengeType.HTTP_01) {
            tokens.add(key, keyAuthorization);
        } else {
            tokens.addAlpn(key, keyAuthorization);
        }
        update(stored -> {
            Map<String, String> published = new HashMap<>(published(stored, type));
            published.put(key, keyAuthorization);
            return with(stored, type, published);
        });
        if (!publishWait.isZero()) {
            Thread.sleep(publishWait.toMillis());
        }
    }

    @Override
    public void withdraw(AcmeChallengeType type, String key) {
        if (type == AcmeChallengeType.HTTP_01) {
            tokens.remove(key);
        } else {
            tokens.removeAlpn(key);
        }
        try {
            update(stored -> {
                Map<String, String> published = new HashMap<>(published(stored, type));
                published.remove(key);
                return with(stored, type, published);
            });
        } catch (RuntimeException e) {
            LOG.warnf("could not withdraw a published ACME challenge (it goes with the lease): %s", LogText.escape(e.getMessage()));
        }
    }

    private static Map<String, String> published(AcmeConfig stored, AcmeChallengeType type) {
        return type == AcmeChallengeType.HTTP_01 ? stored.challenges() : stored.alpnChallenges();
    }

    private static AcmeConfig with(AcmeConfig stored, AcmeChallengeType type, Map<String, String> published) {
        return type == AcmeChallengeType.HTTP_01 ? stored.withChallenges(published) : stored.withAlpnChallenges(published);
    }

    /**
     * Changes the stored ACME configuration; writes nothing (no new configuration version) when none is stored or the
     * change leaves it as it is.
     */
    void update(UnaryOperator<AcmeConfig> change) {
        try {
            store.update(ConfigStore.ANY_VERSION, c -> {
                AcmeConfig stored = c.tls().acme();
                AcmeConfig next = stored == null ? null : change.apply(stored);
                if (next == null || next.equals(stored)) {
                    throw new Unchanged();
                }
                return c.withTls(c.tls().withAcme(next));
            });
        } catch (Unchanged e) {
            // nothing to write
        }
    }

    /** Another replica runs the order, until {@link #until} at the latest. */
    static final class LeaseHeld extends Exception {
        final String holder;
        final long until;

        LeaseHeld(String holder, long until) {
            super(null, null, false, false);
            this.holder = holder;
            this.until = until;
        }
    }

    /** Aborts a store write that would change nothing. */
    private static final class Unchanged extends RuntimeException {
        Unchanged() {
            super(null, null, false, false);
        }
    }

    /** Aborts the store write that found another replica's claim. */
    private static final class Taken extends RuntimeException {
        Taken() {
            super(null, null, false, false);
        }
    }
}
