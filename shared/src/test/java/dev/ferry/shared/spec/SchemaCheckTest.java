package dev.ferry.shared.spec;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Checked ahead of time: a nullable source field feeding a required destination field needs a policy. */
class SchemaCheckTest {

    static String spec(String emailRule) {
        return """
                name: demo
                source:
                  recordId: /id
                  list: { url: "https://crm.example.com/contacts" }
                  schema:
                    type: object
                    required: [id, email]
                    properties:
                      id: { type: string }
                      email: { type: [string, "null"] }
                      nickname: { type: string }
                schedule: rate(5 minutes)
                mapping:
                  customer_id: { from: /id }
                  email: %s
                destination:
                  method: PUT
                  url: "https://billing.example.com/customers/{recordId}"
                  schema:
                    type: object
                    required: [customer_id, email]
                """.formatted(emailRule);
    }

    static SpecLoader loader() {
        return new SpecLoader(k -> Optional.empty(), false);
    }

    @Test
    void nullableSourceIntoRequiredFieldWithoutPolicyIsRefusedBeforeAnythingRuns() {
        SpecException e = catchThrowableOfType(SpecException.class, () -> loader().load("demo.yaml", spec("{ from: /email }")));

        assertThat(e.problems()).singleElement().asString()
                .contains("demo.yaml:15: mapping.email: source /email may be null").contains("requires 'email'");
    }

    @Test
    void anOptionalSourceFieldIsAbsentRisk() {
        SpecException e = catchThrowableOfType(SpecException.class, () -> loader().load("demo.yaml", spec("{ from: /nickname }")));

        assertThat(e.problems()).singleElement().asString().contains("may be absent");
    }

    @Test
    void aDeclaredPolicyOrRequiredSatisfiesTheCheck() {
        assertThat(loader().load("demo.yaml", spec("{ from: /email, null: default, default: unknown@example.com }")).name()).isEqualTo("demo");
        assertThat(loader().load("demo.yaml", spec("{ from: /email, required: true }")).name()).isEqualTo("demo");
    }

    @Test
    void aRequiredDestinationFieldThatIsNotMappedIsNamed() {
        String yaml = spec("{ from: /email, required: true }").replace("required: [customer_id, email]", "required: [customer_id, email, plan]");
        SpecException e = catchThrowableOfType(SpecException.class, () -> loader().load("demo.yaml", yaml));

        assertThat(e.problems()).singleElement().asString().contains("requires 'plan' but the mapping has no such field");
    }
}
