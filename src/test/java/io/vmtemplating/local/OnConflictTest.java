package io.vmtemplating.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OnConflictTest {

    private static KubernetesClientException status(int code) {
        return new KubernetesClientException(new StatusBuilder().withCode(code).withMessage("HTTP " + code).build());
    }

    @Test
    void aConflictIsWrittenAgain() {
        AtomicInteger calls = new AtomicInteger();
        String result = OnConflict.retry(() -> {
            if (calls.incrementAndGet() < 3) {
                throw status(409);
            }
            return "written";
        });
        assertEquals("written", result);
        assertEquals(3, calls.get());
    }

    @Test
    void otherErrorsAndEndlessConflictsReachTheCaller() {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(403, assertThrows(KubernetesClientException.class, () -> OnConflict.retry(() -> {
            calls.incrementAndGet();
            throw status(403);
        })).getCode());
        assertEquals(1, calls.get());
        calls.set(0);
        assertEquals(409, assertThrows(KubernetesClientException.class, () -> OnConflict.retry(() -> {
            calls.incrementAndGet();
            throw status(409);
        })).getCode());
        assertEquals(OnConflict.ATTEMPTS, calls.get());
    }
}
