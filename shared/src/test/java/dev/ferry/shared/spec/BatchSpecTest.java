package dev.ferry.shared.spec;

import org.junit.jupiter.api.Test;

import static dev.ferry.shared.spec.SpecLoaderTest.failure;
import static dev.ferry.shared.spec.SpecLoaderTest.loader;
import static org.assertj.core.api.Assertions.assertThat;

/** destination.batch: what loads, and what is refused with file, line, path and reason. */
class BatchSpecTest {

    /** VALID's destination (lines 17-20) plus a batch block starting at line 21. */
    static String spec(String batchLines) {
        return SpecLoaderTest.VALID + "  batch:\n" + batchLines;
    }

    static final String FULL = """
                size: 25
                method: post
                url: "https://dest.example.com/items/batch"
                wrap: /inputs
                results: /results
                itemStatus: /status
                itemError: /error/message
            """;

    @Test
    void loadsABatchBlock() {
        IntegrationSpec.Batch batch = loader().load("demo.yaml", spec(FULL)).destination().batch();

        assertThat(batch.size()).isEqualTo(25);
        assertThat(batch.methodOrDefault()).hasToString("POST");
        assertThat(batch.url()).isEqualTo("https://dest.example.com/items/batch");
        assertThat(batch.wrap()).isEqualTo("/inputs");
        assertThat(batch.results()).isEqualTo("/results");
        assertThat(batch.itemStatus()).isEqualTo("/status");
        assertThat(batch.itemOk()).isNull();
        assertThat(batch.itemError()).isEqualTo("/error/message");
    }

    @Test
    void theSmallestBatchBlockIsSizeAndUrl() {
        IntegrationSpec.Batch batch = loader().load("demo.yaml", spec("""
                    size: 1000
                    url: "https://dest.example.com/items/batch"
                """)).destination().batch();
        assertThat(batch.methodOrDefault()).hasToString("POST");
        assertThat(batch.wrap()).isNull();
        assertThat(loader().load("demo.yaml", SpecLoaderTest.VALID).destination().batch()).as("no batch block").isNull();
    }

    @Test
    void sizeIsRequiredAndBounded() {
        assertThat(failure(loader(), spec(FULL.replace("    size: 25\n", ""))).problems()).singleElement().asString()
                .isEqualTo("demo.yaml:21: destination.batch.size: is required: the most records one request may carry (1..1000)");
        assertThat(failure(loader(), spec(FULL.replace("size: 25", "size: 0"))).problems()).singleElement().asString()
                .isEqualTo("demo.yaml:22: destination.batch.size: must be 1..1000, got 0");
        assertThat(failure(loader(), spec(FULL.replace("size: 25", "size: 1001"))).problems()).singleElement().asString()
                .isEqualTo("demo.yaml:22: destination.batch.size: must be 1..1000, got 1001");
    }

    @Test
    void theBulkUrlHoldsNoRecordId() {
        assertThat(failure(loader(), spec(FULL.replace("/items/batch", "/items/{recordId}/batch"))).problems())
                .singleElement().asString().startsWith("demo.yaml:24: destination.batch.url: must not hold {recordId}");
        assertThat(failure(loader(), spec(FULL.replace("https://dest", "http://dest"))).problems())
                .singleElement().asString().isEqualTo("demo.yaml:24: destination.batch.url: plain http:// is only allowed in local mode; use https://");
        assertThat(failure(loader(), spec(FULL.replace("    url: \"https://dest.example.com/items/batch\"\n", ""))).problems())
                .singleElement().asString().startsWith("demo.yaml:21: destination.batch.url: is required");
    }

    @Test
    void pointersMustBePointers() {
        assertThat(failure(loader(), spec(FULL.replace("wrap: /inputs", "wrap: inputs"))).problems()).singleElement().asString()
                .isEqualTo("demo.yaml:25: destination.batch.wrap: must be a JSON Pointer starting with '/', got 'inputs'");
        assertThat(failure(loader(), spec(FULL.replace("wrap: /inputs", "wrap: /"))).problems()).singleElement().asString()
                .startsWith("demo.yaml:25: destination.batch.wrap: must name where the array goes");
        assertThat(failure(loader(), spec(FULL.replace("results: /results", "results: results.items"))).problems())
                .singleElement().asString().startsWith("demo.yaml:26: destination.batch.results: must be a JSON Pointer");
        assertThat(failure(loader(), spec(FULL.replace("itemStatus: /status", "itemStatus: status"))).problems())
                .singleElement().asString().startsWith("demo.yaml:27: destination.batch.itemStatus: must be a JSON Pointer");
    }

    @Test
    void itemStatusAndItemOkAreAlternatives() {
        assertThat(failure(loader(), spec(FULL + "    itemOk: /success\n")).problems()).singleElement().asString()
                .isEqualTo("demo.yaml:29: destination.batch.itemOk: itemStatus and itemOk are alternatives: keep the one"
                        + " the API's results have");
    }

    @Test
    void itemPointersNeedResultsAndResultsNeedAnItemPointer() {
        assertThat(failure(loader(), spec(FULL.replace("    results: /results\n", ""))).problems())
                .containsExactly(
                        "demo.yaml:26: destination.batch.itemStatus: needs results (the JSON Pointer to the answer's array of per-item results)",
                        "demo.yaml:27: destination.batch.itemError: needs results (the JSON Pointer to the answer's array of per-item results)");
        assertThat(failure(loader(), spec(FULL.replace("    itemStatus: /status\n", "").replace("    itemError: /error/message\n", "")))
                .problems()).singleElement().asString()
                .startsWith("demo.yaml:26: destination.batch.results: needs itemStatus, itemOk or itemError");
    }

    @Test
    void methodIsPostOrPut() {
        assertThat(failure(loader(), spec(FULL.replace("method: post", "method: PATCH"))).problems()).singleElement().asString()
                .isEqualTo("demo.yaml:23: destination.batch.method: must be one of [POST, PUT], got 'PATCH'");
    }

    @Test
    void anUnknownKeyInTheBatchBlockIsNamed() {
        assertThat(failure(loader(), spec(FULL + "    sise: 10\n")).problems()).singleElement().asString()
                .startsWith("demo.yaml:29: destination.batch.sise: unknown key 'sise'");
    }
}
