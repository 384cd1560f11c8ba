package io.portcullis.peer;

import io.portcullis.config.SettingNames;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * When the peer listener does not start: with the file store (no peers), and with {@code portcullis.peer.enabled=false}
 * on the shared store. Then no port is bound, sessions carry no peer id, and cancels are only looked up locally.
 * (That it starts and forwards with the shared store is SharedConfigStoreIT's.)
 */
class PeerChannelSettingsTest {

    @Test
    void theFileStoreHasNoPeers() {
        PeerChannel channel = channel(SettingNames.STORE_FILE, true);
        channel.start(cancel -> { });
        assertFalse(channel.active());
        assertEquals(0, channel.selfPeerId());
    }

    @Test
    void disabledOnTheSharedStoreListensNowhere() {
        PeerChannel channel = channel(SettingNames.STORE_POSTGRESQL, false);
        channel.start(cancel -> { });
        assertFalse(channel.active(), "portcullis.peer.enabled=false binds no port");
        assertEquals(0, channel.selfPeerId());
    }

    private static PeerChannel channel(String storeKind, boolean enabled) {
        PeerChannel channel = new PeerChannel();
        channel.storeKind = storeKind;
        channel.settings = new PeerSettings() {
            public boolean enabled() {
                return enabled;
            }

            public String host() {
                return "127.0.0.1";
            }

            public int port() {
                return 0;
            }

            public Optional<String> advertiseHost() {
                return Optional.empty();
            }
        };
        return channel;
    }
}
