package io.portcullis.api;

import io.portcullis.config.AuthMethod;
import io.portcullis.config.PoolMode;
import io.portcullis.config.UserConfig;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** A user as the API shows it: never the verifier or hash, only whether one is stored. */
@Schema(name = "User")
public record UserView(
        String name,
        AuthMethod auth,
        @Schema(description = "databases the user may use; empty = all")
        List<String> databases,
        boolean admin,
        @Schema(description = "whether a password verifier is stored (it is never shown)")
        boolean passwordSet,
        @Schema(description = "pool mode of this user's sessions; null = their database's")
        PoolMode poolMode,
        @Schema(description = "this user's clients served at once; 0 = no limit")
        int maxClientConnections,
        @Schema(description = "server connections this user's clients hold at once across all databases; 0 = no limit")
        int maxUserConnections) {

    static UserView of(UserConfig user) {
        boolean passwordSet = user.scramVerifier() != null || user.md5Hash() != null;
        return new UserView(user.name(), user.auth(), user.databases(), user.admin(), passwordSet, user.poolMode(),
                user.maxClientConnections(), user.maxUserConnections());
    }
}
