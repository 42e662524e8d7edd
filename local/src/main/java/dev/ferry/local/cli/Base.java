package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What every subcommand has: where to print, the style, and quiet core logs (the command prints its own findings). */
abstract class Base implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    FerryCommand root;

    /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger CORE_LOG = Logger.getLogger("dev.ferry");

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Style style() {
        return root == null ? new Style(false) : root.style();
    }

    /** The loader's own log lines would repeat what the command reports as problems and warnings (until the command ends). */
    static void quietCoreLogs() {
        CORE_LOG.setLevel(Level.SEVERE);
    }

    void printJson(JsonNode node) {
        out().println(node.toPrettyString());
    }

    @Override
    public final Integer call() throws Exception {
        Level before = CORE_LOG.getLevel();
        try {
            return run();
        } finally {
            CORE_LOG.setLevel(before); // in-process callers (tests, ferry dev's JVM) keep their own logging
        }
    }

    abstract int run() throws Exception;
}
