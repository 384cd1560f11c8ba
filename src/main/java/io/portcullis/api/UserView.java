package io.portcullis.api;

import io.portcullis.config.AuthMethod;
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
        boolean passwordSet) {

    static UserView of(UserConfig user) {
        boolean passwordSet = user.scramVerifier() != null || user.md5Hash() != null;
        return new UserView(user.name(), user.auth(), user.databases(), user.admin(), passwordSet);
    }
}
