package dev.ferry.bench;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.Parser;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.mapping.FieldMapper;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One realistic 20-field mapping (dates, nulls, nested objects, arrays, value maps, numbers) written for
 * four engines: Ferry's declarative mapping, hand-written Jackson code, JSLT and JSONata.
 */
public final class MappingEngines {

    static final String INPUT = """
            {"id":"c-77","email":"  Ada.Lovelace@Example.COM ","first":"Ada","last":"Lovelace","plan":"pro","seats":"12",
             "mrr":"1999.125","created":1700000000,"renewal":1767236400000,"active":"yes",
             "company":{"name":"Analytical Engines","address":{"city":"London","country":"gb"}},
             "tags":" vip, beta ,early","labels":[{"name":"a"},{"name":"b"},{"name":"c"}],
             "contacts":[{"email":"x@example.com"},{"email":"y@example.com"}],"phone":null,
             "updated":"2026-11-20T10:00:00+01:00","owner":{"login":"grace"},"ignored":{"deep":[1,2,3]}}
            """;

    static final String FERRY_SPEC = """
            name: bench
            source: { recordId: /id, list: { url: "https://example.com/x" } }
            schedule: rate(1 minute)
            mapping:
              id: { from: /id, required: true }
              email: { from: /email, trim: true, case: lower }
              full_name: { template: "{/first} {/last}" }
              plan: { from: /plan, map: { free: starter, pro: professional, enterprise: enterprise } }
              seats: { from: /seats, type: integer }
              mrr: { from: /mrr, type: decimal, scale: 2, rounding: HALF_EVEN }
              created_at: { from: /created, type: datetime, format: unix-seconds }
              renewal_date: { from: /renewal, type: date, format: unix-millis, zone: America/New_York }
              active: { from: /active, type: boolean }
              company: { from: /company/name }
              address.country: { from: /company/address/country, case: upper }
              address.city: { from: /company/address/city }
              tags: { from: /tags, split: ",", trim: true }
              labels: { from: /labels, each: { name: { from: /name } } }
              primary_contact: { from: /contacts, pick: first, each: { email: { from: /email } } }
              phone: { from: /phone, null: omit }
              notes: { from: /notes, absent: default, default: "" }
              source: { value: crm }
              updated_at: { from: /updated, type: datetime }
              owner: { from: /owner/login }
            destination: { method: PUT, url: "https://example.com/c/{recordId}" }
            """;

    static final String JSLT = """
            let plans = {"free": "starter", "pro": "professional", "enterprise": "enterprise"}
            {
              "id": .id,
              "email": lowercase(trim(.email)),
              "full_name": .first + " " + .last,
              "plan": get-key($plans, .plan),
              "seats": number(.seats),
              "mrr": round(number(.mrr) * 100) / 100,
              "created_at": format-time(.created, "yyyy-MM-dd'T'HH:mm:ss'Z'", "UTC"),
              "renewal_date": format-time(.renewal / 1000, "yyyy-MM-dd", "America/New_York"),
              "active": .active == "yes",
              "company": .company.name,
              "address": {"country": uppercase(.company.address.country), "city": .company.address.city},
              "tags": [for (split(.tags, ",")) trim(.) if (trim(.) != "")],
              "labels": [for (.labels) {"name": .name}],
              "primary_contact": {"email": .contacts[0].email},
              "phone": .phone,
              "notes": if (.notes) .notes else "",
              "source": "crm",
              "updated_at": format-time(parse-time(.updated, "yyyy-MM-dd'T'HH:mm:ssXXX"), "yyyy-MM-dd'T'HH:mm:ss'Z'", "UTC"),
              "owner": .owner.login
            }
            """;

    static final String JSONATA = """
            {
              "id": id,
              "email": $lowercase($trim(email)),
              "full_name": first & " " & last,
              "plan": $lookup({"free": "starter", "pro": "professional", "enterprise": "enterprise"}, plan),
              "seats": $number(seats),
              "mrr": $round($number(mrr), 2),
              "created_at": $fromMillis(created * 1000),
              "renewal_date": $fromMillis(renewal, "[Y0001]-[M01]-[D01]", "-0500"),
              "active": active = "yes",
              "company": company.name,
              "address": {"country": $uppercase(company.address.country), "city": company.address.city},
              "tags": [$split(tags, ",").$trim($)[$ != ""]],
              "labels": [labels.{"name": name}],
              "primary_contact": {"email": contacts[0].email},
              "phone": phone,
              "notes": notes ? notes : "",
              "source": "crm",
              "updated_at": $fromMillis($toMillis(updated)),
              "owner": owner.login
            }
            """;

    final JsonNode input;
    final Map<String, Object> inputAsMap;
    final IntegrationSpec spec;
    final FieldMapper ferry = new FieldMapper();
    final Expression jslt;
    final Jsonata jsonata;

    public MappingEngines() {
        try {
            input = Json.MAPPER.readTree(INPUT);
            inputAsMap = Json.MAPPER.convertValue(input, new TypeReference<>() { });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        spec = new SpecLoader(k -> Optional.empty(), false).load("bench.yaml", FERRY_SPEC);
        jslt = Parser.compileString(JSLT);
        jsonata = Jsonata.jsonata(JSONATA);
    }

    public JsonNode ferry() {
        return ferry.map(spec.mapping(), input, spec.destination().nulls());
    }

    public JsonNode jslt() {
        return jslt.apply(input);
    }

    public Object jsonata() {
        return jsonata.evaluate(inputAsMap);
    }

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The same mapping as a careful engineer would write it by hand with Jackson. */
    public JsonNode handWritten() {
        JsonNode in = input;
        ObjectNode out = NODES.objectNode();
        out.put("id", in.path("id").asText());
        out.put("email", in.path("email").asText().strip().toLowerCase(Locale.ROOT));
        out.put("full_name", (in.path("first").asText("") + " " + in.path("last").asText("")).strip());
        String plan = switch (in.path("plan").asText()) {
            case "free" -> "starter";
            case "pro" -> "professional";
            case "enterprise" -> "enterprise";
            default -> throw new IllegalArgumentException("unknown plan");
        };
        out.put("plan", plan);
        out.put("seats", new BigDecimal(in.path("seats").asText()).intValueExact());
        out.put("mrr", new BigDecimal(in.path("mrr").asText()).setScale(2, RoundingMode.HALF_EVEN));
        out.put("created_at", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                Instant.ofEpochSecond(in.path("created").asLong()).atOffset(ZoneOffset.UTC)));
        out.put("renewal_date", Instant.ofEpochMilli(in.path("renewal").asLong()).atZone(NEW_YORK).toLocalDate().toString());
        out.put("active", in.path("active").asText().equals("yes"));
        out.put("company", in.path("company").path("name").asText());
        ObjectNode address = out.putObject("address");
        address.put("country", in.path("company").path("address").path("country").asText().toUpperCase(Locale.ROOT));
        address.put("city", in.path("company").path("address").path("city").asText());
        ArrayNode tags = out.putArray("tags");
        for (String t : in.path("tags").asText().split(",")) {
            if (!t.isBlank()) {
                tags.add(t.strip());
            }
        }
        ArrayNode labels = out.putArray("labels");
        for (JsonNode l : in.path("labels")) {
            labels.addObject().put("name", l.path("name").asText());
        }
        JsonNode contacts = in.path("contacts");
        if (contacts.isArray() && !contacts.isEmpty()) {
            out.putObject("primary_contact").put("email", contacts.get(0).path("email").asText());
        }
        if (!in.path("phone").isNull() && !in.path("phone").isMissingNode()) {
            out.set("phone", in.get("phone"));
        }
        out.put("notes", in.has("notes") ? in.get("notes").asText() : "");
        out.put("source", "crm");
        out.put("updated_at", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                OffsetDateTime.parse(in.path("updated").asText()).toInstant().atOffset(ZoneOffset.UTC)));
        out.put("owner", in.path("owner").path("login").asText());
        return out;
    }

    /** Prints each engine's output once, so a reader can check they do the same work. */
    public static void main(String[] args) throws Exception {
        MappingEngines e = new MappingEngines();
        System.out.println("ferry       " + e.ferry());
        System.out.println("handwritten " + e.handWritten());
        System.out.println("jslt        " + e.jslt());
        System.out.println("jsonata     " + Json.MAPPER.writeValueAsString(e.jsonata()));
    }
}
