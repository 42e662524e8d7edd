package dev.ferry.local.cli;

import picocli.CommandLine.Help.Ansi;

/** Colours (and progress bars) only on a terminal; plain text into files, pipes and CI logs. */
record Style(boolean terminal) {

    /** A terminal on both ends, and no NO_COLOR asking for plain text. */
    static boolean detectTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() && System.getenv("NO_COLOR") == null;
    }

    private String paint(String style, String text) {
        return terminal ? Ansi.ON.string("@|" + style + " " + text.replace("|@", "| @") + "|@") : text;
    }

    String error(String text) {
        return paint("red", text);
    }

    String warning(String text) {
        return paint("yellow", text);
    }

    String ok(String text) {
        return paint("green", text);
    }

    String bold(String text) {
        return paint("bold", text);
    }
}
