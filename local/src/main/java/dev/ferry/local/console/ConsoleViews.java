package dev.ferry.local.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.Failure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.replay.Replayer;

import java.util.List;

/** What the page and the JSON endpoints show of a dead letter, and the JSON they answer, in one place. */
public final class ConsoleViews {

    private ConsoleViews() {
    }

    /**
     * One dead letter as shown.
     *
     * @param id         the SQS message id (stable while it lies in the queue)
     * @param failures   the record's whole history, oldest first
     * @param received   the record as the source sent it
     * @param mapped     the record as the mapping made it, for a letter that died at deliver (else null)
     * @param unreadable the message body when it is not an envelope (else null)
     */
    public record Letter(String id, String queue, String integration, String recordId, String traceId, List<Failure> failures,
                  JsonNode received, JsonNode mapped, String unreadable) {

        static Letter of(Replayer.DeadLetter letter) {
            Envelope e = letter.envelope();
            if (e == null) {
                return new Letter(letter.messageId(), letter.queue(), null, null, null, List.of(), null, null, letter.body());
            }
            boolean mappedAlready = e.sourcePayload() != null;
            return new Letter(letter.messageId(), letter.queue(), e.integration(), e.recordId(), e.traceId(), e.failures(),
                    mappedAlready ? e.sourcePayload() : e.payload(), mappedAlready ? e.payload() : null, null);
        }

        public Failure last() {
            return failures.isEmpty() ? null : failures.getLast();
        }

        /** The last failure in a few words, e.g. {@code permanent at deliver (422)}. */
        public String lastSummary() {
            Failure f = last();
            if (f == null) {
                return unreadable != null ? "not an envelope" : "no failure recorded";
            }
            return f.kind().json() + " at " + f.step() + (f.httpStatus() == null ? "" : " (" + f.httpStatus() + ")");
        }

        public String lastReason() {
            Failure f = last();
            return f == null ? "" : f.reason();
        }

        public String lastAt() {
            Failure f = last();
            return f == null || f.at() == null ? "" : f.at().toString();
        }

        public String receivedText() {
            return pretty(received);
        }

        public String mappedText() {
            return pretty(mapped);
        }
    }

    static List<Letter> letters(List<Replayer.DeadLetter> letters) {
        return letters.stream().map(Letter::of).toList();
    }

    static ObjectNode lettersJson(List<Letter> letters) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("count", letters.size());
        var array = out.putArray("deadLetters");
        for (Letter l : letters) {
            ObjectNode node = Json.MAPPER.valueToTree(l);
            node.put("summary", l.lastSummary());
            node.put("reason", l.lastReason());
            node.put("at", l.lastAt());
            array.add(node);
        }
        return out;
    }

    static String pretty(JsonNode node) {
        if (node == null) {
            return "";
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
