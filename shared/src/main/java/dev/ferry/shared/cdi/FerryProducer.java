package dev.ferry.shared.cdi;

import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Clock;

/** Gives Quarkus functions one {@link FerryRuntime}, configured through MicroProfile Config. */
@ApplicationScoped
public class FerryProducer {

    @Produces
    @Singleton
    FerryRuntime runtime() {
        var mp = ConfigProvider.getConfig();
        return new FerryRuntime(new FerryConfig(key -> mp.getOptionalValue(key, String.class)), Clock.systemUTC());
    }
}
