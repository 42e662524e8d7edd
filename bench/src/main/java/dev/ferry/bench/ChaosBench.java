package dev.ferry.bench;

import dev.ferry.local.chaos.Account;
import dev.ferry.local.chaos.ChaosRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code bench/run chaos [records] [--seed N]}: the chaos run of {@code ChaosRunTest} at full size (default 10,000
 * records). Prints the account and writes it, with the command that produced it, to {@code bench/results/chaos.md};
 * exits 1 when the account fails (any record lost, applied twice, wrong or still dead), 2 on bad arguments.
 */
public final class ChaosBench {

    private ChaosBench() {
    }

    public static void main(String[] args) throws IOException {
        int records = 10_000;
        long seed = System.currentTimeMillis();
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--seed") && i + 1 < args.length) {
                    seed = Long.parseLong(args[++i]);
                } else {
                    records = Integer.parseInt(args[i]);
                }
            }
        } catch (NumberFormatException e) {
            System.err.println("bench/run chaos: usage: bench/run chaos [records] [--seed N] (" + e.getMessage() + ")");
            System.exit(2);
        }
        if (records < 10) {
            System.err.println("bench/run chaos: a chaos run needs at least 10 records, got " + records);
            System.exit(2);
        }
        String command = "bench/run chaos " + records + " --seed " + seed;
        System.out.println(command);
        Account account = ChaosRun.run(ChaosRun.Options.standard(records, seed));
        String text = account.text();
        System.out.println(text);
        Path out = Path.of("bench/results/chaos.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "# Chaos run at full size\n\nMeasured " + Instant.now() + " on a shared 2-core build machine, with\n\n    "
                + command + "\n\n(the same code as `ChaosRunTest`, which CI runs at 2,000 records). The account:\n\n```\n"
                + text + "```\n");
        System.out.println("written to " + out);
        System.exit(account.passed() ? 0 : 1);
    }
}
