package dev.ferry.local.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the catalog knows, as plain records: written as {@code catalog.json} as they are, and read by the page and
 * the Backstage export. Secrets are names only. Lists are sorted by name, so two runs over the same specs give the
 * same files.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Catalog(int version, List<Integration> integrations, List<Api> apis, List<Secret> secrets, List<Queue> queues,
                      List<Table> tables, List<Edge> edges) {

    public static final int VERSION = 1;

    /** Where an API is used by an integration: the source it reads, the destination it writes, a lookup it asks. */
    public enum Role {
        READS, WRITES, LOOKS_UP;

        @com.fasterxml.jackson.annotation.JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Integration(String name, String description, String owner, String file, Triggers triggers, List<ApiUse> apis,
                              List<SecretUse> secrets, Limits limits, List<String> queues, List<Field> dataMap, List<Example> examples) {

        public boolean uses(String api) {
            return apis.stream().anyMatch(u -> u.api().equals(api));
        }

        public boolean examplesPass() {
            return examples.stream().allMatch(Example::passed);
        }
    }

    /**
     * @param webhook        null without a webhook
     * @param schedule       null without a schedule
     * @param reconciliation a schedule beside a webhook: the poll picks up what the webhooks missed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Triggers(Webhook webhook, Schedule schedule, boolean reconciliation) {
    }

    /** @param mode full (the body is the record) or thin (fetch gets it) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Webhook(String method, String path, String mode, String scheme, String signatureHeader, String deliveryIdHeader,
                          String secret) {
    }

    /**
     * @param inTemplate whether {@code infra/template.yaml} has the schedule (a deployed schedule needs it)
     * @param name       the EventBridge schedule's name; null when not in the template
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schedule(String expression, boolean inTemplate, String name, Integer retries, String deadLetterQueue) {
    }

    /**
     * One call an integration makes to an API.
     *
     * @param lookup   the lookup's name, for {@link Role#LOOKS_UP}
     * @param endpoint what is called, e.g. "PUT /v1/customers/{recordId}" (path relative to the API's base URL)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApiUse(String api, Role role, String lookup, List<String> endpoints) {
    }

    /** @param via the API whose auth holds the secret; null when the integration holds it itself (webhook signatures) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SecretUse(String secret, String purpose, String via) {
    }

    /** @param calls per budget: its name and the limits in force */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limits(Integer maxBodyBytes, List<CallLimits> calls) {
    }

    /**
     * The limits in force for one kind of call ({@code source}, {@code destination}, {@code lookup X}).
     *
     * @param share an integration's part of the API's rate (requests/s), when it narrowed it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CallLimits(String call, String api, String budget, Double requestsPerSecond, Integer burst, Double share, Integer timeoutMs,
                             Integer retries, Integer concurrency) {
    }

    /**
     * One output field and where its value comes from.
     *
     * @param source      what Lineage says: a JSON Pointer, "constant …" or "template …"
     * @param sourcePaths every JSON Pointer of the source record the value is read from
     * @param conversions what is done to it, in order
     * @param lookups     the lookups that replace the value, with the API each asks
     */
    public record Field(String field, String source, List<String> sourcePaths, List<String> conversions, List<FieldLookup> lookups) {
    }

    public record FieldLookup(String lookup, String api) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Example(String name, boolean passed, String problem) {
    }

    /** @param declared false for an API written inline in one integration (named by its host) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Api(String name, String description, String owner, String docs, String file, boolean declared, String baseUrl,
                      String auth, String secret, Map<String, Object> limits, List<String> usedBy) {
    }

    /** @param usedBy integrations that depend on it, directly or through an API */
    public record Secret(String name, List<String> heldBy, List<String> usedBy) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Queue(String name, String logicalId, boolean deadLetter, String deadLetterQueue, String description, List<String> usedBy) {
    }

    public record Table(String name, String logicalId, String description) {
    }

    /** One line of the dependency graph: integration → API (reads/writes/looks-up), integration or API → secret (uses). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Edge(String from, String to, String kind, String label) {
    }

    public Optional<Integration> integration(String name) {
        return integrations.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public Optional<Api> api(String name) {
        return apis.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public Optional<Secret> secret(String name) {
        return secrets.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
