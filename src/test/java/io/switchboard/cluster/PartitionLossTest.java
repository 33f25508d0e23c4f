package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Address;
import com.hazelcast.partition.PartitionLostEvent;
import org.junit.jupiter.api.Test;

/** Which of Hazelcast's partition-lost events mean a ring's items are gone (a new epoch). */
class PartitionLossTest {

    record Lost(int lostBackupCount, boolean all) implements PartitionLostEvent {
        @Override
        public int getLostBackupCount() {
            return lostBackupCount;
        }

        @Override
        public boolean allReplicasInPartitionLost() {
            return all;
        }

        @Override
        public Address getEventSource() {
            return null;
        }

        @Override
        public int getPartitionId() {
            return 7;
        }
    }

    @Test
    void anOwnerGoneWhileItsBackupTookOverLosesNothing() {
        assertFalse(ClusterStore.itemsLost(new Lost(0, false)));
    }

    @Test
    void theOwnerAndTheBackupGoneTogetherLoseTheItems() {
        assertTrue(ClusterStore.itemsLost(new Lost(1, false)));
        assertTrue(ClusterStore.itemsLost(new Lost(6, true)));
    }
}
