package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LineageTest {

    static IntegrationSpec spec(String name) throws Exception {
        SpecLoader loader = new SpecLoader(k -> Optional.empty(), true);
        var apis = dev.ferry.shared.spec.ApiRegistry.load(loader, java.util.List.of(Path.of("../apis")));
        return loader.withApis(apis).load(name + ".yaml", Files.readString(Path.of("../integrations/" + name + ".yaml")));
    }

    @Test
    void everyOutputFieldNamesItsSourceAndConversions() throws Exception {
        Map<String, Lineage.Field> lineage = Lineage.of(spec("payments-ledger").mapping());

        assertThat(lineage.get("amount").source()).isEqualTo("/data/object/amount_decimal");
        assertThat(lineage.get("amount").conversions()).containsExactly("as decimal scale 2 HALF_EVEN", "required");
        assertThat(lineage.get("value_date").conversions()).containsExactly("as date from unix-seconds to iso in Europe/Berlin");
        assertThat(lineage.get("entry_id").source()).isEqualTo("template \"{/data/object/id}:{/id}\"");
        assertThat(lineage.get("kind").conversions().getFirst()).startsWith("value map");
    }

    @Test
    void anIntegerWithARoundingModeSaysHowItRounds() {
        IntegrationSpec.FieldRule rule = new IntegrationSpec.FieldRule("/units", null, null, null, null, null, null, null, null,
                null, null, null, null, dev.ferry.shared.spec.Options.ValueType.INTEGER, null,
                java.math.RoundingMode.HALF_UP, null, null, null, null, null, null, null);
        assertThat(Lineage.of(Map.of("units", rule)).get("units").conversions()).containsExactly("as integer HALF_UP");
    }

    @Test
    void nestedItemsAndTheFieldsOfOneRecord() throws Exception {
        IntegrationSpec orders = spec("orders-shipments");
        assertThat(Lineage.of(orders.mapping()).get("lines[].sku").source()).isEqualTo("/line_items/*/sku");

        JsonNode output = Json.MAPPER.readTree("{\"order_ref\":\"SHOP-1\",\"ship_to\":{\"name\":\"Ada\"}}");
        List<String> present = Lineage.of(orders.mapping(), output).stream().map(Lineage.Field::field).toList();
        assertThat(present).containsExactly("order_ref", "ship_to.name");
    }
}
