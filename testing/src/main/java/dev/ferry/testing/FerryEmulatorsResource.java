package dev.ferry.testing;

import dev.ferry.shared.config.FerryConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts {@link AwsEmulators} for a {@code @QuarkusTest} and hands its settings to the application, with
 * retries undelayed ({@code ferry.retry.base-delay-seconds=0}). Use with
 * {@code @QuarkusTestResource(FerryEmulatorsResource.class)}; reach the emulators from the test through
 * {@link #emulators()}. Optional init args: {@code maxReceiveCount}, {@code visibilityTimeoutSeconds}.
 */
public class FerryEmulatorsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile AwsEmulators emulators;

    private int maxReceiveCount = AwsEmulators.DEFAULT_MAX_RECEIVE_COUNT;
    private int visibilityTimeoutSeconds = AwsEmulators.DEFAULT_VISIBILITY_TIMEOUT_SECONDS;

    /** The running emulators. */
    public static AwsEmulators emulators() {
        AwsEmulators current = emulators;
        if (current == null) {
            throw new IllegalStateException("FerryEmulatorsResource is not started: annotate the test with "
                    + "@QuarkusTestResource(FerryEmulatorsResource.class)");
        }
        return current;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        if (initArgs.containsKey("maxReceiveCount")) {
            maxReceiveCount = Integer.parseInt(initArgs.get("maxReceiveCount"));
        }
        if (initArgs.containsKey("visibilityTimeoutSeconds")) {
            visibilityTimeoutSeconds = Integer.parseInt(initArgs.get("visibilityTimeoutSeconds"));
        }
    }

    @Override
    public Map<String, String> start() {
        synchronized (FerryEmulatorsResource.class) {
            if (emulators == null) {
                emulators = AwsEmulators.builder()
                        .maxReceiveCount(maxReceiveCount)
                        .visibilityTimeoutSeconds(visibilityTimeoutSeconds)
                        .start();
            }
            Map<String, String> config = new LinkedHashMap<>(emulators.config());
            config.put(FerryConfig.RETRY_BASE_DELAY, "0");
            return config;
        }
    }

    @Override
    public void stop() {
        synchronized (FerryEmulatorsResource.class) {
            if (emulators != null) {
                emulators.close();
                emulators = null;
            }
        }
    }
}
