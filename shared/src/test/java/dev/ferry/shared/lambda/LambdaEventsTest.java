package dev.ferry.shared.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parses Lambda events the way the handlers do: raw stream -> tree -> record. The events are written
 * inline here in the shapes AWS documents (HTTP API payload 2.0, Function URL, EventBridge Scheduler,
 * SQS); {@link SampleEventsTest} parses the repo's events/ files.
 */
class LambdaEventsTest {

    static final String RECORD = "{\"id\":\"c-1\",\"email\":\"ada@example.com\"}";

    static final String HTTP_API = """
            {
              "version": "2.0",
              "routeKey": "POST /webhooks/{integration}",
              "rawPath": "/webhooks/crm-contacts",
              "rawQueryString": "",
              "cookies": ["a=b"],
              "headers": {
                "content-type": "application/json",
                "x-crm-signature-256": "sha256=abc",
                "x-crm-delivery-id": "d-1",
                "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
              },
              "pathParameters": {"integration": "crm-contacts"},
              "requestContext": {
                "accountId": "123456789012", "apiId": "abc123", "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
                "http": {"method": "POST", "path": "/webhooks/crm-contacts", "protocol": "HTTP/1.1",
                         "sourceIp": "192.0.2.10", "userAgent": "crm-webhooks/1.0"},
                "requestId": "req-1", "routeKey": "POST /webhooks/{integration}", "stage": "$default",
                "time": "04/Mar/2026:05:06:07 +0000", "timeEpoch": 1772600767000
              },
              "body": "%s",
              "isBase64Encoded": true,
              "stageVariables": {"x": "y"}
            }
            """.formatted(Base64.getEncoder().encodeToString(RECORD.getBytes(StandardCharsets.UTF_8)));

    static final String FUNCTION_URL = """
            {
              "version": "2.0",
              "routeKey": "$default",
              "rawPath": "/webhooks/sandbox-contacts",
              "rawQueryString": "",
              "headers": {"content-type": "application/json", "x-sandbox-signature": "sha256=def", "x-sandbox-delivery": "d-2"},
              "requestContext": {
                "accountId": "anonymous", "apiId": "url-id", "domainName": "url-id.lambda-url.us-east-1.on.aws",
                "domainPrefix": "url-id",
                "http": {"method": "POST", "path": "/webhooks/sandbox-contacts", "protocol": "HTTP/1.1",
                         "sourceIp": "192.0.2.11", "userAgent": "curl/8"},
                "requestId": "req-2", "routeKey": "$default", "stage": "$default",
                "time": "04/Mar/2026:05:06:07 +0000", "timeEpoch": 1772600767000
              },
              "body": "{\\"id\\":\\"c-2\\",\\"name\\":\\"Zoë\\"}",
              "isBase64Encoded": false
            }
            """;

    static final String SCHEDULE = """
            {
              "version": "0",
              "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
              "detail-type": "Scheduled Event",
              "source": "aws.scheduler",
              "account": "123456789012",
              "time": "2026-03-04T05:05:00Z",
              "region": "us-east-1",
              "resources": ["arn:aws:scheduler:us-east-1:123456789012:schedule/default/ferry-crm-contacts"],
              "detail": {"integration": "crm-contacts"}
            }
            """;

    static final String SQS = """
            {
              "Records": [
                {
                  "messageId": "m-1",
                  "receiptHandle": "rh-1",
                  "body": "{\\"version\\":1,\\"integration\\":\\"crm-contacts\\",\\"recordId\\":\\"c-1\\"}",
                  "attributes": {
                    "ApproximateReceiveCount": "3",
                    "SentTimestamp": "1772600767000",
                    "SenderId": "AIDAEXAMPLE",
                    "ApproximateFirstReceiveTimestamp": "1772600767001"
                  },
                  "messageAttributes": {
                    "ferry-trace-id": {"stringValue": "t-1", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
                    "ferry-integration": {"stringValue": "crm-contacts", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
                  },
                  "md5OfBody": "0123456789abcdef0123456789abcdef",
                  "eventSource": "aws:sqs",
                  "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:ferry-transform",
                  "awsRegion": "us-east-1"
                },
                {
                  "messageId": "m-2",
                  "receiptHandle": "rh-2",
                  "body": "{}",
                  "attributes": {},
                  "messageAttributes": {},
                  "md5OfBody": "99914b932bd37a50b983c5e7c90ae93b",
                  "eventSource": "aws:sqs",
                  "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:ferry-transform",
                  "awsRegion": "us-east-1"
                }
              ]
            }
            """;

    static JsonNode tree(String json) throws IOException {
        return LambdaIo.readTree(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parsesAnHttpApiEvent() throws IOException {
        HttpApiEvent event = LambdaIo.convert(tree(HTTP_API), HttpApiEvent.class);

        assertThat(event.method()).isEqualTo("POST");
        assertThat(event.path()).isEqualTo("/webhooks/crm-contacts");
        assertThat(event.pathParameters()).containsEntry("integration", "crm-contacts");
        assertThat(event.requestContext().requestId()).isEqualTo("req-1");
        assertThat(event.requestContext().http().sourceIp()).isEqualTo("192.0.2.10");
        assertThat(event.isBase64Encoded()).isTrue();
        assertThat(new String(event.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(RECORD);
    }

    @Test
    void headerLookupIgnoresCase() throws IOException {
        HttpApiEvent event = LambdaIo.convert(tree(HTTP_API), HttpApiEvent.class);

        assertThat(event.header("X-Crm-Signature-256")).isEqualTo("sha256=abc");
        assertThat(event.header("x-crm-signature-256")).isEqualTo("sha256=abc");
        assertThat(event.header("X-CRM-DELIVERY-ID")).isEqualTo("d-1");
        assertThat(event.header("X-Missing")).isNull();
        assertThat(event.header(null)).isNull();

        HttpApiEvent mixed = new HttpApiEvent("2.0", null, "/", null, Map.of("X-Upper", "v"), null, null, null, false);
        assertThat(mixed.header("x-upper")).isEqualTo("v");
        HttpApiEvent none = new HttpApiEvent("2.0", null, "/", null, null, null, null, null, false);
        assertThat(none.header("x-upper")).isNull();
    }

    @Test
    void parsesAFunctionUrlEvent() throws IOException {
        HttpApiEvent event = LambdaIo.convert(tree(FUNCTION_URL), HttpApiEvent.class);

        assertThat(event.method()).isEqualTo("POST");
        assertThat(event.path()).isEqualTo("/webhooks/sandbox-contacts");
        assertThat(event.pathParameters()).isNull();
        assertThat(event.header("X-Sandbox-Delivery")).isEqualTo("d-2");
        assertThat(event.isBase64Encoded()).isFalse();
        assertThat(event.bodyBytes()).isEqualTo("{\"id\":\"c-2\",\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pathFallsBackToTheRequestContext() {
        HttpApiEvent event = new HttpApiEvent("2.0", null, null, null, null, null,
                new HttpApiEvent.RequestContext("r", new HttpApiEvent.Http("GET", "/webhooks/x", null, null), null), null, false);

        assertThat(event.path()).isEqualTo("/webhooks/x");
        assertThat(event.method()).isEqualTo("GET");
    }

    @Test
    void missingBodyIsEmptyAndBadBase64IsRefused() {
        assertThat(new HttpApiEvent("2.0", null, "/", null, null, null, null, null, true).bodyBytes()).isEmpty();
        HttpApiEvent bad = new HttpApiEvent("2.0", null, "/", null, null, null, null, "not base64!", true);
        assertThatThrownBy(bad::bodyBytes).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesAScheduledEvent() throws IOException {
        JsonNode tree = tree(SCHEDULE);
        ScheduledEvent event = LambdaIo.convert(tree, ScheduledEvent.class);

        assertThat(LambdaIo.isSqsEvent(tree)).isFalse();
        assertThat(event.detailType()).isEqualTo("Scheduled Event");
        assertThat(event.integration()).isEqualTo("crm-contacts");
        assertThat(event.resources()).hasSize(1);
    }

    @Test
    void scheduledEventWithoutIntegrationNamesNone() throws IOException {
        assertThat(LambdaIo.convert(tree("{\"detail\": {}}"), ScheduledEvent.class).integration()).isNull();
        assertThat(LambdaIo.convert(tree("{\"detail\": {\"integration\": null}}"), ScheduledEvent.class).integration()).isNull();
        assertThat(LambdaIo.convert(tree("{}"), ScheduledEvent.class).integration()).isNull();
    }

    @Test
    void parsesAnSqsEvent() throws IOException {
        JsonNode tree = tree(SQS);
        SqsEvent event = LambdaIo.convert(tree, SqsEvent.class);

        assertThat(LambdaIo.isSqsEvent(tree)).isTrue();
        assertThat(event.records()).hasSize(2);
        SqsEvent.Message first = event.records().getFirst();
        assertThat(first.messageId()).isEqualTo("m-1");
        assertThat(first.eventSourceArn()).isEqualTo("arn:aws:sqs:us-east-1:123456789012:ferry-transform");
        assertThat(first.receiveCount()).isEqualTo(3);
        assertThat(first.messageAttributes()).containsOnlyKeys("ferry-trace-id", "ferry-integration");
        assertThat(first.messageAttributes().get("ferry-trace-id").stringValue()).isEqualTo("t-1");
        assertThat(first.messageAttributes().get("ferry-integration").dataType()).isEqualTo("String");
        assertThat(tree(first.body()).get("integration").asText()).isEqualTo("crm-contacts");
        // no ApproximateReceiveCount: this is the first receive
        assertThat(event.records().get(1).receiveCount()).isEqualTo(1);
    }

    @Test
    void emptySqsBatch() throws IOException {
        assertThat(LambdaIo.isSqsEvent(tree("{\"Records\": []}"))).isTrue();
        assertThat(LambdaIo.convert(tree("{\"Records\": []}"), SqsEvent.class).records()).isEmpty();
        assertThat(LambdaIo.isSqsEvent(tree(HTTP_API))).isFalse();
        assertThat(LambdaIo.isSqsEvent(tree("{\"Records\": [{\"eventSource\": \"aws:s3\"}]}"))).isFalse();
    }

    @Test
    void writesABatchResponseInLambdasShape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaIo.write(out, SqsBatchResponse.of(List.of("m-1", "m-3")));

        assertThat(Json.MAPPER.readTree(out.toByteArray())).isEqualTo(Json.MAPPER.readTree(
                "{\"batchItemFailures\": [{\"itemIdentifier\": \"m-1\"}, {\"itemIdentifier\": \"m-3\"}]}"));
    }

    @Test
    void writesAnHttpResponseInLambdasShape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaIo.write(out, HttpApiResponse.error(401, "signature does not match the body"));
        JsonNode written = Json.MAPPER.readTree(out.toByteArray());

        assertThat(written.get("statusCode").asInt()).isEqualTo(401);
        assertThat(written.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(written.at("/headers/content-type").asText()).isEqualTo("application/json");
        assertThat(Json.MAPPER.readTree(written.get("body").asText()).get("error").asText())
                .isEqualTo("signature does not match the body");
        assertThat(written.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("statusCode", "headers", "body", "isBase64Encoded");
    }
}
