package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.local.dev.WebhookSigner;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** {@code ferry sign <integration> [--body file.json]}: a curl signed as the integration's provider would sign it. */
@Command(name = "sign", mixinStandardHelpOptions = true, header = "Print a signed curl for an integration's webhook.",
        description = {"Prints a curl that posts a webhook to ferry dev (http://127.0.0.1:PORT/webhooks/INTEGRATION), signed with"
                + " the integration's webhook secret from .ferry/secrets.json — the key ferry dev puts into its Secrets Manager —"
                + " by the integration's scheme (hmac, standard-webhooks, github, stripe), with a fresh delivery id and, for"
                + " schemes that carry one, the send time now (the signature is then accepted for the spec's tolerance, 300 s by"
                + " default). The body is --body's bytes as they are, else the first example that maps. The secret is never printed.",
            "The sandbox's webhook key is made up by each ferry dev run: ferry dev prints a signed curl for each sandbox webhook."})
final class SignCommand extends Base {

    @Mixin
    WorkspaceOptions workspace;

    @Parameters(index = "0", paramLabel = "INTEGRATION")
    String name;

    @Option(names = "--body", paramLabel = "FILE", description = "The JSON body to sign and send (default: the first example's input).")
    Path body;

    @Option(names = "--port", paramLabel = "PORT", description = "ferry dev's webhook port (default: ${DEFAULT-VALUE}).")
    int port = 8787;

    @Option(names = "--json", description = "Print the URL, headers and body as one JSON document instead of a curl.")
    boolean json;

    @Override
    int run() {
        quietCoreLogs();
        Path root = workspace.root();
        SpecSet.Loaded loaded = workspace.load().require(name);
        IntegrationSpec spec = loaded.spec();
        if (spec.webhook() == null || spec.webhook().signature() == null) {
            throw CliException.usage("'" + name + "' takes no webhooks (it has no webhook section): nothing to sign");
        }
        byte[] bytes = body == null ? WebhookSigner.sampleBody(spec) : read(body);
        String secret = WebhookSigner.secretName(spec);
        Map<String, String> secrets = LocalSettings.secrets(root);
        if (!secrets.containsKey(secret)) {
            throw CliException.problem(loaded.group().name().equals("sandbox")
                    ? "the sandbox's webhook key ('" + secret + "') is made up by each ferry dev run: use the signed curl ferry dev prints"
                    : "no secret '" + secret + "' in " + LocalSettings.SECRETS + ", so nothing to sign with (add \"" + secret
                    + "\": {\"" + field(spec) + "\": \"...\"}; ferry dev loads the same file)");
        }
        String key = WebhookSigner.key(spec, secrets.get(secret)).orElseThrow(() -> CliException.problem(LocalSettings.SECRETS + ": "
                + secret + ": has no text field '" + field(spec) + "' (webhook.signature.field), so nothing to sign with"));
        WebhookSigner.Signed signed;
        try {
            signed = WebhookSigner.sign(spec, key, bytes, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw CliException.problem(LocalSettings.SECRETS + ": " + secret + ": " + e.getMessage());
        }
        String base = "http://127.0.0.1:" + port;
        if (json) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode().put("integration", spec.name())
                    .put("url", base + "/webhooks/" + spec.name());
            ObjectNode headers = doc.putObject("headers");
            signed.headers().forEach(headers::put);
            doc.put("body", new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            if (signed.validForSeconds() != null) {
                doc.put("validForSeconds", signed.validForSeconds());
            }
            printJson(doc);
            return Ferry.OK;
        }
        out().println(signed.curl(base, body == null ? null : body.toString()));
        if (signed.validForSeconds() != null) {
            err().println("(signed with the time now: accepted for " + signed.validForSeconds() + " s; run ferry sign again after that)");
        }
        return Ferry.OK;
    }

    private static String field(IntegrationSpec spec) {
        return spec.webhook().signature().field() == null ? "key" : spec.webhook().signature().field();
    }

    private static byte[] read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw CliException.usage(file + ": --body cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        try {
            Json.parseStrict(bytes);
        } catch (Json.MalformedJsonException e) {
            throw CliException.usage(file + ": --body is not JSON: " + e.getMessage());
        }
        return bytes;
    }
}
