package dev.ferry.local.cli;

import dev.ferry.local.FerryDev;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry dev}: the whole pipeline on embedded emulators with the repository's and the sandbox's integrations. */
@Command(name = "dev", mixinStandardHelpOptions = true, header = "Run the whole pipeline locally on embedded emulators.",
        description = {"Runs the whole pipeline locally, in local mode (plain http:// allowed): ElasticMQ, DynamoDB Local and"
                + " moto on 127.0.0.1, the demo CRM and billing APIs, integrations/ and sandbox/integrations/, and a webhook"
                + " endpoint at http://127.0.0.1:PORT/webhooks/{integration}. Prints a ready-signed curl. Ctrl-C stops everything.",
            "Your own settings come from .ferry/settings.properties and your own credentials from .ferry/secrets.json"
                + " ({\"ferry/shop/api\": {\"token\": \"...\"}}), loaded into the local Secrets Manager at every start (.ferry/ is git-ignored)."})
final class DevCommand extends Base {

    @Option(names = "--port", paramLabel = "PORT", description = "The local webhook endpoint's port (default: ${DEFAULT-VALUE}).")
    int port = 8787;

    @Option(names = "--capture-port", paramLabel = "PORT", description = "The capture destination's port: it answers every request 200"
            + " and prints it as DELIVERED; point an API's base URL setting at it (default: ${DEFAULT-VALUE}; 0: any free port).")
    int capturePort = FerryDev.CAPTURE_PORT;

    @Override
    int run() throws Exception {
        java.nio.file.Path root = java.nio.file.Path.of("").toAbsolutePath();
        return FerryDev.dev(port, capturePort, LocalSettings.read(root), LocalSettings.secrets(root));
    }
}
