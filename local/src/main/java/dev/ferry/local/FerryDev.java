package dev.ferry.local;

import dev.ferry.shared.config.FerryConfig;
import dev.ferry.testing.AwsEmulators;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ferry dev}: the whole pipeline on embedded emulators (ElasticMQ, DynamoDB Local, moto), the
 * repo's integrations plus the sandbox one, and a local webhook endpoint. Ctrl-C stops it all.
 */
public final class FerryDev {

    private static final java.time.format.DateTimeFormatter CLOCK_TIME = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

    /** One short line per event on the console; the emulators' own chatter only when it matters. */
    public static void configureLogging() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (java.util.logging.Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        java.util.logging.ConsoleHandler console = new java.util.logging.ConsoleHandler();
        console.setLevel(java.util.logging.Level.ALL);
        console.setFormatter(new java.util.logging.Formatter() {
            @Override
            public String format(java.util.logging.LogRecord r) {
                String time = CLOCK_TIME.format(java.time.LocalTime.now());
                return time + " " + r.getLevel().getName() + " " + formatMessage(r) + System.lineSeparator();
            }
        });
        root.addHandler(console);
        root.setLevel(java.util.logging.Level.INFO);
        for (String noisy : new String[] {"org.eclipse.jetty", "com.amazonaws", "org.elasticmq", "org.apache.pekko"}) {
            java.util.logging.Logger.getLogger(noisy).setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** {@code ferry replay ...} against the queues and specs the environment names (FERRY_*). */
    public static int replay(java.util.List<String> args, FerryConfig env, java.io.PrintStream out, java.io.PrintStream err) {
        if (args.contains("-h") || args.contains("--help")) {
            out.println(ReplayCommand.USAGE);
            return 0;
        }
        ReplayCommand.Options options;
        try {
            options = ReplayCommand.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("ferry replay: " + e.getMessage() + "\n" + ReplayCommand.USAGE);
            return 2;
        }
        FerryConfig config = new FerryConfig(key -> key.equals(FerryConfig.INTEGRATIONS_DIR)
                ? env.get(key).or(() -> java.util.Optional.of("integrations")) : env.get(key));
        try {
            var report = new dev.ferry.shared.FerryRuntime(config, java.time.Clock.systemUTC()).replayer()
                    .replay(options.filter());
            ReplayCommand.print(report, options.filter().dryRun(), options.json(), out);
            return 0;
        } catch (RuntimeException e) {
            // e.g. a queue URL not configured, no AWS credentials, an invalid spec: the message says which.
            err.println("ferry replay: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    /** The old entry point; {@code ./ferry} now starts {@link dev.ferry.local.cli.Ferry}. */
    public static void main(String[] args) {
        dev.ferry.local.cli.Ferry.main(args);
    }

    /**
     * {@code ferry dev --port P}: runs until Ctrl-C (exit 0), or answers why it cannot start (1; 2 when not run from
     * the repository).
     */
    public static int dev(int port) throws Exception {
        return dev(port, Map.of(), Map.of());
    }

    /**
     * As {@link #dev(int)}, with a developer's own settings (e.g. {@code shop.api.url}) and credentials (secret name to
     * its JSON), put into the local Secrets Manager at every start: from the git-ignored {@code .ferry/} files.
     */
    public static int dev(int port, Map<String, String> ownSettings, Map<String, String> ownSecrets) throws Exception {
        return dev(port, CAPTURE_PORT, ownSettings, ownSecrets);
    }

    /** The capture destination's port unless {@code --capture-port} says otherwise. */
    public static final int CAPTURE_PORT = 8788;

    /** As {@link #dev(int, Map, Map)}, with the capture destination on {@code capturePort} (0: any free port). */
    public static int dev(int port, int capturePort, Map<String, String> ownSettings, Map<String, String> ownSecrets) throws Exception {
        configureLogging();
        Path root = Path.of("").toAbsolutePath();
        if (!Files.isDirectory(root.resolve("integrations")) || !Files.isDirectory(root.resolve("sandbox/integrations"))) {
            System.err.println("ferry dev: run me from the repository root (no integrations/ or sandbox/integrations/ here)");
            return 2;
        }

        dev.ferry.local.dev.CaptureDestination capture;
        try {
            capture = new dev.ferry.local.dev.CaptureDestination(capturePort, System.out::println);
        } catch (java.io.IOException e) {
            System.err.println("ferry dev: cannot listen on 127.0.0.1:" + capturePort + " for the capture destination: " + e.getMessage()
                    + " (--capture-port to choose another)");
            return 1;
        }
        System.out.println("ferry dev: starting ElasticMQ, DynamoDB Local and moto on 127.0.0.1 ...");
        AwsEmulators aws = AwsEmulators.start();
        SandboxApis sandbox = new SandboxApis(aws);
        ownSecrets.forEach(aws::putSecret);
        if (!ownSecrets.isEmpty()) {
            System.out.println("ferry dev: loaded " + ownSecrets.size() + " local secret(s) from .ferry/secrets.json: "
                    + String.join(", ", ownSecrets.keySet()));
        }
        Map<String, String> settings = new HashMap<>(ownSettings);
        settings.putAll(sandbox.settings());
        settings.put(FerryConfig.INTEGRATIONS_DIR, root.resolve("integrations") + "," + root.resolve("sandbox/integrations"));
        settings.put(FerryConfig.RETRY_BASE_DELAY, "2");
        // A broken spec is reported and left out (its last good version kept on a reload); the others run.
        settings.put(LocalFerry.KEEP_GOOD_SPECS, "true");
        // EMF lines are for CloudWatch: on a terminal they would bury the curl and the DELIVERED lines. Your own
        // settings (ferry.metrics.enabled=true in .ferry/settings.properties) turn them back on.
        settings.putIfAbsent(FerryConfig.METRICS_ENABLED, ownSettings.getOrDefault(FerryConfig.METRICS_ENABLED, "false"));
        LocalFerry ferry;
        try {
            ferry = new LocalFerry(aws, settings).startPollers();
        } catch (RuntimeException e) {
            System.err.println("ferry dev: cannot start: " + e.getMessage());
            capture.close();
            sandbox.close();
            aws.close();
            return 1;
        }
        sandbox.onDelivery(line -> System.out.println("DELIVERED  " + line));
        dev.ferry.local.dev.LiveSpecs live = dev.ferry.local.dev.LiveSpecs.start(ferry.devSpecs(), ferry.runtime().integrations(),
                root, System.out);
        LocalHttpApi api = new LocalHttpApi(ferry, port);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nferry dev: stopping ...");
            live.close();
            api.close();
            capture.close();
            ferry.close();
            sandbox.close();
            aws.close();
            System.out.println("ferry dev: stopped.");
            stopped.countDown();
        }, "ferry-dev-shutdown"));

        // The demo CRM's own copies: a later poll finds the same version and skips it; the thin event names another contact.
        Map<String, byte[]> demoBodies = Map.of(
                "sandbox-contacts", dev.ferry.shared.json.Json.write(sandbox.contact("c-1001")).getBytes(StandardCharsets.UTF_8),
                "sandbox-contact-events", "{\"id\":\"c-1002\",\"event\":\"contact.updated\"}".getBytes(StandardCharsets.UTF_8));
        Map<String, String> webhookSecrets = new HashMap<>(ownSecrets);
        webhookSecrets.put(SandboxApis.WEBHOOK_SECRET, "{\"key\":\"" + sandbox.webhookKey() + "\"}");
        String base = "http://127.0.0.1:" + api.port();
        System.out.println();
        System.out.println("ferry dev is running. Integrations: " + String.join(", ",
                ferry.runtime().integrations().all().stream().map(s -> s.name()).toList()));
        System.out.println("Signed webhooks, one per integration whose webhook secret is here (each record appears below as DELIVERED;"
                + " `ferry sign NAME --body file.json` signs another body):");
        dev.ferry.local.dev.WebhookSigner.curls(ferry.runtime().integrations().all(), webhookSecrets, demoBodies, base,
                java.time.Clock.systemUTC()).forEach((name, curl) -> {
                    System.out.println();
                    System.out.println("  " + curl.replace("\n", "\n  "));
                });
        System.out.println();
        System.out.println("Poll the sandbox CRM now (as its schedule would):  curl -sS -X POST " + base + "/schedules/sandbox-contacts");
        System.out.println("Replay dead letters (dry run first):  curl -sS -X POST '" + base + "/replay?dryRun=true'");
        System.out.println("Console (counts, dead letters, a record's trail, replay):  " + base + "/console");
        System.out.println("Capture destination: " + capture.url() + "  (point an API there to see what your integration sends,"
                + " e.g. shop.api.url=" + capture.url() + "/shop in .ferry/settings.properties; each request prints DELIVERED)");
        System.out.println("Specs reload when a file in " + String.join(", ", live.directories().stream()
                .map(d -> root.relativize(d).toString()).toList()) + " changes; no restart needed.");
        System.out.println("Ctrl-C stops everything.");
        stopped.await();
        return 0;
    }
}
