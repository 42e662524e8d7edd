package dev.ferry.local;

import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.FailureKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `ferry replay`'s options: flags and the local endpoint's query give the same filter; bad input is named. */
class ReplayCommandTest {

    @Test
    void flagsBecomeTheFilter() {
        var options = ReplayCommand.parse(List.of("--integration", "crm-contacts", "--kind", "permanent",
                "--from", "2026-11-01T00:00:00Z", "--to", "2026-11-02T00:00:00Z", "--dry-run", "--json"));

        assertThat(options.filter().integration()).isEqualTo("crm-contacts");
        assertThat(options.filter().kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(options.filter().from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(options.filter().to()).isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));
        assertThat(options.filter().dryRun()).isTrue();
        assertThat(options.json()).isTrue();
        assertThat(ReplayCommand.parse(List.of()).filter().dryRun()).as("no flags: replay everything, for real").isFalse();
    }

    @Test
    void theLocalEndpointsQueryGivesTheSameFilter() {
        var filter = ReplayCommand.fromQuery(Map.of("integration", "crm-contacts", "kind", "THROTTLED", "dryRun", "true"));

        assertThat(filter.integration()).isEqualTo("crm-contacts");
        assertThat(filter.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(filter.dryRun()).isTrue();
        assertThatThrownBy(() -> ReplayCommand.fromQuery(Map.of("dryrun", "true")))
                .hasMessage("unknown parameter 'dryrun'");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> ReplayCommand.parse(List.of("--kind", "fatal")))
                .hasMessage("--kind must be permanent, retryable or throttled, not 'fatal'");
        assertThatThrownBy(() -> ReplayCommand.parse(List.of("--from", "yesterday")))
                .hasMessageContaining("--from must be an ISO-8601 instant");
        assertThatThrownBy(() -> ReplayCommand.parse(List.of("--integration")))
                .hasMessage("--integration needs a value");
        assertThatThrownBy(() -> ReplayCommand.parse(List.of("--integration", "--dry-run")))
                .hasMessage("--integration needs a value");
        assertThatThrownBy(() -> ReplayCommand.parse(List.of("--from", "2026-11-02T00:00:00Z", "--to", "2026-11-01T00:00:00Z")))
                .hasMessageContaining("must be before");
        assertThatThrownBy(() -> ReplayCommand.parse(List.of("--force")))
                .hasMessage("unknown argument '--force'");
    }

    @Test
    void theCommandExitsTwoWithUsageOnBadFlagsAndOneWhenItCannotReachTheQueues() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(FerryDev.replay(List.of("--kind", "fatal"), FerryConfig.of(Map.of()), o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ferry replay: --kind must be").contains("usage: ferry replay");

        err.reset();
        // No queue URLs configured: a one-line reason, not a stack trace.
        FerryConfig nothing = new FerryConfig(key -> java.util.Optional.empty());
        assertThat(FerryDev.replay(List.of("--dry-run"), nothing, o, e)).isEqualTo(1);
        String reason = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(reason).startsWith("ferry replay: ").doesNotContain("\tat ");
        assertThat(reason.lines().count()).isEqualTo(1);
    }
}
