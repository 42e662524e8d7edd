// Signs or verifies a GitHub webhook payload with GitHub's own library (@octokit/webhooks-methods), for
// ProviderSignedWebhooksTest. The secret comes in the environment (argv shows in process listings), the payload on stdin.
//   node sign.mjs sign               prints the X-Hub-Signature-256 value
//   node sign.mjs verify <signature> prints true or false
import { sign, verify } from "@octokit/webhooks-methods";

const secret = process.env.OCTOKIT_WEBHOOK_SECRET;
if (!secret) {
  console.error("sign.mjs: OCTOKIT_WEBHOOK_SECRET is not set");
  process.exit(2);
}
process.stdin.setEncoding("utf8");
let payload = "";
for await (const chunk of process.stdin) {
  payload += chunk;
}
const [mode, signature] = process.argv.slice(2);
if (mode === "sign") {
  process.stdout.write(await sign(secret, payload));
} else if (mode === "verify" && signature) {
  process.stdout.write(String(await verify(secret, payload, signature)));
} else {
  console.error("usage: node sign.mjs sign | verify <signature>");
  process.exit(2);
}
