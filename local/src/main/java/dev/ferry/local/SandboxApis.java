package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The sandbox integration's two demo APIs on loopback: a CRM that lists and serves contacts (bearer
 * token) and a billing API that accepts customers (API key). Their credentials are made up per run
 * and stored only in the emulated Secrets Manager, as on AWS.
 */
public final class SandboxApis implements AutoCloseable {

    public static final String WEBHOOK_SECRET = "ferry/sandbox/webhook";
    public static final String CRM_SECRET = "ferry/sandbox/crm";
    public static final String BILLING_SECRET = "ferry/sandbox/billing";

    private final FakeApi crm;
    private final FakeApi billing;
    private final String webhookKey;
    private final Map<String, ObjectNode> contacts = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> customers = new ConcurrentHashMap<>();
    private final List<Consumer<String>> deliveryListeners = new CopyOnWriteArrayList<>();

    public SandboxApis(AwsEmulators aws) {
        this.webhookKey = random();
        String crmToken = random();
        String billingKey = random();
        aws.putSecret(WEBHOOK_SECRET, "{\"key\":\"" + webhookKey + "\"}");
        aws.putSecret(CRM_SECRET, "{\"token\":\"" + crmToken + "\"}");
        aws.putSecret(BILLING_SECRET, "{\"apiKey\":\"" + billingKey + "\"}");
        for (ObjectNode c : List.of(
                contact("c-1001", "Ada Lovelace", "ada@example.com", "pro", "London", "GB"),
                contact("c-1002", "Grace Hopper", "grace@example.com", "team", "Arlington", "US"),
                contact("c-1003", "Katherine Johnson", "katherine@example.com", "free", "Hampton", "US"))) {
            contacts.put(c.get("id").asText(), c);
        }

        crm = FakeApi.start();
        crm.on("GET", "/contacts", request -> {
            if (!("Bearer " + crmToken).equals(request.header("Authorization"))) {
                return FakeApi.Reply.json(401, "{\"error\":\"bad token\"}");
            }
            ObjectNode page = JsonNodeFactory.instance.objectNode();
            ArrayNode data = page.putArray("data");
            contacts.values().stream().sorted((a, b) -> a.get("id").asText().compareTo(b.get("id").asText())).forEach(data::add);
            return FakeApi.Reply.json(200, Json.write(page));
        });
        crm.on("GET", "/contacts/*", request -> {
            if (!("Bearer " + crmToken).equals(request.header("Authorization"))) {
                return FakeApi.Reply.json(401, "{\"error\":\"bad token\"}");
            }
            ObjectNode c = contacts.get(request.path().substring("/contacts/".length()));
            return c == null ? FakeApi.Reply.json(404, "{\"error\":\"no such contact\"}") : FakeApi.Reply.json(200, Json.write(c));
        });

        billing = FakeApi.start();
        billing.on("PUT", "/customers/*", request -> {
            if (!billingKey.equals(request.header("X-Api-Key"))) {
                return FakeApi.Reply.json(401, "{\"error\":\"bad api key\"}");
            }
            String id = request.path().substring("/customers/".length());
            try {
                customers.put(id, Json.MAPPER.readTree(request.body()));
            } catch (java.io.IOException e) {
                return FakeApi.Reply.json(400, "{\"error\":\"body is not JSON\"}");
            }
            String line = "billing API <- PUT " + request.path() + " (Idempotency-Key " + request.header("Idempotency-Key")
                    + "): " + request.bodyText();
            deliveryListeners.forEach(l -> l.accept(line));
            return FakeApi.Reply.json(200, "{\"ok\":true}");
        });
    }

    private static ObjectNode contact(String id, String name, String email, String plan, String city, String country) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("id", id);
        c.put("name", name);
        c.put("email", email);
        c.put("plan", plan);
        c.put("updated_at", "2026-11-20T10:00:00Z");
        ObjectNode address = c.putObject("address");
        address.put("city", city);
        address.put("country", country);
        return c;
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Settings that point the sandbox specs at these APIs. */
    public Map<String, String> settings() {
        return Map.of("sandbox.crm.url", crm.baseUrl(), "sandbox.billing.url", billing.baseUrl());
    }

    public String webhookKey() {
        return webhookKey;
    }

    public ObjectNode contact(String id) {
        return contacts.get(id);
    }

    public Map<String, JsonNode> customers() {
        return customers;
    }

    public void onDelivery(Consumer<String> listener) {
        deliveryListeners.add(listener);
    }

    @Override
    public void close() {
        crm.close();
        billing.close();
    }
}
