package dev.ferry.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link FerryEmulatorsResource} plus two {@link FakeApi}s for a function's {@code @QuarkusTest}: a source
 * API (the sandbox CRM, {@code sandbox.crm.url}) and a destination API (the sandbox billing API,
 * {@code sandbox.billing.url}), which the sandbox integration specs refer to. Reach them through
 * {@link #source()} and {@link #destination()}; {@link #emulators()} gives the AWS emulators.
 */
public class FunctionTestResource extends FerryEmulatorsResource {

    public static final String SOURCE_URL = "sandbox.crm.url";
    public static final String DESTINATION_URL = "sandbox.billing.url";

    private static volatile FakeApi source;
    private static volatile FakeApi destination;

    /** The fake source API (sandbox CRM). */
    public static FakeApi source() {
        return started(source);
    }

    /** The fake destination API (sandbox billing). */
    public static FakeApi destination() {
        return started(destination);
    }

    private static FakeApi started(FakeApi api) {
        if (api == null) {
            throw new IllegalStateException("FunctionTestResource is not started: annotate the test with "
                    + "@QuarkusTestResource(FunctionTestResource.class)");
        }
        return api;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new LinkedHashMap<>(super.start());
        synchronized (FunctionTestResource.class) {
            if (source == null) {
                source = FakeApi.start();
            }
            if (destination == null) {
                destination = FakeApi.start();
            }
            config.put(SOURCE_URL, source.baseUrl());
            config.put(DESTINATION_URL, destination.baseUrl());
        }
        return config;
    }

    @Override
    public void stop() {
        synchronized (FunctionTestResource.class) {
            if (source != null) {
                source.close();
                source = null;
            }
            if (destination != null) {
                destination.close();
                destination = null;
            }
        }
        super.stop();
    }
}
