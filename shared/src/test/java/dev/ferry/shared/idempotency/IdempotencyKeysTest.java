package dev.ferry.shared.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyKeysTest {

    static IntegrationSpec spec(String versionPointer) {
        return new IntegrationSpec("demo", null, null,
                new IntegrationSpec.Source("/id", versionPointer, null, null, null), null, null, Map.of(), null, null, null);
    }

    static IntegrationSpec templated(String template) {
        return new IntegrationSpec("demo", null, null,
                new IntegrationSpec.Source("/id", null, null, null, null, null, template), null, null, Map.of(), null, null, null);
    }

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void versionPointerGivesIdAtVersion() throws Exception {
        JsonNode record = json("{\"id\": \"c-1\", \"meta\": {\"updated_at\": \"2026-03-04T05:06:07Z\"}}");

        assertThat(IdempotencyKeys.forRecord(spec("/meta/updated_at"), "c-1", record)).isEqualTo("c-1@2026-03-04T05:06:07Z");
    }

    @Test
    void numericVersionIsUsedAsText() throws Exception {
        assertThat(IdempotencyKeys.forRecord(spec("/rev"), "c-1", json("{\"id\": \"c-1\", \"rev\": 17}"))).isEqualTo("c-1@17");
    }

    @Test
    void withoutVersionTheKeyIsAContentDigest() throws Exception {
        String key = IdempotencyKeys.forRecord(spec(null), "c-1", json("{\"id\": \"c-1\", \"name\": \"Ada\"}"));

        assertThat(key).matches("c-1#[0-9a-f]{16}");
    }

    @Test
    void digestIsStableForEqualContentAndDiffersForChangedContent() throws Exception {
        String a = IdempotencyKeys.forRecord(spec(null), "c-1", json("{\"id\": \"c-1\", \"name\": \"Ada\"}"));
        String again = IdempotencyKeys.forRecord(spec(null), "c-1", json("{ \"id\" : \"c-1\",\n \"name\" : \"Ada\" }"));
        String changed = IdempotencyKeys.forRecord(spec(null), "c-1", json("{\"id\": \"c-1\", \"name\": \"Ada L.\"}"));

        assertThat(again).isEqualTo(a);
        assertThat(changed).isNotEqualTo(a).startsWith("c-1#");
    }

    @Test
    void missingVersionValueFallsBackToTheDigest() throws Exception {
        assertThat(IdempotencyKeys.forRecord(spec("/updated_at"), "c-1", json("{\"id\": \"c-1\"}"))).matches("c-1#[0-9a-f]{16}");
        assertThat(IdempotencyKeys.forRecord(spec("/updated_at"), "c-1", json("{\"id\": \"c-1\", \"updated_at\": null}")))
                .matches("c-1#[0-9a-f]{16}");
    }

    @Test
    void digestIgnoresKeyOrder() throws Exception {
        JsonNode one = json("{\"id\": \"c-1\", \"name\": \"Ada\", \"address\": {\"city\": \"London\", \"zip\": \"N1\"}}");
        JsonNode other = json("{\"address\": {\"zip\": \"N1\", \"city\": \"London\"}, \"name\": \"Ada\", \"id\": \"c-1\"}");
        assertThat(one).isEqualTo(other);

        assertThat(IdempotencyKeys.forRecord(spec(null), "c-1", other)).isEqualTo(IdempotencyKeys.forRecord(spec(null), "c-1", one));
    }

    @Test
    void digestIsTheFirst16HexOfSha256() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("hello".getBytes(StandardCharsets.UTF_8))).substring(0, 16);

        assertThat(IdempotencyKeys.digest("hello")).isEqualTo(expected).isEqualTo("2cf24dba5fb0a30e");
    }

    @Test
    void aTemplateBuildsTheKeyFromSeveralFields() throws Exception {
        JsonNode record = json("{\"id\": \"o-7\", \"updated_at\": \"2026-03-04T05:06:07Z\", \"lines\": {\"revision\": 3}}");

        assertThat(IdempotencyKeys.forRecord(templated("{/id}@{/updated_at}#r{/lines/revision}"), "o-7", record))
                .isEqualTo("o-7@2026-03-04T05:06:07Z#r3");
    }

    @Test
    void aTemplateChangesWhenAnyOfItsFieldsChanges() throws Exception {
        IntegrationSpec spec = templated("{/id}:{/updated_at}:{/revision}");
        String a = IdempotencyKeys.forRecord(spec, "o-7", json("{\"id\": \"o-7\", \"updated_at\": \"t1\", \"revision\": 1}"));
        String sameTimeNewRevision = IdempotencyKeys.forRecord(spec, "o-7", json("{\"id\": \"o-7\", \"updated_at\": \"t1\", \"revision\": 2}"));

        assertThat(a).isEqualTo("o-7:t1:1");
        assertThat(sameTimeNewRevision).isEqualTo("o-7:t1:2");
    }

    @Test
    void aTemplateWithAMissingPartFallsBackToTheDigest() throws Exception {
        IntegrationSpec spec = templated("{/id}@{/updated_at}");

        assertThat(IdempotencyKeys.forRecord(spec, "o-7", json("{\"id\": \"o-7\"}"))).matches("o-7#[0-9a-f]{16}");
        assertThat(IdempotencyKeys.forRecord(spec, "o-7", json("{\"id\": \"o-7\", \"updated_at\": {\"nested\": 1}}")))
                .as("an object is not a key part").matches("o-7#[0-9a-f]{16}");
    }

    @Test
    void dollarsAndBackslashesInValuesAreKeptAsTheyAre() throws Exception {
        assertThat(IdempotencyKeys.forRecord(templated("{/id}@{/v}"), "a", json("{\"id\": \"a$1\", \"v\": \"x\\\\y\"}")))
                .isEqualTo("a$1@x\\y");
    }

    // --- numbers: by value, exactly ----------------------------------------------------------------

    static String digestKey(String json) throws Exception {
        return IdempotencyKeys.forRecord(spec(null), "c-1", json(json));
    }

    @Test
    void numericallyEqualContentGivesOneDigest() throws Exception {
        String key = digestKey("{\"id\": \"c-1\", \"amount\": 10.5, \"n\": [1, 2]}");
        for (String same : new String[] {"10.50", "10.500", "1.05E+1", "105E-1"}) {
            assertThat(digestKey("{\"id\": \"c-1\", \"amount\": " + same + ", \"n\": [1, 2]}")).as(same).isEqualTo(key);
        }
        assertThat(digestKey("{\"id\": \"c-1\", \"amount\": 10.5, \"n\": [1.0, 2.00]}")).isEqualTo(key);
        // a text is not a number
        assertThat(digestKey("{\"id\": \"c-1\", \"amount\": \"10.5\", \"n\": [1, 2]}")).isNotEqualTo(key);
    }

    @Test
    void amountsADoubleCouldNotTellApartGiveTwoDigests() throws Exception {
        String[][] pairs = {{"12345678901234567.895", "12345678901234567.896"}, {"0.1234567890123456789", "0.1234567890123456788"},
                {"9007199254740993", "9007199254740992"}, {"123456789012345678901234567890", "123456789012345678901234567891"},
                {"1E-400", "0"}, {"1E+400", "1.0000000000000001E+400"}};
        for (String[] pair : pairs) {
            assertThat(digestKey("{\"id\": \"c-1\", \"amount\": " + pair[0] + "}")).as(pair[0] + " vs " + pair[1])
                    .isNotEqualTo(digestKey("{\"id\": \"c-1\", \"amount\": " + pair[1] + "}"));
        }
    }

    @Test
    void theDigestOfARecordWithoutDecimalsIsTheOneEarlierVersionsMade() throws Exception {
        JsonNode record = json("{\"id\": \"c-1\", \"seats\": 12, \"big\": 123456789012345678901234567890, \"name\": \"Ada\"}");
        assertThat(IdempotencyKeys.forRecord(spec(null), "c-1", record))
                .isEqualTo("c-1#" + IdempotencyKeys.digest(Json.writeSortedBytes(record)));
        // a decimal in its shortest form too: 2.5 was written 2.5 when records were read as doubles
        JsonNode decimal = json("{\"id\": \"c-1\", \"ratio\": 2.5}");
        assertThat(IdempotencyKeys.forRecord(spec(null), "c-1", decimal)).isEqualTo("c-1#" + IdempotencyKeys.digest(
                "{\"id\":\"c-1\",\"ratio\":2.5}"));
    }

    @Test
    void aHostileExponentIsDigestedWithoutExpandingIt() throws Exception {
        String key = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> digestKey("{\"id\": \"c-1\", \"amount\": 1E+999999999}"));
        assertThat(key).isEqualTo("c-1#" + IdempotencyKeys.digest("{\"amount\":1E+999999999,\"id\":\"c-1\"}"));
        assertThat(digestKey("{\"id\": \"c-1\", \"amount\": 10E+999999998}")).isEqualTo(key);
    }

    @Test
    void numbersInKeyPartsAndVersionsAreTheirCanonicalText() throws Exception {
        IntegrationSpec spec = templated("{/id}:{/rev}:{/amount}");
        assertThat(IdempotencyKeys.forRecord(spec, "o-1", json("{\"id\": \"o-1\", \"rev\": 2.0, \"amount\": 12345678901234567.8950}")))
                .isEqualTo("o-1:2:12345678901234567.895");
        assertThat(IdempotencyKeys.forRecord(spec, "o-1", json("{\"id\": \"o-1\", \"rev\": 2, \"amount\": 0.00000001}")))
                .isEqualTo("o-1:2:0.00000001");
        assertThat(IdempotencyKeys.forRecord(spec("/rev"), "c-1", json("{\"id\": \"c-1\", \"rev\": 1.50}"))).isEqualTo("c-1@1.5");
        assertThat(IdempotencyKeys.forRecord(spec("/rev"), "c-1", json("{\"id\": \"c-1\", \"rev\": 1E+3}"))).isEqualTo("c-1@1000");
    }
}
