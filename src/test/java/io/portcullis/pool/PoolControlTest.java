package io.portcullis.pool;

import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When PAUSE and WAIT_CLOSE are complete, and what RESUME and a removed pool do to those waiting. */
class PoolControlTest {

    private final PoolControl control = new PoolControl();

    @Test
    void aPauseCompletesWhenNoConnectionIsLeftOpen() {
        Promise<Void> paused = Promise.promise();
        control.pause(paused);
        assertTrue(control.paused());
        assertTrue(control.settle(2).isEmpty(), "two connections still open");
        assertEquals(List.of(paused), control.settle(0));
        assertTrue(control.settle(0).isEmpty(), "handed out once");
        assertTrue(control.paused(), "still paused until RESUME");
    }

    @Test
    void resumeEndsThePauseAndHandsBackUnfinishedWaiters() {
        Promise<Void> paused = Promise.promise();
        control.pause(paused);
        List<Promise<Void>> unfinished = new ArrayList<>();
        assertTrue(control.resume(unfinished));
        assertEquals(List.of(paused), unfinished);
        assertFalse(control.paused());
        assertFalse(control.resume(new ArrayList<>()), "resuming twice reports that nothing was paused");
        assertTrue(control.settle(0).isEmpty());
    }

    @Test
    void killPausesWithoutAWaiter() {
        control.pause(null);
        assertTrue(control.paused());
        assertTrue(control.settle(0).isEmpty());
    }

    @Test
    void waitCloseCompletesAtOnceWhenNothingIsMarked() {
        Promise<Void> closed = Promise.promise();
        control.waitClose(closed);
        assertEquals(List.of(closed), control.settle(5));
    }

    @Test
    void aRemovedPoolReleasesEveryWaiter() {
        Promise<Void> paused = Promise.promise();
        control.pause(paused);
        List<Promise<Void>> done = new ArrayList<>();
        control.releaseAll(done);
        assertEquals(List.of(paused), done);
        assertTrue(control.settle(0).isEmpty());
    }

    @Test
    void disabledIsAFlagOfItsOwn() {
        assertFalse(control.disabled());
        control.disabled(true);
        assertTrue(control.disabled());
        assertFalse(control.paused(), "DISABLE does not pause");
    }
}
