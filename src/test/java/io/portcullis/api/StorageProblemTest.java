package io.portcullis.api;

import io.portcullis.config.ConfigStorageException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A configuration write the disk refused is answered 507 problem+json that says why and what stays. */
class StorageProblemTest {

    @Test
    void aFullDiskIsAnswered507WithAPreciseProblem() {
        ConfigStorageException full = new ConfigStorageException(Path.of("/var/lib/portcullis"), 41,
                new IOException("No space left on device"));
        Response response = new ProblemMappers().storageFailed(full, null);

        assertEquals(507, response.getStatus());
        assertEquals(Problem.MEDIA_TYPE, response.getMediaType().toString());
        Problem problem = (Problem) response.getEntity();
        assertEquals("urn:portcullis:problem:insufficient-storage", problem.type());
        assertEquals("Insufficient Storage", problem.title());
        assertEquals(507, problem.status());
        assertTrue(problem.detail().contains("could not be stored in /var/lib/portcullis"), problem.detail());
        assertTrue(problem.detail().contains("no space left"), problem.detail());
        assertTrue(problem.detail().contains("version 41 stays in effect"), problem.detail());
    }

    @Test
    void anyOtherWriteErrorIsAlso507ButSaysWhatFailed() {
        ConfigStorageException broken = new ConfigStorageException(Path.of("/data"), 7,
                new java.nio.file.FileSystemException("/data/config.json.123.tmp", null, "Read-only file system"));
        Problem problem = (Problem) new ProblemMappers().storageFailed(broken, null).getEntity();
        assertEquals(507, problem.status());
        assertTrue(problem.detail().contains("Read-only file system"), problem.detail());
        assertTrue(!problem.detail().contains("no space left"), problem.detail());
        assertTrue(problem.detail().contains("version 7 stays in effect"), problem.detail());
    }

    @Test
    void aFrameworkErrorWith507KeepsItsTitle() {
        assertEquals(ProblemType.INSUFFICIENT_STORAGE, ProblemType.forStatus(507));
        assertEquals("Insufficient Storage", ProblemType.title(507));
    }
}
