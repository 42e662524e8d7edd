package dev.ferry.shared.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec.Batch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BulkRequestsTest {

    static final String TARGET = "POST https://api.example.com/customers/batch";

    static Batch batch(String wrap, String results, String itemStatus, String itemOk, String itemError) {
        return new Batch(25, null, "https://api.example.com/customers/batch", wrap, results, itemStatus, itemOk, itemError);
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static HttpCaller.Response answer(int status, String body) {
        return new HttpCaller.Response(status, body, Map.of());
    }

    static final List<JsonNode> RECORDS = List.of(json("{\"id\":\"a\"}"), json("{\"id\":\"b\"}"), json("{\"id\":\"c\"}"));

    // --- body ----------------------------------------------------------------------------------------

    @Test
    void withoutWrapTheBodyIsTheBareArrayInOrder() {
        assertThat(BulkRequests.body(batch(null, null, null, null, null), RECORDS))
                .isEqualTo(json("[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}]"));
    }

    @Test
    void wrapPutsTheArrayAtItsPointerMakingObjectsOnTheWay() {
        assertThat(BulkRequests.body(batch("/inputs", null, null, null, null), RECORDS.subList(0, 2)))
                .isEqualTo(json("{\"inputs\":[{\"id\":\"a\"},{\"id\":\"b\"}]}"));
        assertThat(BulkRequests.body(batch("/data/items", null, null, null, null), RECORDS.subList(0, 1)))
                .isEqualTo(json("{\"data\":{\"items\":[{\"id\":\"a\"}]}}"));
        assertThat(BulkRequests.body(batch("/a~1b/c~0d", null, null, null, null), RECORDS.subList(0, 1)))
                .as("JSON Pointer escapes").isEqualTo(json("{\"a/b\":{\"c~d\":[{\"id\":\"a\"}]}}"));
    }

    // --- Idempotency-Key -----------------------------------------------------------------------------

    @Test
    void theRequestKeyDependsOnTheRecordKeysAndTheirOrder() {
        String key = BulkRequests.idempotencyKey("crm", List.of("a@1", "b@1"));
        assertThat(key).startsWith("crm:batch:").hasSize("crm:batch:".length() + 16);
        assertThat(BulkRequests.idempotencyKey("crm", List.of("a@1", "b@1"))).isEqualTo(key);
        assertThat(BulkRequests.idempotencyKey("crm", List.of("b@1", "a@1"))).isNotEqualTo(key);
        assertThat(BulkRequests.idempotencyKey("crm", List.of("a@1", "b@2"))).isNotEqualTo(key);
        assertThat(BulkRequests.idempotencyKey("crm", List.of("a@1"))).isNotEqualTo(key);
        assertThat(BulkRequests.idempotencyKey("erp", List.of("a@1", "b@1"))).isNotEqualTo(key);
    }

    // --- item statuses -------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"200,", "201,", "204,", "299,", "429,THROTTLED", "500,RETRYABLE", "503,RETRYABLE", "408,RETRYABLE",
            "400,PERMANENT", "404,PERMANENT", "409,PERMANENT", "422,PERMANENT", "301,PERMANENT", "100,PERMANENT"})
    void itemStatusesAreClassifiedLikeHttpAnswers(int status, FailureKind expected) {
        assertThat(BulkRequests.kindOf(status)).isEqualTo(expected);
    }

    // --- outcomes ------------------------------------------------------------------------------------

    @Test
    void withoutResultsA2xxAnswerDeliversEveryRecord() {
        List<BulkRequests.ItemOutcome> outcomes = BulkRequests.outcomes(batch(null, null, null, null, null),
                answer(202, ""), 3, TARGET);
        assertThat(outcomes).hasSize(3).allMatch(BulkRequests.ItemOutcome::delivered);
    }

    @Test
    void itemStatusesDecideEachRecord() {
        Batch b = batch("/inputs", "/results", "/status", null, "/error/message");
        String body = """
                {"results":[{"status":200,"id":"a"},
                            {"status":422,"error":{"message":"email is invalid"}},
                            {"status":"201"},
                            {"status":503},
                            {"status":429},
                            {"error":{"message":"lost"}}]}""";
        List<BulkRequests.ItemOutcome> outcomes = BulkRequests.outcomes(b,
                new HttpCaller.Response(207, body, Map.of("retry-after", List.of("7"))), 6, TARGET);

        assertThat(outcomes.get(0).delivered()).isTrue();
        assertThat(outcomes.get(0).result().get("id").asText()).isEqualTo("a");
        StepFailure rejected = outcomes.get(1).failure();
        assertThat(rejected.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(rejected.httpStatus()).isEqualTo(422);
        assertThat(rejected.getMessage()).isEqualTo(TARGET + ": item 2 of 6 answered 422: email is invalid");
        assertThat(rejected.detail()).contains("email is invalid");
        assertThat(outcomes.get(2).delivered()).as("a status written as text").isTrue();
        assertThat(outcomes.get(3).failure().kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(outcomes.get(3).failure().spendsAttempt()).isTrue();
        StepFailure throttled = outcomes.get(4).failure();
        assertThat(throttled.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(throttled.retryAfterSeconds()).as("the answer's Retry-After").isEqualTo(7);
        StepFailure unknown = outcomes.get(5).failure();
        assertThat(unknown.kind()).as("no status: outcome unknown, a person looks").isEqualTo(FailureKind.PERMANENT);
        assertThat(unknown.getMessage()).contains("item 6 of 6 has no status at /status").contains("lost");
    }

    @Test
    void aBooleanItemOkFailsTheRecordPermanently() {
        Batch b = batch(null, "", null, "/success", "/errors");
        String body = "[{\"success\":true},{\"success\":false,\"errors\":[{\"field\":\"email\",\"code\":\"REQUIRED\"}]},{}]";
        List<BulkRequests.ItemOutcome> outcomes = BulkRequests.outcomes(b, answer(200, body), 3, TARGET);

        assertThat(outcomes.get(0).delivered()).isTrue();
        assertThat(outcomes.get(1).failure().kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(outcomes.get(1).failure().httpStatus()).isNull();
        assertThat(outcomes.get(1).failure().getMessage())
                .isEqualTo(TARGET + ": item 2 of 3 failed: [{\"field\":\"email\",\"code\":\"REQUIRED\"}]");
        assertThat(outcomes.get(2).failure().getMessage()).contains("no true/false at /success");
    }

    @Test
    void withOnlyItemErrorANonEmptyErrorFailsTheRecord() {
        Batch b = batch(null, "/items", null, null, "/error");
        String body = "{\"items\":[{\"error\":null},{\"error\":\"\"},{},{\"error\":[]},{\"error\":\"duplicate email\"}]}";
        List<BulkRequests.ItemOutcome> outcomes = BulkRequests.outcomes(b, answer(200, body), 5, TARGET);

        assertThat(outcomes.subList(0, 4)).allMatch(BulkRequests.ItemOutcome::delivered);
        assertThat(outcomes.get(4).failure().kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(outcomes.get(4).failure().getMessage()).endsWith("item 5 of 5 failed: duplicate email");
    }

    @Test
    void resultsThatCannotBeLinedUpWithTheRecordsFailTheWholeRequestPermanently() {
        Batch b = batch("/inputs", "/results", "/status", null, null);
        for (String[] bad : new String[][] {
                {"{\"results\":[{\"status\":200},{\"status\":200}]}", "2 results at /results for 3 records"},
                {"{\"results\":[{\"status\":200},{\"status\":200},{\"status\":200},{\"status\":200}]}", "4 results at /results for 3 records"},
                {"{\"data\":[]}", "no results at /results"},
                {"{\"results\":{\"status\":200}}", "results at /results that are not an array"},
                {"<html>ok</html>", "a body that is not JSON"},
                {"", "no body"}}) {
            StepFailure f = catchThrowableOfType(StepFailure.class, () -> BulkRequests.outcomes(b, answer(200, bad[0]), 3, TARGET));
            assertThat(f).as(bad[0]).isNotNull();
            assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(f.httpStatus()).isEqualTo(200);
            assertThat(f.getMessage()).as(bad[0]).startsWith(TARGET + " answered 200 with " + bad[1])
                    .contains("which of its 3 records were applied is unknown");
        }
    }

    @Test
    void failureReasonsKeepLongErrorsShort() {
        Batch b = batch(null, "", "/status", null, "/error");
        String longError = "x".repeat(2000);
        List<BulkRequests.ItemOutcome> outcomes = BulkRequests.outcomes(b,
                answer(200, "[{\"status\":400,\"error\":\"" + longError + "\"}]"), 1, TARGET);
        assertThat(outcomes.getFirst().failure().getMessage().length()).isLessThan(500);
        assertThat(outcomes.getFirst().failure().detail().length()).isLessThan(400);
    }

    // --- strict answers ------------------------------------------------------------------------------

    @Test
    void aStatusThatIsNotExactlyAnHttpStatusIsNoStatus() {
        Batch b = batch(null, "", "/status", null, null);
        // 4294967496 is 2^32 + 200: intValue() wraps it to 200, which would count the item as delivered.
        for (String status : new String[] {"4294967496", "-4294967096", "9223372036854775807", "99999999999999999999",
                "200.0", "2e2", "0", "99", "600", "-200", "\"２００\"", "\"200.0\"", "\"+200\"", "true", "null", "[200]"}) {
            List<BulkRequests.ItemOutcome> outcomes = BulkRequests.outcomes(b, answer(200, "[{\"status\":" + status + "}]"), 1, TARGET);
            assertThat(outcomes.getFirst().delivered()).as("status %s", status).isFalse();
            assertThat(outcomes.getFirst().failure().kind()).as("status %s", status).isEqualTo(FailureKind.PERMANENT);
            assertThat(outcomes.getFirst().failure().getMessage()).as("status %s", status)
                    .endsWith("item 1 of 1 has no status at /status (it may have been applied)");
        }
    }

    @Test
    void answersThatAreNotOneStrictJsonDocumentFailTheWholeRequestPermanently() {
        Batch b = batch(null, "/results", "/status", null, null);
        String ok = "{\"results\":[{\"status\":200}]}";
        for (String bad : new String[] {ok + " {}", ok + ",", ok + " trailing", "{\"results\":[{\"status\":200}],\"results\":[]}",
                "{\"results\":[{\"status\":200,\"status\":500}]}"}) {
            StepFailure f = catchThrowableOfType(StepFailure.class, () -> BulkRequests.outcomes(b, answer(200, bad), 1, TARGET));
            assertThat(f).as(bad).isNotNull();
            assertThat(f.kind()).as(bad).isEqualTo(FailureKind.PERMANENT);
            assertThat(f.getMessage()).as(bad).startsWith(TARGET + " answered 200 with a body that is not JSON (")
                    .contains("which of its 1 records were applied is unknown");
        }
    }

    @Test
    void anAnswerThatIsNotValidUtf8FailsTheWholeRequestPermanently() {
        Batch b = batch(null, "/results", "/status", null, null);
        byte[] prefix = "{\"results\":[{\"status\":200,\"note\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] suffix = "\"}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0xAF} /* overlong '/' */, {(byte) 0x80} /* lone continuation */,
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80} /* encoded surrogate */, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80} /* > U+10FFFF */}) {
            byte[] body = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(bad, 0, body, prefix.length, bad.length);
            System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
            HttpCaller.Response response = new HttpCaller.Response(200, new String(body, java.nio.charset.StandardCharsets.UTF_8), Map.of(), body);
            StepFailure f = catchThrowableOfType(StepFailure.class, () -> BulkRequests.outcomes(b, response, 1, TARGET));
            assertThat(f).isNotNull();
            assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(f.getMessage()).contains("not valid UTF-8 at byte " + prefix.length);
        }
    }
}
