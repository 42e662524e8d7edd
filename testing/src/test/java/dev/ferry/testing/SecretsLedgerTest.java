package dev.ferry.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class SecretsLedgerTest {

    @Test
    void aJsonSecretContributesEachLeafAnyOtherSecretItsWholeString() {
        assertThat(SecretsLedger.values("{\"clientId\":\"c\",\"auth\":{\"token\":\"t-123\",\"keys\":[\"k1\",7]},\"none\":null}"))
                .containsExactly(entry("clientId", "c"), entry("auth.token", "t-123"), entry("auth.keys[0]", "k1"), entry("auth.keys[1]", "7"));
        assertThat(SecretsLedger.values("plain-secret")).containsExactly(entry("-", "plain-secret"));
        assertThat(SecretsLedger.values("\"quoted\"")).containsExactly(entry("-", "\"quoted\""));
    }

    @Test
    void recordsEachValueOnceInBase64AndOnlyWhenTheBuildAsksForIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("target/ferry-secrets-used.txt");
        String before = System.getProperty(SecretsLedger.FILE_PROPERTY);
        try {
            System.clearProperty(SecretsLedger.FILE_PROPERTY);
            assertThat(SecretsLedger.enabled()).isFalse();
            SecretsLedger.record("ferry/x/api", "{\"token\":\"not-recorded-value\"}");
            assertThat(file).doesNotExist();

            System.setProperty(SecretsLedger.FILE_PROPERTY, file.toString());
            SecretsLedger.record("ferry/x/api", "{\"token\":\"ledger-value-1\"}");
            SecretsLedger.record("ferry/x/api", "{\"token\":\"ledger-value-1\"}");
            SecretsLedger.record("ferry/x/api", "{\"token\":\"ledger-value-2\"}");
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).containsExactly("ferry/x/api\ttoken\t" + b64("ledger-value-1"), "ferry/x/api\ttoken\t" + b64("ledger-value-2"));
            assertThat(Files.readString(file)).doesNotContain("ledger-value");
        } finally {
            if (before == null) {
                System.clearProperty(SecretsLedger.FILE_PROPERTY);
            } else {
                System.setProperty(SecretsLedger.FILE_PROPERTY, before);
            }
        }
    }

    private static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
