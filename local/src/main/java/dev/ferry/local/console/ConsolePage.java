package dev.ferry.local.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The console page: the jte template {@code src/main/jte/console.jte} (compiled at build time, every value
 * HTML-escaped) renders what is known when the page is asked for; {@code console.js} then refreshes it from the JSON
 * endpoints. Style and script are served by {@code ferry dev} itself ({@code /console/console.css}, {@code .js}), so
 * the page's Content-Security-Policy can forbid every inline script and every other origin.
 */
public final class ConsolePage {

    /** What the template sees. */
    public record View(List<String> integrations, List<LiveCounts.Row> counts, List<ConsoleViews.Letter> letters,
                       List<RecordTrail.Entry> recent) {

        /** e.g. {@code 10:04:31} of an ISO instant, for a narrow column (the full instant goes in the title). */
        public String clock(java.time.Instant at) {
            return at == null ? "" : at.toString().substring(11, 19);
        }

        public String clock(String at) {
            return at == null || at.length() < 19 ? "" : at.substring(11, 19);
        }
    }

    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private ConsolePage() {
    }

    static String render(View view) {
        StringOutput out = new StringOutput();
        ENGINE.render("console.jte", view, out);
        return out.toString();
    }

    /** {@code console.css} or {@code console.js}, beside this class. */
    static byte[] resource(String name) {
        try (InputStream in = ConsolePage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
