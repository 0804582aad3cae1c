package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/**
 * What a claim does with a member it resumed but could not relabel: deleted while it is still an untouched member
 * (its guest ran outside any claim), left alone when it is going away or is another clone's pod now. The same check
 * decides whether a refused relabel is tried again on the server's copy.
 */
class PoolClaimsTest {
    private static Pod pod(String uid, String role, String deletionTimestamp) {
        return new PodBuilder().withNewMetadata().withName("warm-abcde").withNamespace("team-a").withUid(uid)
                .withDeletionTimestamp(deletionTimestamp)
                .addToLabels(VmResources.LABEL_ROLE, role).endMetadata().build();
    }

    private final Pod member = pod("uid-1", VmResources.ROLE_POOL_MEMBER, null);

    @Test
    void aMemberStillInThePoolIsRetired() {
        assertTrue(PoolClaims.stillTheMember(pod("uid-1", VmResources.ROLE_POOL_MEMBER, null), member));
    }

    @Test
    void aMemberGoingAwayIsLeftToItsDeletion() {
        assertFalse(PoolClaims.stillTheMember(pod("uid-1", VmResources.ROLE_POOL_MEMBER, "2026-11-30T23:00:00Z"), member));
        assertFalse(PoolClaims.stillTheMember(null, member), "gone already");
    }

    @Test
    void aMemberThatBecameAClonesPodIsNotTouched() {
        assertFalse(PoolClaims.stillTheMember(pod("uid-1", VmResources.ROLE_CLONE, null), member));
    }

    @Test
    void aNewPodOfTheSameNameIsNotTheMember() {
        assertFalse(PoolClaims.stillTheMember(pod("uid-2", VmResources.ROLE_POOL_MEMBER, null), member));
    }
}
