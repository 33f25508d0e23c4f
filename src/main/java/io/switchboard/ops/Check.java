package io.switchboard.ops;

import java.util.function.BooleanSupplier;

/**
 * One thing {@code /health/ready} depends on: the store now, the cluster once there is one. {@code up}
 * must answer at once (a flag its owner keeps), since a probe calls it on every request.
 */
public record Check(String name, BooleanSupplier up) {

    /** False too when the check itself fails. */
    public boolean isUp() {
        try {
            return up.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
