package dev.ferry.local.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** A bar redrawn in place on a terminal; not a byte when the output is a file or a pipe. */
class ProgressTest {

    @Test
    void drawsInPlaceOnATerminalAndClearsItself() {
        StringWriter text = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(text), true, "backfill x")) {
            p.update(1, 4, "windows");
            p.update(4, 4, "windows");
        }
        assertThat(text.toString()).startsWith("\rbackfill x [#######-----------------------] 1/4 windows")
                .contains("\rbackfill x [##############################] 4/4 windows").endsWith("\r");
    }

    @Test
    void silentWhenNotATerminal() {
        StringWriter text = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(text), false, "plan x")) {
            p.update(3, 0, "page 3");
        }
        assertThat(text.toString()).isEmpty();
    }
}
