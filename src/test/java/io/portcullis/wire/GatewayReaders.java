package io.portcullis.wire;

import java.util.Map;

/**
 * Test helper for the fuzz targets: applies to a frame every {@link MessageReader} the gateway applies
 * to a frame of its type, in either direction (client and backend types share letters). Each reader
 * is run on its own, so one refusing does not hide another's failure; {@link ProtocolViolation} is
 * the expected refusal and is swallowed, anything else propagates as a finding.
 */
final class GatewayReaders {

    private GatewayReaders() {
    }

    static void read(Frame frame) {
        switch (frame.type()) {
            case MessageTypes.PASSWORD -> {
                quietly(() -> MessageReader.saslInitialResponse(frame.body()));
                quietly(() -> new BodyReader(frame.body(), "PasswordMessage").readCString());
            }
            case MessageTypes.PARSE -> quietly(() -> MessageReader.parseStatementName(frame.body()));
            case MessageTypes.BIND -> quietly(() -> MessageReader.bindNames(frame.body()));
            case MessageTypes.CLOSE -> quietly(() -> MessageReader.closeTarget(frame.body()));
            case MessageTypes.DESCRIBE -> quietly(() -> MessageReader.describeTarget(frame.body()));
            case MessageTypes.AUTHENTICATION -> quietly(() -> {
                AuthenticationRequest request = MessageReader.authentication(frame.body());
                if (request.code() == MessageTypes.AUTH_SASL) {
                    MessageReader.saslMechanisms(request.data());
                }
            });
            case MessageTypes.PARAMETER_STATUS -> quietly(() -> MessageReader.parameterStatus(frame.body()));
            case MessageTypes.BACKEND_KEY_DATA -> quietly(() -> MessageReader.backendKeyData(frame.body()));
            case MessageTypes.ERROR_RESPONSE, MessageTypes.NOTICE_RESPONSE -> quietly(() -> {
                Map<Character, String> fields = MessageReader.errorFields(frame.body());
                MessageReader.errorMessage(fields);
                MessageReader.errorSqlState(fields);
                MessageReader.errorSeverity(fields);
            });
            case MessageTypes.READY_FOR_QUERY -> quietly(() -> MessageReader.readyForQueryStatus(frame.body()));
            default -> {
                // Forwarded without being read.
            }
        }
    }

    private static void quietly(Runnable reader) {
        try {
            reader.run();
        } catch (ProtocolViolation refused) {
            if (refused.getMessage() == null) {
                throw new AssertionError("a ProtocolViolation without a message for the client", refused);
            }
        }
    }
}
